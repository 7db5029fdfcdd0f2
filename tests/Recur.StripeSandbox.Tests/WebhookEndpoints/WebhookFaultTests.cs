using Microsoft.Extensions.Time.Testing;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.WebhookEndpoints;

/// <summary>
/// Webhook faults on a sandbox whose clock and deliveries move only when the test says: platform events
/// (<c>customer.created</c>, <c>customer.updated</c>) to an account endpoint of the platform.
/// </summary>
public sealed class WebhookFaultTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private FaultySandbox _sandbox = null!;
    private WebhookReceiver _receiver = null!;
    private SandboxPlatform _platform = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await FaultySandbox.StartAsync(_time);
        _receiver = await WebhookReceiver.StartAsync();
        _platform = _sandbox.NewPlatform();
        await _platform.Test.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = _receiver.Url, EnabledEvents = ["customer.created", "customer.updated"],
        }, cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    private void Fault(WebhookFaultKind kind, FaultRate rate, int? delayMs = null) =>
        _sandbox.Faults.Set(new FaultPlan { Webhooks = [new WebhookFault(kind, rate) { DelayMs = delayMs }] });

    private async Task<string> CustomerCreatedEventAsync(string email)
    {
        var customer = await _platform.Test.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = email }, cancellationToken: Ct);
        var events = await _platform.Test.V1.Events.ListAsync(new EventListOptions { Type = "customer.created" }, cancellationToken: Ct);
        return events.Data.Single(e => ((Customer)e.Data.Object).Id == customer.Id).Id;
    }

    [Fact]
    public async Task A_dropped_delivery_never_arrives_nor_is_retried_and_only_the_events_list_still_has_the_event()
    {
        Fault(WebhookFaultKind.Drop, FaultRate.Once);
        var lost = await CustomerCreatedEventAsync("lost@example.com");
        await _sandbox.DeliverAsync();
        _time.Advance(TimeSpan.FromDays(3));
        await _sandbox.DeliverAsync();
        var next = await CustomerCreatedEventAsync("next@example.com");
        await _sandbox.DeliverAsync();

        Assert.Equal([next], _receiver.Received.Select(r => r.Id));
        var listed = await _platform.Test.V1.Events.GetAsync(lost, cancellationToken: Ct);
        Assert.Equal(0, listed.PendingWebhooks);
        Assert.Equal(1, _sandbox.Faults.Counts.WebhooksDropped);
    }

    [Fact]
    public async Task A_duplicated_delivery_arrives_twice_with_the_same_event()
    {
        Fault(WebhookFaultKind.Duplicate, FaultRate.Once);
        var created = await CustomerCreatedEventAsync("twice@example.com");
        await _sandbox.DeliverAsync();

        Assert.Equal([created, created], _receiver.Received.Select(r => r.Id));
        Assert.Equal(1, _sandbox.Faults.Counts.WebhooksDuplicated);
    }

    [Fact]
    public async Task A_delayed_delivery_waits_its_delay_then_arrives_once()
    {
        Fault(WebhookFaultKind.Delay, FaultRate.Once, delayMs: 10_000);
        var created = await CustomerCreatedEventAsync("late@example.com");
        await _sandbox.DeliverAsync();
        var beforeDelay = _receiver.Received.Count;
        _time.Advance(TimeSpan.FromSeconds(9));
        await _sandbox.DeliverAsync();
        var justBefore = _receiver.Received.Count;
        _time.Advance(TimeSpan.FromSeconds(1));
        await _sandbox.DeliverAsync();
        _time.Advance(TimeSpan.FromMinutes(5));
        await _sandbox.DeliverAsync();

        Assert.Equal(0, beforeDelay + justBefore);
        Assert.Equal([created], _receiver.Received.Select(r => r.Id));
        Assert.Equal(1, _sandbox.Faults.Counts.WebhooksDelayed);
    }

    [Fact]
    public async Task A_reordered_delivery_is_overtaken_by_the_next_event()
    {
        Fault(WebhookFaultKind.Reorder, FaultRate.Once);
        var first = await CustomerCreatedEventAsync("first@example.com");
        var second = await CustomerCreatedEventAsync("second@example.com");
        await _sandbox.DeliverAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        await _sandbox.DeliverAsync();

        Assert.Equal([second, first], _receiver.Received.Select(r => r.Id));
        Assert.Equal(1, _sandbox.Faults.Counts.WebhooksReordered);
    }

    [Fact]
    public async Task Every_nth_delivery_is_dropped_and_the_others_arrive_in_order()
    {
        Fault(WebhookFaultKind.Drop, FaultRate.EveryNth(2));
        var events = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            events.Add(await CustomerCreatedEventAsync($"c{i}@example.com"));
        }

        await _sandbox.DeliverAsync();

        Assert.Equal([events[0], events[2]], _receiver.Received.Select(r => r.Id));
        Assert.Equal(2, _sandbox.Faults.Counts.WebhooksDropped);
    }

    [Fact]
    public async Task A_rule_for_one_event_type_leaves_the_other_types_alone()
    {
        _sandbox.Faults.Set(new FaultPlan
        {
            Webhooks = [new WebhookFault(WebhookFaultKind.Drop, FaultRate.EveryNth(1)) { Types = ["customer.updated"] }],
        });
        var customer = await _platform.Test.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "a@example.com" }, cancellationToken: Ct);
        await _platform.Test.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions { Name = "Ada" }, cancellationToken: Ct);
        var second = await _platform.Test.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "b@example.com" }, cancellationToken: Ct);
        await _sandbox.DeliverAsync();

        Assert.Equal(["customer.created", "customer.created"], _receiver.Received.Select(r => r.Type));
        Assert.Equal(second.Id, _receiver.Received[1].Json["data"]!["object"]!["id"]!.ToString());
        Assert.Equal(1, _sandbox.Faults.Counts.WebhooksDropped);
    }
}
