using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Recur.Tests.Subscriptions;
using Stripe;
using Stripe.TestHelpers;

namespace Recur.Tests.Simulation;

/// <summary>Test checkouts run in real time with no test clock; time is moved only on an explicit simulation.</summary>
public sealed class SimulationTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_test_checkout_makes_a_plain_customer_and_no_test_clock_anywhere()
    {
        var tenant = await factory.SellingTenantAsync();

        var (complete, checkout, email) = await factory.BuyWithCardAsync(tenant);

        Assert.Equal("Active", complete.State());
        var stripe = await factory.PlatformStripeAsync();
        var onAccount = new RequestOptions { StripeAccount = checkout.StripeAccount };
        Assert.Empty((await stripe.V1.TestHelpers.TestClocks.ListAsync(null, onAccount, Cancel)).Data);
        var customer = Assert.Single((await stripe.V1.Customers.ListAsync(null, onAccount, Cancel)).Data);
        Assert.Equal(email, customer.Email);
        Assert.Null(customer.TestClockId);
        Assert.Null(Assert.Single(await factory.CustomersOnAsync(tenant.AccountId)).TestClockId);
        var detail = await tenant.Admin.SubscriptionPageAsync(email);
        Assert.Contains("Simulate this subscription", detail.Text);
        Assert.DoesNotContain("handler=AdvanceClock", detail.Html);
    }

    [Fact]
    public async Task Simulating_a_subscription_copies_it_onto_a_clock_of_its_own_labelled_as_a_simulation()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, checkout, email) = await factory.BuyWithCardAsync(tenant);
        var real = await tenant.Admin.SubscriptionPageAsync(email);

        var simulated = await tenant.Admin.SimulateAsync(real);

        Assert.NotEqual(real.Url, simulated.Url);
        Assert.StartsWith("Simulation of the real subscription", simulated.TestId("simulation"));
        Assert.Contains("a copy on its own Stripe test clock", simulated.TestId("action-message"));
        Assert.Equal("Active", simulated.TestId("status"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$", simulated.TestId("test-clock-time"));
        var stripe = await factory.PlatformStripeAsync();
        var onAccount = new RequestOptions { StripeAccount = checkout.StripeAccount };
        var clock = Assert.Single((await stripe.V1.TestHelpers.TestClocks.ListAsync(null, onAccount, Cancel)).Data);
        var copy = Assert.Single((await stripe.V1.Customers.ListAsync(new CustomerListOptions { TestClock = clock.Id }, onAccount, Cancel)).Data);
        Assert.Equal(email, copy.Email);
        Assert.StartsWith("Simulation of ", copy.Description);
        Assert.True(copy.Metadata.ContainsKey("recur_simulation_of"));
        var list = await tenant.Admin.GetAsync("/admin/subscriptions");
        Assert.Contains($"{email} (simulation)", list.Text);
        var again = await tenant.Admin.GetAsync(real.Url.PathAndQuery);
        Assert.Contains("open the simulation", again.TestId("simulation-link"));

        await tenant.Admin.AdvanceClockAsync(simulated, "1m");

        Assert.Equal(real.TestId("current-period"), (await tenant.Admin.GetAsync(real.Url.PathAndQuery)).TestId("current-period"));
        Assert.Single((await stripe.V1.TestHelpers.TestClocks.ListAsync(null, onAccount, Cancel)).Data);
    }

    [Fact]
    public async Task Ending_a_simulation_deletes_its_clock_and_marks_the_copy_deleted()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, checkout, email) = await factory.BuyWithCardAsync(tenant);
        var simulated = await tenant.Admin.SimulateAsync(await tenant.Admin.SubscriptionPageAsync(email));

        var back = await tenant.Admin.ActAsync(simulated, "EndSimulation");

        Assert.Equal("The simulation has ended: its test clock, customer and subscription were deleted on Stripe.", back.TestId("action-message"));
        Assert.Equal("Active", back.TestId("status"));
        Assert.Null(back.TestId("simulation"));
        var stripe = await factory.PlatformStripeAsync();
        Assert.Empty((await stripe.V1.TestHelpers.TestClocks.ListAsync(null, new RequestOptions { StripeAccount = checkout.StripeAccount }, Cancel)).Data);
        var copy = await tenant.Admin.GetAsync(simulated.Url.PathAndQuery);
        Assert.Equal("Deleted on Stripe", copy.TestId("status"));
        Assert.StartsWith("Deleted on Stripe: The simulation was ended", copy.TestId("removed"));
        Assert.DoesNotContain("handler=AdvanceClock", copy.Html);
    }

    [Fact]
    public async Task When_stripe_refuses_a_test_clock_the_admin_sees_why_and_checkout_still_works()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, checkout, email) = await factory.BuyWithCardAsync(tenant);
        var stripe = await factory.PlatformStripeAsync();
        var onAccount = new RequestOptions { StripeAccount = checkout.StripeAccount };
        for (var i = 0; i < 100; i++)
        {
            await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = DateTime.UtcNow, Name = "Merchant's own" }, onAccount, Cancel);
        }
        var real = await tenant.Admin.SubscriptionPageAsync(email);

        var refused = await tenant.Admin.SimulateAsync(real);

        Assert.Equal(real.Url, refused.Url);
        Assert.StartsWith("Stripe refused a test clock for this simulation:", refused.TestId("action-message"));
        Assert.Contains("at most 100 test clocks per account", refused.TestId("action-message"));
        Assert.Contains("Checkouts and this subscription are not affected.", refused.TestId("action-message"));
        Assert.Equal("Active", refused.TestId("status"));
        var reloaded = await tenant.Admin.GetAsync(real.Url.PathAndQuery);
        Assert.StartsWith("Stripe refused a test clock", reloaded.TestId("simulation-failure"));
        var (another, _, _) = await factory.BuyWithCardAsync(tenant);
        Assert.Equal("Active", another.State());
    }

    [Fact]
    public async Task A_subscription_whose_test_clock_stripe_deleted_is_marked_deleted_not_left_active()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, checkout, email) = await factory.BuyWithCardAsync(tenant);
        var simulated = await tenant.Admin.SimulateAsync(await tenant.Admin.SubscriptionPageAsync(email));
        var stripe = await factory.PlatformStripeAsync();
        var onAccount = new RequestOptions { StripeAccount = checkout.StripeAccount };
        var clock = Assert.Single((await stripe.V1.TestHelpers.TestClocks.ListAsync(null, onAccount, Cancel)).Data);

        // As Stripe does at the clock's deletes_after: the clock goes, with its customer and subscription.
        await stripe.V1.TestHelpers.TestClocks.DeleteAsync(clock.Id, null, onAccount, Cancel);

        var marked = await tenant.Admin.WaitForAsync(simulated.Url.PathAndQuery, page => page.TestId("status") == "Deleted on Stripe");
        Assert.Equal("Deleted on Stripe", marked.TestId("status"));
        Assert.StartsWith("Deleted on Stripe: ", marked.TestId("removed"));
        Assert.Equal("None (ended)", marked.TestId("next-renewal"));
        var customers = await factory.WaitForCustomersAsync(tenant.AccountId, cs => cs.Any(c => c.TestClockId == clock.Id && c.IsDeleted));
        Assert.True(Assert.Single(customers, c => c.TestClockId == clock.Id).IsDeleted);
        Assert.False(Assert.Single(customers, c => c.TestClockId is null).IsDeleted);
        Assert.Equal("Active", (await tenant.Admin.SubscriptionPageAsync(email)).TestId("status"));
    }
}
