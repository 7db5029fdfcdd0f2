using Microsoft.EntityFrameworkCore;
using Recur.Tests.Subscriptions;
using Recur.Web.Checkout;
using Stripe;

namespace Recur.Tests.Checkout;

/// <summary>Ready test clocks per connected account, so that checkout in Test does not make one while the customer waits.</summary>
public sealed class TestClockPoolTests(CountingRecurFactory factory) : IClassFixture<CountingRecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Connecting_makes_ready_clocks_a_checkout_takes_one_and_the_pool_is_topped_up_again()
    {
        var tenant = await factory.SellingTenantAsync();
        await factory.PrepareConnectedAccountsAsync();
        var stripe = await factory.PlatformStripeAsync();
        var onAccount = new RequestOptions { StripeAccount = tenant.AccountId };

        var pool = await factory.PooledClocksAsync(tenant.AccountId);
        Assert.Equal(TestClockPool.Size, pool.Count);
        foreach (var pooled in pool)
        {
            var clock = await stripe.V1.TestHelpers.TestClocks.GetAsync(pooled.StripeClockId, null, onAccount, Cancel);
            Assert.Equal("ready", clock.Status);
        }

        var (_, checkout, _) = await factory.BuyWithCardAsync(tenant);
        await factory.PrepareConnectedAccountsAsync();

        var after = await factory.PooledClocksAsync(tenant.AccountId);
        var taken = Assert.Single(after, c => c.OrderId is not null);
        Assert.Equal(checkout.OrderId, taken.OrderId);
        Assert.Contains(pool, c => c.Id == taken.Id);
        Assert.Equal(TestClockPool.Size, after.Count(c => c.OrderId is null));
        var customer = Assert.Single(await factory.CustomersOnAsync(tenant.AccountId));
        Assert.Equal(taken.StripeClockId, customer.TestClockId);
        Assert.Equal(taken.StripeClockId, (await stripe.V1.Customers.GetAsync(customer.StripeCustomerId, null, onAccount, Cancel)).TestClockId);
    }

    [Theory]
    [InlineData("about to be deleted by Stripe")]
    [InlineData("frozen too long ago")]
    public async Task Clocks_about_to_expire_or_frozen_too_long_ago_are_never_handed_out_and_are_replaced(string why)
    {
        var tenant = await factory.SellingTenantAsync();
        await factory.PrepareConnectedAccountsAsync();
        var expiring = await factory.PooledClocksAsync(tenant.AccountId);
        var soon = DateTimeOffset.UtcNow.AddHours(1);
        var longAgo = DateTimeOffset.UtcNow - TestClockPool.MaxIdle - TimeSpan.FromMinutes(1);
        await factory.ChangeWaitingClocksAsync(tenant.AccountId, clocks => why == "frozen too long ago"
            ? clocks.ExecuteUpdateAsync(s => s.SetProperty(c => c.FrozenTime, longAgo), Cancel)
            : clocks.ExecuteUpdateAsync(s => s.SetProperty(c => c.DeletesAfter, soon), Cancel));

        var (_, checkout, _) = await factory.BuyWithCardAsync(tenant);
        await factory.PrepareConnectedAccountsAsync();

        var customer = Assert.Single(await factory.CustomersOnAsync(tenant.AccountId));
        Assert.StartsWith("clock_", customer.TestClockId);
        Assert.DoesNotContain(expiring, c => c.StripeClockId == customer.TestClockId);
        var after = await factory.PooledClocksAsync(tenant.AccountId);
        Assert.Equal(TestClockPool.Size, after.Count(c => c.OrderId is null));
        Assert.DoesNotContain(after, c => expiring.Any(e => e.Id == c.Id));
        var stripe = await factory.PlatformStripeAsync();
        var gone = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.TestHelpers.TestClocks.GetAsync(expiring[0].StripeClockId, null,
            new RequestOptions { StripeAccount = tenant.AccountId }, Cancel));
        Assert.Equal("resource_missing", gone.StripeError?.Code);
        Assert.Equal(checkout.OrderId, Assert.Single(after, c => c.OrderId is not null).OrderId);
    }
}
