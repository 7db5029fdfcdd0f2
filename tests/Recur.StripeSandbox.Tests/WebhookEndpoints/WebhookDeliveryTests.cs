using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.OAuth;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.OAuth;
using Stripe;

namespace Recur.StripeSandbox.Tests.WebhookEndpoints;

/// <summary>Delivery driven by hand: the clock moves and passes run only when the test says so.</summary>
public sealed class WebhookDeliveryTests(ManualClockSandbox sandbox) : IClassFixture<ManualClockSandbox>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_failed_delivery_is_retried_after_a_backoff_and_signed_afresh()
    {
        var platform = sandbox.NewPlatform();
        await using var receiver = await WebhookReceiver.StartAsync(500, 200);
        var endpoint = await ConnectEndpointAsync(platform, receiver);
        var token = await OAuthFlow.ConnectAsync(platform.Test);

        await sandbox.DeliverAsync();
        var first = Assert.Single(receiver.Received);
        await sandbox.DeliverAsync();
        Assert.Single(receiver.Received);
        Assert.Equal(1, (await EventAsync(platform, token, first.Id)).PendingWebhooks);

        sandbox.Time.Advance(TimeSpan.FromSeconds(1));
        await sandbox.DeliverAsync();

        Assert.Equal(2, receiver.Received.Count);
        var second = receiver.Received[1];
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Body, second.Body);
        Assert.NotEqual(first.Timestamp, second.Timestamp);
        Assert.NotEqual(first.Signature, second.Signature);
        foreach (var attempt in new[] { first, second })
        {
            var stripeEvent = EventUtility.ConstructEvent(attempt.Body, attempt.Signature, endpoint.Secret,
                300, sandbox.Time.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
            Assert.Equal("account.application.authorized", stripeEvent.Type);
        }

        Assert.Equal(0, (await EventAsync(platform, token, first.Id)).PendingWebhooks);
        sandbox.Time.Advance(TimeSpan.FromMinutes(10));
        await sandbox.DeliverAsync();
        Assert.Equal(2, receiver.Received.Count);
    }

    [Fact]
    public async Task Retries_back_off_exponentially_and_stop_after_the_last_attempt()
    {
        var platform = sandbox.NewPlatform();
        await using var receiver = await WebhookReceiver.StartAsync(500, 503, 500, 500, 500);
        await ConnectEndpointAsync(platform, receiver);
        var token = await OAuthFlow.ConnectAsync(platform.Test);

        await sandbox.DeliverAsync();
        foreach (var (wait, expected) in new[] { (1, 2), (1, 2), (1, 3), (3, 3), (1, 4), (60, 4), (600, 4) })
        {
            sandbox.Time.Advance(TimeSpan.FromSeconds(wait));
            await sandbox.DeliverAsync();
            Assert.Equal(expected, receiver.Received.Count);
        }

        // Four attempts, one second, two seconds then four seconds apart; the event stays undelivered.
        var eventId = receiver.Received[0].Id;
        Assert.All(receiver.Received, r => Assert.Equal(eventId, r.Id));
        Assert.Equal(1, (await EventAsync(platform, token, eventId)).PendingWebhooks);
    }

    [Fact]
    public async Task A_redirect_counts_as_a_failure()
    {
        var platform = sandbox.NewPlatform();
        await using var receiver = await WebhookReceiver.StartAsync(302, 200);
        await ConnectEndpointAsync(platform, receiver);
        await OAuthFlow.ConnectAsync(platform.Test);

        await sandbox.DeliverAsync();
        sandbox.Time.Advance(TimeSpan.FromSeconds(1));
        await sandbox.DeliverAsync();

        Assert.Equal(2, receiver.Received.Count);
        Assert.Equal(receiver.Received[0].Id, receiver.Received[1].Id);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_retried()
    {
        var platform = sandbox.NewPlatform();
        var receiver = await WebhookReceiver.StartAsync();
        var url = receiver.Url;
        await receiver.DisposeAsync();
        var endpoint = await platform.Test.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = url, Connect = true, EnabledEvents = ["*"],
        }, cancellationToken: Ct);
        var token = await OAuthFlow.ConnectAsync(platform.Test);

        await sandbox.DeliverAsync();
        var pending = Store.All("webhook_delivery", d => d.Meta["endpoint"]?.ToString() == endpoint.Id);

        var delivery = Assert.Single(pending);
        Assert.Equal(1, JsonNumber.Read(delivery.Meta["attempts"]));
        Assert.Single(Store.All("event", e => e.Account == token.StripeUserId));
        await platform.Test.V1.WebhookEndpoints.DeleteAsync(endpoint.Id, cancellationToken: Ct);
    }

    [Fact]
    public async Task Deleting_an_endpoint_stops_its_retries()
    {
        var platform = sandbox.NewPlatform();
        await using var receiver = await WebhookReceiver.StartAsync(500);
        var endpoint = await ConnectEndpointAsync(platform, receiver);
        await OAuthFlow.ConnectAsync(platform.Test);
        await sandbox.DeliverAsync();

        await platform.Test.V1.WebhookEndpoints.DeleteAsync(endpoint.Id, cancellationToken: Ct);
        sandbox.Time.Advance(TimeSpan.FromSeconds(5));
        await sandbox.DeliverAsync();

        Assert.Single(receiver.Received);
        Assert.Empty(Store.All("webhook_delivery", d => d.Meta["endpoint"]?.ToString() == endpoint.Id));
    }

    [Fact]
    public async Task Deliveries_to_one_endpoint_go_out_in_event_order_and_a_failing_one_does_not_hold_back_the_rest()
    {
        var platform = sandbox.NewPlatform();
        await using var receiver = await WebhookReceiver.StartAsync(500);
        await ConnectEndpointAsync(platform, receiver);
        var token = await OAuthFlow.ConnectAsync(platform.Test);
        var events = sandbox.Services.GetRequiredService<SandboxEvents>();
        var application = OAuthConnections.Application(platform.Name);
        var second = events.Publish("account.updated", new JsonObject { ["id"] = token.StripeUserId, ["object"] = "account" },
            false, token.StripeUserId, [platform.Name]);
        var third = events.Publish("account.application.deauthorized", application, false, token.StripeUserId, [platform.Name]);

        await sandbox.DeliverAsync();
        await sandbox.DeliverAsync();
        sandbox.Time.Advance(TimeSpan.FromSeconds(1));
        await sandbox.DeliverAsync();

        Assert.Equal(
            ["account.application.authorized", "account.updated", "account.application.deauthorized", "account.application.authorized"],
            receiver.Received.Select(r => r.Type));
        Assert.Equal(second.Id, receiver.Received[1].Id);
        Assert.Equal(third.Id, receiver.Received[2].Id);
    }

    private SandboxStore Store => sandbox.Services.GetRequiredService<SandboxStore>();

    private static Task<WebhookEndpoint> ConnectEndpointAsync(SandboxPlatform platform, WebhookReceiver receiver) =>
        platform.Test.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = receiver.Url, Connect = true, EnabledEvents = ["*"],
        }, cancellationToken: Ct);

    private static Task<Event> EventAsync(SandboxPlatform platform, OAuthToken token, string id) =>
        platform.Test.V1.Events.GetAsync(id, requestOptions: new RequestOptions { StripeAccount = token.StripeUserId },
            cancellationToken: Ct);
}
