using System.Net;
using Stripe.Checkout;

namespace Recur.StripeSandbox.Tests.CheckoutSessions;

/// <summary>A customer on a Checkout Session's hosted page: what the browser posts, and where it is sent next.</summary>
public static class HostedCheckout
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Bank details typed in with the Direct Debit terms accepted (sort code 10-88-00).</summary>
    public static Dictionary<string, string> Bacs(string accountNumber = "00012345", bool acceptTerms = true)
    {
        var form = new Dictionary<string, string>
        {
            ["type"] = "bacs_debit", ["email"] = "jenny@example.co.uk", ["name"] = "Jenny Rosen", ["sort_code"] = "10-88-00",
            ["account_number"] = accountNumber, ["line1"] = "1 High Street", ["city"] = "London",
            ["postal_code"] = "N1 9GU", ["country"] = "GB",
        };
        if (acceptTerms)
        {
            form["mandate"] = "accepted";
        }

        return form;
    }

    public static Dictionary<string, string> Card(string number = "4242 4242 4242 4242") => new()
    {
        ["type"] = "card", ["email"] = "jenny@example.co.uk", ["name"] = "Jenny Rosen", ["number"] = number,
        ["expiry"] = "12 / 34", ["cvc"] = "123", ["country"] = "GB", ["postal_code"] = "N1 9GU",
    };

    /// <summary>Submits the page's form; the answer without following redirects.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(Session session, Dictionary<string, string> form)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        http.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (hosted checkout test)");
        using var content = new FormUrlEncodedContent(form);
        var response = await http.PostAsync(session.Url, content, Ct);
        await response.Content.LoadIntoBufferAsync(Ct);
        return response;
    }

    /// <summary>Submits the form, which must succeed: where the browser is sent (the success URL).</summary>
    public static async Task<string> CompleteAsync(Session session, Dictionary<string, string> form)
    {
        using var response = await SubmitAsync(session, form);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect,
            $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return response.Headers.Location!.ToString();
    }
}
