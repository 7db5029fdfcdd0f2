using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.Subscriptions;
using Recur.StripeSandbox.Tests.WebhookEndpoints;
using Stripe;
using Stripe.TestHelpers;

namespace Recur.StripeSandbox.Tests.TestHelpers;

/// <summary>
/// Stripe's limits on test clocks (https://docs.stripe.com/billing/testing/test-clocks, "Limitations"): 100 per
/// account, and each deleted at its <c>deletes_after</c> (seven days after creation in the API reference's example,
/// https://docs.stripe.com/api/test_clocks/object) together with its customers and their subscriptions.
/// </summary>
public sealed class TestClockLimitsTests(ManualClockSandbox sandbox) : IClassFixture<ManualClockSandbox>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_account_holds_at_most_100_test_clocks_and_the_101st_is_refused_until_one_is_deleted()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var clocks = shop.Server.V1.TestHelpers.TestClocks;
        var made = new List<TestClock>();
        for (var i = 0; i < 100; i++)
        {
            made.Add(await shop.ClockAsync());
        }

        var refused = await Assert.ThrowsAsync<StripeException>(() => shop.ClockAsync());
        var onThePlatformItself = await clocks.CreateAsync(new TestClockCreateOptions { FrozenTime = DateTime.UtcNow }, cancellationToken: Ct);
        await clocks.DeleteAsync(made[0].Id, null, shop.On(), Ct);
        var afterDeleting = await shop.ClockAsync();

        Assert.Equal(HttpStatusCode.BadRequest, refused.HttpStatusCode);
        Assert.Equal("invalid_request_error", refused.StripeError.Type);
        Assert.Contains("100 test clocks", refused.StripeError.Message);
        Assert.StartsWith("clock_", onThePlatformItself.Id);
        Assert.StartsWith("clock_", afterDeleting.Id);
    }

    [Fact]
    public async Task A_clock_is_deleted_at_its_deletes_after_with_its_customers_and_their_subscriptions()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, customer, clock, subscription, _) = await shop.ActiveSubscriptionAsync();
        var otherClock = await shop.ClockAsync();

        Assert.Equal(clock.Created.AddDays(7), clock.DeletesAfter);
        sandbox.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var gone = await WaitUntilGoneAsync(shop, clock.Id);

        Assert.Equal(HttpStatusCode.NotFound, gone.HttpStatusCode);
        Assert.True((await shop.Server.V1.Customers.GetAsync(customer.Id, null, shop.On(), Ct)).Deleted);
        var subscriptionGone = await Assert.ThrowsAsync<StripeException>(() => shop.SubscriptionAsync(subscription.Id));
        Assert.Equal(HttpStatusCode.NotFound, subscriptionGone.HttpStatusCode);
        var events = await shop.EventTypesAsync();
        Assert.Contains("customer.subscription.deleted", events);
        Assert.Contains("customer.deleted", events);
        Assert.Contains("test_helpers.test_clock.deleted", events);
        // A clock without customers goes the same way.
        Assert.Equal(HttpStatusCode.NotFound, (await WaitUntilGoneAsync(shop, otherClock.Id)).HttpStatusCode);
    }

    private static async Task<StripeException> WaitUntilGoneAsync(BillingShop shop, string clockId)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await shop.Server.V1.TestHelpers.TestClocks.GetAsync(clockId, null, shop.On(), Ct);
            }
            catch (StripeException exception)
            {
                return exception;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"The clock {clockId} was not deleted at its deletes_after.");
            await Task.Delay(50, Ct);
        }
    }
}
