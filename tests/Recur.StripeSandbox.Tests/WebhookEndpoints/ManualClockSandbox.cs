using Microsoft.Extensions.Time.Testing;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.WebhookEndpoints;

namespace Recur.StripeSandbox.Tests.WebhookEndpoints;

/// <summary>
/// A sandbox whose clock only moves when a test says so (a <see cref="FakeTimeProvider"/> starting at the real now,
/// so signatures stay within Stripe.net's tolerance) and whose webhooks go out only when a test calls
/// <see cref="WebhookDelivery.RunOnceAsync"/>. Test-mode deliveries are tried four times, 1, 2 and 4 seconds apart;
/// live ones on Stripe's schedule.
/// </summary>
public sealed class ManualClockSandbox : IAsyncLifetime
{
    private WebApplication? _app;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public string BaseUrl { get; private set; } = "";

    public IServiceProvider Services => _app!.Services;

    public WebhookDelivery Delivery => Services.GetRequiredService<WebhookDelivery>();

    public async ValueTask InitializeAsync()
    {
        _app = SandboxServer.Create(new SandboxOptions
        {
            Url = "http://127.0.0.1:0",
            DatabasePath = null,
            Time = Time,
            DeliverWebhooksInBackground = false,
            WebhookTestRetries = 3,
            WebhookTestFirstRetryDelay = TimeSpan.FromSeconds(1),
        });
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

    public SandboxPlatform NewPlatform() => new(Guid.NewGuid().ToString("N"), BaseUrl);

    public Task DeliverAsync() => Delivery.RunOnceAsync(TestContext.Current.CancellationToken);
}
