using System.Net;
using System.Net.Http.Headers;
using Recur.Tests.Infrastructure;

namespace Recur.Tests.Checkout;

/// <summary>
/// The sandbox's billing resources land piece by piece: a test that needs one the sandbox does not serve yet is
/// skipped with the missing path named, instead of failing on someone else's unfinished work. Once the sandbox
/// answers the path, the test runs.
/// </summary>
public static class SandboxSupport
{
    public static readonly string[] Billing = ["/v1/subscriptions", "/v1/invoices", "/v1/test_helpers/test_clocks"];

    public static async Task RequireSandboxAsync(this RecurFactory factory, params string[] paths)
    {
        using var http = new HttpClient { BaseAddress = factory.SandboxAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk_test_" + factory.Platform);
        var missing = new List<string>();
        foreach (var path in paths.Length == 0 ? Billing : paths)
        {
            using var response = await http.GetAsync(path + "?limit=1", TestContext.Current.CancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                missing.Add(path);
            }
        }
        Assert.SkipWhen(missing.Count > 0, "The Stripe sandbox does not serve " + string.Join(", ", missing) + " yet.");
    }
}
