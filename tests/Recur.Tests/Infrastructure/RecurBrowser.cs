using System.Net;
using System.Text.RegularExpressions;

namespace Recur.Tests.Infrastructure;

/// <summary>A page as the browser got it, after following redirects.</summary>
public sealed partial record Page(Uri Url, HttpStatusCode Status, string Html, IReadOnlyList<Uri> Visited)
{
    public IReadOnlyList<HtmlForm> Forms => HtmlForm.All(Html);

    public HtmlForm Form(string actionPart) => HtmlForm.Find(Html, actionPart);

    /// <summary>The one form that has a field named <paramref name="field"/>.</summary>
    public HtmlForm FormWithField(string field) => Forms.Single(f => f.Fields.ContainsKey(field));

    /// <summary>The text of the element marked <c>data-testid="<paramref name="testId"/>"</c>, or null.</summary>
    public string? TestId(string testId)
    {
        var match = Regex.Match(Html, $@"data-testid=""{Regex.Escape(testId)}""[^>]*>(?<inner>.*?)</(dd|p|span|div)>", RegexOptions.Singleline);
        return match.Success ? Squash(match.Groups["inner"].Value) : null;
    }

    /// <summary>The page's visible text, tags removed, whitespace squashed.</summary>
    public string Text => Squash(StylePattern().Replace(Html, " "));

    private static string Squash(string html) =>
        WebUtility.HtmlDecode(Whitespace().Replace(TagPattern().Replace(html, " "), " ")).Trim();

    [GeneratedRegex("<style.*?</style>", RegexOptions.Singleline)]
    private static partial Regex StylePattern();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

/// <summary>
/// Drives Recur (and the sandbox's hosted pages) the way a browser would: cookies kept, forms posted with their
/// hidden fields (antiforgery token included), redirects followed across origins.
/// </summary>
public sealed class RecurBrowser : IDisposable
{
    public const string Password = "correct horse battery";

    private readonly HttpClient _http;

    public RecurBrowser(Uri recur)
    {
        Recur = recur;
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = recur,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public Uri Recur { get; }

    public CookieContainer Cookies { get; }

    public HttpClient Http => _http;

    public Uri Absolute(string url) => new(Recur, url);

    /// <summary>GET, then follow redirects.</summary>
    public async Task<Page> GetAsync(string url) => await FollowAsync(Absolute(url), await _http.GetAsync(Absolute(url)));

    /// <summary>GET without following redirects.</summary>
    public Task<HttpResponseMessage> GetRawAsync(string url) => _http.GetAsync(Absolute(url));

    /// <summary>Posts a form found on <paramref name="page"/> without following the redirect.</summary>
    public Task<HttpResponseMessage> PostRawAsync(Page page, HtmlForm form, IReadOnlyDictionary<string, string>? values = null, (string, string)? button = null)
    {
        var target = new Uri(page.Url, string.IsNullOrEmpty(form.Action) ? page.Url.PathAndQuery : form.Action);
        return _http.PostAsync(target, new FormUrlEncodedContent(form.With(values, button)));
    }

    /// <summary>Posts a form found on <paramref name="page"/> and follows the redirects.</summary>
    public async Task<Page> SubmitAsync(Page page, HtmlForm form, IReadOnlyDictionary<string, string>? values = null, (string, string)? button = null)
    {
        var target = new Uri(page.Url, string.IsNullOrEmpty(form.Action) ? page.Url.PathAndQuery : form.Action);
        var response = await _http.PostAsync(target, new FormUrlEncodedContent(form.With(values, button)));
        return await FollowAsync(target, response);
    }

    /// <summary>Presses a destructive button (the form whose action contains <paramref name="actionPart"/>), checks
    /// that Recur asks first instead of acting, and confirms with the confirmation's own button.</summary>
    public async Task<Page> SubmitConfirmedAsync(Page page, string actionPart)
    {
        var asked = await SubmitAsync(page, page.Form(actionPart));
        var confirm = asked.Forms.SingleOrDefault(f => f.Action.Contains(actionPart, StringComparison.OrdinalIgnoreCase)
            && f.Fields.GetValueOrDefault("confirmed") == "yes");
        if (confirm is null)
        {
            throw new InvalidOperationException($"Pressing '{actionPart}' did not ask for a confirmation:\n{asked.Text}");
        }
        return await SubmitAsync(asked, confirm);
    }

    /// <summary>Follows the redirects of <paramref name="response"/> (a response to <paramref name="requestUri"/>).</summary>
    public async Task<Page> FollowAsync(Uri requestUri, HttpResponseMessage response)
    {
        var visited = new List<Uri> { requestUri };
        var current = requestUri;
        for (var hop = 0; hop < 15; hop++)
        {
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                current = location.IsAbsoluteUri ? location : new Uri(current, location);
                visited.Add(current);
                response.Dispose();
                response = await _http.GetAsync(current);
                continue;
            }
            var html = await response.Content.ReadAsStringAsync();
            var status = response.StatusCode;
            response.Dispose();
            return new Page(current, status, html, visited);
        }
        throw new InvalidOperationException("Too many redirects: " + string.Join(" → ", visited));
    }

    public async Task<Page> SignUpAsync(string businessName, string email)
    {
        var page = await GetAsync("/signup");
        return await SubmitAsync(page, page.FormWithField("Form.BusinessName"), new Dictionary<string, string>
        {
            ["Form.BusinessName"] = businessName,
            ["Form.Email"] = email,
            ["Form.Password"] = Password,
        });
    }

    public async Task<Page> SignInAsync(string email, string password = Password)
    {
        var page = await GetAsync("/signin");
        return await SubmitAsync(page, page.FormWithField("Form.Password"), new Dictionary<string, string>
        {
            ["Form.Email"] = email,
            ["Form.Password"] = password,
        });
    }

    public Task<Page> StripeCardAsync(string environment = "test") => GetAsync("/admin/integrations/stripe?environment=" + environment);

    /// <summary>The antiforgery token of the page (for posting to APIs that need one).</summary>
    public static string AntiforgeryToken(Page page) =>
        page.Forms.Select(f => f.Fields.GetValueOrDefault("__RequestVerificationToken")).First(t => !string.IsNullOrEmpty(t))!;

    public void Dispose() => _http.Dispose();
}
