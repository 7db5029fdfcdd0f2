using System.Net;
using Recur.Tests.Infrastructure;

namespace Recur.Tests.Edge;

/// <summary>Recur behind a proxy it does not know (10.9.9.9): the test client's loopback address is not a trusted
/// proxy here, so its forwarded headers must be ignored.</summary>
public sealed class UnknownProxyFactory : RecurFactory
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["ForwardedHeaders:KnownProxies:0"] = "10.9.9.9",
    };
}

public sealed class ForwardedHeadersTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    [Fact]
    public async Task Behind_a_trusted_proxy_that_says_https_the_session_cookie_is_secure_and_http_only()
    {
        using var browser = factory.NewBrowser();
        var page = await browser.GetAsync("/signup");
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.80");

        using var response = await browser.PostRawAsync(page, page.FormWithField("Form.BusinessName"), new Dictionary<string, string>
        {
            ["Form.BusinessName"] = "Proxied Ltd",
            ["Form.Email"] = $"proxied-{Guid.NewGuid():N}@example.com",
            ["Form.Password"] = RecurBrowser.Password,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var session = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("recur.auth=", StringComparison.Ordinal));
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Over_plain_http_without_a_proxy_the_session_cookie_is_not_marked_secure()
    {
        using var browser = factory.NewBrowser();
        var page = await browser.GetAsync("/signup");

        using var response = await browser.PostRawAsync(page, page.FormWithField("Form.BusinessName"), new Dictionary<string, string>
        {
            ["Form.BusinessName"] = "Plain Ltd",
            ["Form.Email"] = $"plain-{Guid.NewGuid():N}@example.com",
            ["Form.Password"] = RecurBrowser.Password,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var session = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("recur.auth=", StringComparison.Ordinal));
        Assert.DoesNotContain("secure", session, StringComparison.OrdinalIgnoreCase);
    }
}

public sealed class UnknownProxyTests(UnknownProxyFactory factory) : IClassFixture<UnknownProxyFactory>
{
    [Fact]
    public async Task Forwarded_headers_from_an_address_that_is_not_a_known_proxy_are_ignored()
    {
        using var browser = factory.NewBrowser();
        var page = await browser.GetAsync("/signup");
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        using var response = await browser.PostRawAsync(page, page.FormWithField("Form.BusinessName"), new Dictionary<string, string>
        {
            ["Form.BusinessName"] = "Spoofed Ltd",
            ["Form.Email"] = $"spoofed-{Guid.NewGuid():N}@example.com",
            ["Form.Password"] = RecurBrowser.Password,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var session = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("recur.auth=", StringComparison.Ordinal));
        Assert.DoesNotContain("secure", session, StringComparison.OrdinalIgnoreCase);
    }
}
