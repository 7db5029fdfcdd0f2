using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.Subscriptions;
using Stripe;
using Stripe.TestHelpers;

namespace Recur.StripeSandbox.Tests.TestHelpers;

/// <summary>
/// Test clocks through Stripe.net: create, retrieve, list, delete, and advance — forward only, within Stripe's limit
/// (two intervals of the shortest subscription on the clock, else two years), with its events.
/// </summary>
public sealed class TestClocksTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset Start => BillingShop.Start;

    [Fact]
    public async Task A_clock_is_created_read_listed_advanced_and_deleted()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var clocks = shop.Server.V1.TestHelpers.TestClocks;

        var created = await shop.ClockAsync();
        var read = await clocks.GetAsync(created.Id, null, shop.On(), Ct);
        var listed = await clocks.ListAsync(new TestClockListOptions(), shop.On(), Ct);
        var advanced = await shop.AdvanceAsync(created.Id, Start.AddDays(3));
        var deleted = await clocks.DeleteAsync(created.Id, null, shop.On(), Ct);
        var gone = await Assert.ThrowsAsync<StripeException>(() => clocks.GetAsync(created.Id, null, shop.On(), Ct));

        Assert.StartsWith("clock_", created.Id);
        Assert.Equal(Start.UtcDateTime, created.FrozenTime);
        Assert.Equal("Billing test", created.Name);
        Assert.Equal("ready", created.Status);
        Assert.False(created.Livemode);
        Assert.True(created.DeletesAfter > created.Created);
        Assert.Equal(created.Id, read.Id);
        Assert.Equal(created.Id, Assert.Single(listed.Data).Id);
        Assert.Equal("ready", advanced.Status);
        Assert.Equal(Start.AddDays(3).UtcDateTime, advanced.FrozenTime);
        Assert.True(deleted.Deleted);
        Assert.Equal(HttpStatusCode.NotFound, gone.HttpStatusCode);
        Assert.Equal(["test_helpers.test_clock.created", "test_helpers.test_clock.advancing", "test_helpers.test_clock.ready",
            "test_helpers.test_clock.deleted"], await shop.EventTypesAsync());
        Assert.Empty((await clocks.ListAsync(new TestClockListOptions(), cancellationToken: Ct)).Data);
    }

    [Fact]
    public async Task A_clock_only_moves_forward_and_at_most_two_intervals_of_its_shortest_subscription()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var clock = await shop.ClockAsync();
        var emptyClock = await shop.ClockAsync();
        var weekly = await shop.PriceAsync(interval: "week");
        var customer = await shop.Shop.CustomerAsync(testClock: clock.Id);
        await shop.SubscribeAsync(customer.Id, weekly.Id);

        var backwards = await Assert.ThrowsAsync<StripeException>(() => shop.AdvanceAsync(clock.Id, Start.AddDays(-1)));
        var tooFar = await Assert.ThrowsAsync<StripeException>(() => shop.AdvanceAsync(clock.Id, Start.AddDays(15)));
        var twoWeeks = await shop.AdvanceAsync(clock.Id, Start.AddDays(14));
        var twoYears = await shop.AdvanceAsync(emptyClock.Id, Start.AddYears(2));
        var tooFarEmpty = await Assert.ThrowsAsync<StripeException>(() => shop.AdvanceAsync(emptyClock.Id, Start.AddYears(5)));

        Assert.Equal(HttpStatusCode.BadRequest, backwards.HttpStatusCode);
        Assert.Equal("frozen_time", backwards.StripeError.Param);
        Assert.Equal("frozen_time", tooFar.StripeError.Param);
        Assert.Contains("two intervals", tooFar.StripeError.Message);
        Assert.Equal(Start.AddDays(14).UtcDateTime, twoWeeks.FrozenTime);
        Assert.Equal(Start.AddYears(2).UtcDateTime, twoYears.FrozenTime);
        Assert.Contains("two years", tooFarEmpty.StripeError.Message);
    }

    [Fact]
    public async Task A_clock_attaches_an_existing_customer_and_is_for_test_mode_only()
    {
        var platform = sandbox.NewPlatform();
        var shop = await BillingShop.OpenAsync(platform);
        var customer = await shop.Shop.CustomerAsync();

        var clock = await shop.Server.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions
        {
            FrozenTime = Start.UtcDateTime,
            Customer = customer.Id,
        }, shop.On(), Ct);
        var attached = await shop.Server.V1.Customers.GetAsync(customer.Id, null, shop.On(), Ct);
        var live = await Assert.ThrowsAsync<StripeException>(() => platform.Live.V1.TestHelpers.TestClocks.CreateAsync(
            new TestClockCreateOptions { FrozenTime = Start.UtcDateTime }, cancellationToken: Ct));
        var missing = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.TestHelpers.TestClocks.GetAsync("clock_missing", null, shop.On(), Ct));

        Assert.Equal(clock.Id, attached.TestClockId);
        Assert.Equal(HttpStatusCode.BadRequest, live.HttpStatusCode);
        Assert.Equal("No such test_helpers.test_clock: 'clock_missing'", missing.StripeError.Message);
    }

    [Fact]
    public async Task Deleting_a_clock_deletes_its_customers_and_their_subscriptions_after_ending_them()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, customer, clock, created, _) = await shop.ActiveSubscriptionAsync();
        await shop.AdvanceAsync(clock.Id, Start.AddDays(5));

        await shop.Server.V1.TestHelpers.TestClocks.DeleteAsync(clock.Id, null, shop.On(), Ct);
        var subscriptionGone = await Assert.ThrowsAsync<StripeException>(() => shop.SubscriptionAsync(created.Id));
        var deletedCustomer = await shop.Server.V1.Customers.GetAsync(customer.Id, null, shop.On(), Ct);

        // https://docs.stripe.com/billing/testing/test-clocks: deleting a clock deletes the objects on it.
        Assert.Equal(HttpStatusCode.NotFound, subscriptionGone.HttpStatusCode);
        Assert.True(deletedCustomer.Deleted);
        var ended = (Subscription)(await shop.EventsAboutAsync(created.Id)).Last(e => e.Type == "customer.subscription.deleted").Data.Object;
        Assert.Equal("canceled", ended.Status);
        Assert.Equal(Start.AddDays(5).UtcDateTime, ended.EndedAt);
        Assert.Contains("customer.deleted", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task Customers_on_a_clock_live_on_its_time()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (customer, clock) = await shop.CustomerOnClockAsync();
        await shop.AdvanceAsync(clock.Id, Start.AddDays(40));

        var intent = await shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000,
            Currency = "gbp",
            Customer = customer.Id,
        }, shop.On(), Ct);

        Assert.Equal(Start.UtcDateTime, customer.Created);
        Assert.Equal(Start.AddDays(40).UtcDateTime, intent.Created);
    }
}
