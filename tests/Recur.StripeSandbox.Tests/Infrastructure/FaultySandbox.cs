using Microsoft.Extensions.Time.Testing;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.WebhookEndpoints;
using Stripe;

namespace Recur.StripeSandbox.Tests.Infrastructure;

/// <summary>
/// A sandbox of one test's own, on a free loopback port, whose <see cref="Faults"/> the test switches; its fault
/// admin endpoint opens with <see cref="AdminToken"/>. With a <see cref="FakeTimeProvider"/>, webhooks go out only
/// when the test calls <see cref="DeliverAsync"/>.
/// </summary>
public sealed class FaultySandbox : IAsyncDisposable
{
    public const string AdminToken = "admin-token-for-tests";

    private readonly WebApplication _app;

    private FaultySandbox(WebApplication app, SandboxFaults faults)
    {
        _app = app;
        Faults = faults;
    }

    public SandboxFaults Faults { get; }

    public string BaseUrl => _app.Urls.First();

    public IServiceProvider Services => _app.Services;

    public static async Task<FaultySandbox> StartAsync(FakeTimeProvider? time = null)
    {
        var faults = new SandboxFaults();
        var app = SandboxServer.Create(new SandboxOptions
        {
            Url = "http://127.0.0.1:0",
            DatabasePath = null,
            Time = time ?? (TimeProvider)TimeProvider.System,
            DeliverWebhooksInBackground = time is null,
            WebhookTestRetries = 3,
            WebhookTestFirstRetryDelay = TimeSpan.FromSeconds(1),
            Faults = faults,
            FaultAdminToken = AdminToken,
        });
        await app.StartAsync();
        return new FaultySandbox(app, faults);
    }

    public SandboxPlatform NewPlatform() => new(Guid.NewGuid().ToString("N"), BaseUrl);

    /// <summary>A Stripe.net client of a new platform that retries as Recur's does, with the HTTP timeout given.</summary>
    public StripeClient Client(SandboxPlatform platform, int maxNetworkRetries, TimeSpan? timeout = null) =>
        new(new StripeClientOptions
        {
            ApiKey = platform.TestSecretKey,
            ClientId = platform.ClientId,
            ApiBase = BaseUrl,
            ConnectBase = BaseUrl,
            HttpClient = new SystemNetHttpClient(
                new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(30) }, maxNetworkRetries),
        });

    public Task DeliverAsync() =>
        Services.GetRequiredService<WebhookDelivery>().RunOnceAsync(TestContext.Current.CancellationToken);

    /// <summary>Waits (up to 20 s) until the counts satisfy <paramref name="condition"/>.</summary>
    public async Task<FaultCounts> WaitForCountsAsync(Func<FaultCounts, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition(Faults.Counts))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The fault counts never got there: {Faults.Counts}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return Faults.Counts;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
