using Stripe;

namespace Recur.StripeSandbox.Tests.Infrastructure;

/// <summary>
/// A sandbox on real Kestrel at a free loopback port with a fresh in-memory store, shared by one test class
/// (<c>IClassFixture&lt;SandboxFixture&gt;</c>). Each test takes its own platform with <see cref="NewPlatform"/>,
/// so tests never see each other's objects.
/// </summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = "";

    public IServiceProvider Services => _app!.Services;

    public async ValueTask InitializeAsync()
    {
        _app = SandboxServer.Create(new SandboxOptions { Url = "http://127.0.0.1:0", DatabasePath = null });
        await _app.StartAsync();
        BaseUrl = _app.Urls.First();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>A platform no other test uses: its name, and Stripe.net clients for its test and live keys.</summary>
    public SandboxPlatform NewPlatform() => new(Guid.NewGuid().ToString("N"), BaseUrl);
}

public sealed class SandboxPlatform(string name, string baseUrl)
{
    public string Name => name;

    public string ClientId => $"ca_{name}";

    public string TestSecretKey => $"sk_test_{name}";

    public string LiveSecretKey => $"sk_live_{name}";

    public string TestPublishableKey => $"pk_test_{name}";

    public string BaseUrl => baseUrl;

    public StripeClient Test { get; } = Client($"sk_test_{name}", name, baseUrl);

    public StripeClient Live { get; } = Client($"sk_live_{name}", name, baseUrl);

    public static StripeClient Client(string apiKey, string platform, string baseUrl) =>
        new(new StripeClientOptions
        {
            ApiKey = apiKey,
            ClientId = $"ca_{platform}",
            ApiBase = baseUrl,
            ConnectBase = baseUrl,
            HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0),
        });
}
