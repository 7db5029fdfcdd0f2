using Microsoft.Extensions.Time.Testing;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.OAuth;
using Recur.StripeSandbox.WebhookEndpoints;
using Stripe;

namespace Recur.StripeSandbox.Tests.WebhookEndpoints;

/// <summary>Sandboxes of their own: one kept in a SQLite file and restarted, one that duplicates deliveries.</summary>
public sealed class WebhookDeliveryRestartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_delivery_still_pending_when_the_sandbox_stops_goes_out_after_a_restart()
    {
        var database = Path.Combine(Path.GetTempPath(), $"sandbox-{Guid.NewGuid():N}.db");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.StartAsync();
        string secret;
        string accountId;
        await using (var before = await StartAsync(database, time))
        {
            var platform = new SandboxPlatform("restart", before.Urls.First());
            secret = (await platform.Test.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
            {
                Url = receiver.Url, Connect = true, EnabledEvents = ["*"],
            }, cancellationToken: Ct)).Secret;
            accountId = (await OAuthFlow.ConnectAsync(platform.Test)).StripeUserId;
        }

        await using (var after = await StartAsync(database, time))
        {
            await after.Services.GetRequiredService<WebhookDelivery>().RunOnceAsync(Ct);
        }

        var webhook = Assert.Single(receiver.Received);
        var stripeEvent = EventUtility.ConstructEvent(webhook.Body, webhook.Signature, secret,
            300, time.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        Assert.Equal("account.application.authorized", stripeEvent.Type);
        Assert.Equal(accountId, stripeEvent.Account);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            System.IO.File.Delete(database + suffix);
        }
    }

    [Fact]
    public async Task With_duplicate_deliveries_switched_on_every_event_arrives_twice()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var app = SandboxServer.Create(new SandboxOptions
        {
            Url = "http://127.0.0.1:0", DatabasePath = null, DeliverWebhooksInBackground = false,
            DuplicateWebhookDeliveries = true,
        });
        await app.StartAsync(Ct);
        await using (app)
        {
            var platform = new SandboxPlatform("duplicates", app.Urls.First());
            await platform.Test.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
            {
                Url = receiver.Url, Connect = true, EnabledEvents = ["*"],
            }, cancellationToken: Ct);
            await OAuthFlow.ConnectAsync(platform.Test);

            await app.Services.GetRequiredService<WebhookDelivery>().RunOnceAsync(Ct);
        }

        Assert.Equal(2, receiver.Received.Count);
        Assert.Equal(receiver.Received[0].Id, receiver.Received[1].Id);
    }

    private static async Task<WebApplication> StartAsync(string database, TimeProvider time)
    {
        var app = SandboxServer.Create(new SandboxOptions
        {
            Url = "http://127.0.0.1:0", DatabasePath = database, Time = time, DeliverWebhooksInBackground = false,
        });
        await app.StartAsync(Ct);
        return app;
    }
}
