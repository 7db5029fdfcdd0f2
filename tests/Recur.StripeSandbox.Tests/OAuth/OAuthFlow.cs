using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Stripe;

namespace Recur.StripeSandbox.Tests.OAuth;

/// <summary>
/// The OAuth round trip as Recur drives it without a browser: build the authorize URL with Stripe.net, read the
/// consent page's form, post it with a decision, follow nothing, and read the redirect.
/// </summary>
public static partial class OAuthFlow
{
    public const string RedirectUri = "https://recur.example/integrations/stripe/callback";

    public static HttpClient Browser() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

    public static Uri AuthorizeUrl(IStripeClient client, string state = "state-123", string? email = null,
        string? businessName = null) =>
        new OAuthTokenService(client).AuthorizeUrl(new OAuthAuthorizeUrlOptions
        {
            ResponseType = "code",
            Scope = "read_write",
            RedirectUri = RedirectUri,
            State = state,
            StripeUser = new OAuthAuthorizeUrlStripeUserOptions { Email = email, BusinessName = businessName },
        });

    /// <summary>The named inputs of an HTML page (hidden and text), with their values.</summary>
    public static Dictionary<string, string> Inputs(string html)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in InputTag().Matches(html))
        {
            var name = Attribute(input.Value, "name");
            var type = Attribute(input.Value, "type");
            if (name is not null && type is not "submit")
            {
                fields[name] = WebUtility.HtmlDecode(Attribute(input.Value, "value") ?? "");
            }
        }

        return fields;
    }

    /// <summary>Opens the consent page, lets the test change fields, presses a button, returns the redirect.</summary>
    public static async Task<Uri> SubmitAsync(Uri authorizeUrl, string decision, Action<Dictionary<string, string>>? edit = null)
    {
        using var browser = Browser();
        var ct = TestContext.Current.CancellationToken;
        var page = await browser.GetAsync(authorizeUrl, ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var fields = Inputs(await page.Content.ReadAsStringAsync(ct));
        edit?.Invoke(fields);
        fields["decision"] = decision;
        var response = await browser.PostAsync(new Uri(authorizeUrl, "/oauth/authorize"), new FormUrlEncodedContent(fields), ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    public static Dictionary<string, string> Query(Uri uri) =>
        QueryHelpers.ParseQuery(uri.Query).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);

    /// <summary>A fresh authorization code for the platform of <paramref name="client"/>.</summary>
    public static async Task<string> CodeAsync(IStripeClient client, string? email = null, string? country = null)
    {
        var redirect = await SubmitAsync(AuthorizeUrl(client, email: email), "allow",
            country is null ? null : fields => fields["country"] = country);
        return Query(redirect)["code"];
    }

    /// <summary>Connects a (new or existing, by email) Standard account and returns the token.</summary>
    public static async Task<OAuthToken> ConnectAsync(IStripeClient client, string? email = null, string? country = null)
    {
        var code = await CodeAsync(client, email, country);
        return await Exchange(client, code);
    }

    public static Task<OAuthToken> Exchange(IStripeClient client, string code) =>
        new OAuthTokenService(client).CreateAsync(
            new OAuthTokenCreateOptions { GrantType = "authorization_code", Code = code },
            cancellationToken: TestContext.Current.CancellationToken);

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"""\b{name}="([^"]*)" """.TrimEnd());
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();
}
