using Microsoft.Extensions.Time.Testing;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.WebhookEndpoints;

namespace Recur.StripeSandbox.Tests.WebhookEndpoints;

/// <summary>
/// A sandbox with Stripe's own webhook schedule (the defaults), a clock that moves only when a test says so, and
/// deliveries that go out only when a test calls <see cref="DeliverAsync"/>.
/// </summary>
public sealed class StripeScheduleSandbox : IAsyncLifetime
{
    private WebApplication? _app;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public string BaseUrl { get; private set; } = "";

    public IServiceProvider Services => _app!.Services;

    public SandboxStore Store => Services.GetRequiredService<SandboxStore>();

    public async ValueTask InitializeAsync()
    {
        _app = SandboxServer.Create(new SandboxOptions
        {
            Url = "http://127.0.0.1:0", DatabasePath = null, Time = Time, DeliverWebhooksInBackground = false,
        }, ["--Logging:LogLevel:Default=Error"]);
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

    public Tests.Infrastructure.SandboxPlatform NewPlatform() => new(Guid.NewGuid().ToString("N"), BaseUrl);

    public Task DeliverAsync() => Services.GetRequiredService<WebhookDelivery>().RunOnceAsync(TestContext.Current.CancellationToken);

    /// <summary>When the pending delivery to the endpoint is next due; null once none is pending.</summary>
    public DateTimeOffset? NextAttempt(string endpointId) =>
        Store.All(WebhookDelivery.Kind, d => d.Meta["endpoint"]?.ToString() == endpointId)
            .Select(d => (DateTimeOffset?)DateTimeOffset.FromUnixTimeMilliseconds(Recur.StripeSandbox.Events.JsonNumber.Read(d.Meta["next_attempt_at"])))
            .SingleOrDefault();
}
