using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Recur.StripeSandbox;
using Stripe;

namespace Recur.BrowserTests.StripeJs;

/// <summary>
/// Two servers on real Kestrel, on two loopback ports and so two origins, as in production: the Stripe sandbox (the
/// API, and the Stripe.js it serves at <c>/v3/stripe.js</c>), and a tiny merchant site whose <c>/checkout</c> page
/// loads that script and drives the Payment Element the way a checkout page does. Each test takes its own platform.
/// </summary>
public sealed class StripeJsSandbox : IAsyncLifetime
{
    private WebApplication? _sandbox;
    private WebApplication? _merchant;

    public string SandboxUrl { get; private set; } = "";

    public string MerchantUrl { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _sandbox = SandboxServer.Create(new SandboxOptions
        {
            Url = "http://127.0.0.1:0",
            DatabasePath = null,
            DeliverWebhooksInBackground = false,
        });
        await _sandbox.StartAsync();
        SandboxUrl = _sandbox.Urls.First();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _merchant = builder.Build();
        _merchant.MapGet("/checkout", () => Results.Content(MerchantCheckoutPage.Html(SandboxUrl), "text/html; charset=utf-8"));
        _merchant.MapGet("/return", (HttpRequest request) => Results.Content(
            $"<!DOCTYPE html><title>Returned</title><h1>Returned</h1><p id=\"query\">{WebUtility.HtmlEncode(request.QueryString.Value)}</p>",
            "text/html; charset=utf-8"));
        await _merchant.StartAsync();
        MerchantUrl = _merchant.Urls.First();
    }

    public async ValueTask DisposeAsync()
    {
        if (_merchant is not null)
        {
            await _merchant.DisposeAsync();
        }

        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
    }

    /// <summary>A platform no other test uses.</summary>
    public StripeJsPlatform NewPlatform() => new(Guid.NewGuid().ToString("N"), SandboxUrl);
}

/// <summary>A sandbox platform: its keys and a Stripe.net client with its secret key.</summary>
public sealed class StripeJsPlatform(string name, string sandboxUrl)
{
    public string PublishableKey => $"pk_test_{name}";

    public StripeClient Client { get; } = new(new StripeClientOptions
    {
        ApiKey = $"sk_test_{name}",
        ClientId = $"ca_{name}",
        ApiBase = sandboxUrl,
        ConnectBase = sandboxUrl,
        HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0),
    });
}
