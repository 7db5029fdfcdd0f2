using System.Net;
using System.Text.RegularExpressions;

namespace Recur.StripeSandbox.Tests.AccountLinks;

/// <summary>
/// Drives the hosted onboarding pages with a plain <see cref="HttpClient"/>, as Recur's own tests do: GET the link,
/// read the form's fields, POST them back with changes. Redirects are not followed so tests can see where they go.
/// </summary>
public sealed partial class HostedOnboarding : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false });

    public static readonly IReadOnlyDictionary<string, string> ValidDetails = new Dictionary<string, string>
    {
        ["business_name"] = "Sandbox Coffee Ltd",
        ["url"] = "https://coffee.example",
        ["product_description"] = "Coffee subscriptions",
        ["support_phone"] = "+44 20 7946 0000",
        ["sort_code"] = "10-88-00",
        ["account_number"] = "00012345",
    };

    public async Task<OnboardingPage> OpenAsync(string url)
    {
        using var response = await _http.GetAsync(url, TestContext.Current.CancellationToken);
        return await OnboardingPage.ReadAsync(url, response);
    }

    /// <summary>Posts the page's form with its own values, overridden by <paramref name="changes"/>.</summary>
    public async Task<OnboardingPage> PostAsync(OnboardingPage page, string action, IReadOnlyDictionary<string, string>? changes = null)
    {
        var fields = new Dictionary<string, string>(page.Fields);
        foreach (var (name, value) in changes ?? new Dictionary<string, string>())
        {
            fields[name] = value;
        }

        fields["action"] = action;
        using var response = await _http.PostAsync(new Uri(new Uri(page.Url), page.Action),
            new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);
        return await OnboardingPage.ReadAsync(page.Url, response);
    }

    /// <summary>Opens the link and submits valid details; returns where the sandbox sent the browser.</summary>
    public async Task<OnboardingPage> CompleteAsync(string url)
    {
        var page = await OpenAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await PostAsync(page, "submit", ValidDetails);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>One response from the onboarding pages: its status, redirect target, HTML and form fields.</summary>
public sealed partial record OnboardingPage(string Url, HttpStatusCode Status, string? Location, string Html,
    string Action, IReadOnlyDictionary<string, string> Fields)
{
    public static async Task<OnboardingPage> ReadAsync(string url, HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var fields = new Dictionary<string, string>();
        foreach (Match input in InputTag().Matches(html))
        {
            var name = Attribute(input.Value, "name");
            if (name is not null && Attribute(input.Value, "type") != "submit")
            {
                fields[name] = WebUtility.HtmlDecode(Attribute(input.Value, "value") ?? "");
            }
        }

        foreach (Match select in SelectTag().Matches(html))
        {
            var selected = SelectedOption().Match(select.Groups["options"].Value);
            fields[select.Groups["name"].Value] = selected.Success ? WebUtility.HtmlDecode(selected.Groups["value"].Value) : "";
        }

        var action = FormTag().Match(html) is { Success: true } form ? WebUtility.HtmlDecode(form.Groups["action"].Value) : url;
        return new OnboardingPage(url, response.StatusCode, response.Headers.Location?.ToString(), html, action, fields);
    }

    private static string? Attribute(string tag, string name) =>
        Regex.Match(tag, $"\\s{name}=\"(?<v>[^\"]*)\"") is { Success: true } m ? m.Groups["v"].Value : null;

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex InputTag();

    [GeneratedRegex("<select[^>]*name=\"(?<name>[^\"]+)\"[^>]*>(?<options>.*?)</select>", RegexOptions.Singleline)]
    private static partial Regex SelectTag();

    [GeneratedRegex("<option value=\"(?<value>[^\"]*)\" selected")]
    private static partial Regex SelectedOption();

    [GeneratedRegex("<form[^>]*action=\"(?<action>[^\"]*)\"")]
    private static partial Regex FormTag();
}
