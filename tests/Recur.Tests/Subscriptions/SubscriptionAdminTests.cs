using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Stripe;

namespace Recur.Tests.Subscriptions;

public sealed class SubscriptionAdminTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_tenant_has_no_subscriptions_or_customers_yet()
    {
        var (admin, _) = await factory.SignUpTenantAsync();

        var subscriptions = await admin.GetAsync("/admin/subscriptions");
        var customers = await admin.GetAsync("/admin/customers");

        Assert.Equal("No subscriptions yet. They appear here as customers buy your offers.", subscriptions.TestId("empty"));
        Assert.Equal("No customers yet.", customers.TestId("empty"));
    }

    [Fact]
    public async Task The_subscription_and_its_customer_are_listed_with_status_payment_method_and_next_renewal()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, _, email) = await factory.BuyWithCardAsync(tenant);

        var list = await tenant.Admin.GetAsync("/admin/subscriptions");
        var detail = await tenant.Admin.SubscriptionPageAsync(email);
        var customers = await tenant.Admin.GetAsync("/admin/customers");

        Assert.Contains($"{email} Monthly Active (active) VISA •••• 4242", list.Text);
        Assert.Equal("active", detail.TestId("stripe-status"));
        Assert.Contains(email, detail.TestId("customer"));
        Assert.Equal("Monthly: £9.99 every month", detail.TestId("offer"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} → \d{4}-\d{2}-\d{2}$", detail.TestId("current-period"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$", detail.TestId("next-renewal"));
        Assert.Equal("None", detail.TestId("last-error"));
        Assert.Contains(email, customers.Text);
        Assert.Contains("TEST", customers.Text);
    }

    [Fact]
    public async Task The_customer_page_shows_the_billing_details_and_a_simulated_customer_moves_time_for_its_subscription()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, _, email) = await factory.BuyWithCardAsync(tenant);
        var subscription = await tenant.Admin.SubscriptionPageAsync(email);
        var customerPage = await tenant.Admin.GetAsync(CustomerHref(subscription));

        Assert.Equal(email, customerPage.TestId("email"));
        Assert.Equal("Ada Reader", customerPage.TestId("name"));
        Assert.Equal("1 High Street, London, SW1A 1AA, GB", customerPage.TestId("address"));
        Assert.Equal("—", customerPage.TestId("test-clock"));
        Assert.Contains("Monthly Active (active)", customerPage.Text);
        Assert.DoesNotContain("handler=AdvanceClock", customerPage.Html);

        var simulated = await tenant.Admin.SimulateAsync(subscription);
        var simulatedCustomer = await tenant.Admin.GetAsync(CustomerHref(simulated));
        Assert.StartsWith("clock_", simulatedCustomer.TestId("test-clock"));
        var moved = await tenant.Admin.SubmitAsync(simulatedCustomer, simulatedCustomer.Form("handler=AdvanceClock"), new Dictionary<string, string> { ["step"] = "1m" });

        Assert.Contains("The test clock moved forward 1 month", moved.TestId("action-message"));
        var after = await tenant.Admin.GetAsync(simulated.Url.PathAndQuery);
        Assert.NotEqual(simulated.TestId("current-period"), after.TestId("current-period"));
        Assert.Equal(subscription.TestId("current-period"), (await tenant.Admin.SubscriptionPageAsync(email)).TestId("current-period"));
    }

    [Fact]
    public async Task Advancing_a_simulations_clock_a_month_renews_it_with_a_new_period_and_a_paid_invoice()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, _, email) = await factory.BuyWithCardAsync(tenant);
        var before = await tenant.Admin.SimulateAsync(await tenant.Admin.SubscriptionPageAsync(email));

        var after = await tenant.Admin.AdvanceClockAsync(before, "1m");

        Assert.Contains("The test clock moved forward 1 month", after.TestId("action-message"));
        Assert.Equal("Active", after.TestId("status"));
        Assert.NotEqual(before.TestId("current-period"), after.TestId("current-period"));
        Assert.Equal(before.TestId("current-period")!.Split(" → ")[1], after.TestId("current-period")!.Split(" → ")[0]);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(after.Html, "data-status=\"paid\"").Count);
        Assert.Contains("Paid (renewal)", after.Text);
        Assert.Contains("Paid (first invoice)", after.Text);
        Assert.DoesNotContain("subscription_cycle", after.Text);
        Assert.DoesNotContain("subscription_create", after.Text);
    }

    [Fact]
    public async Task Simulate_time_shows_the_test_clock_time_and_keeps_the_chosen_step_after_advancing()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, _, email) = await factory.BuyWithCardAsync(tenant);
        var before = await tenant.Admin.SimulateAsync(await tenant.Admin.SubscriptionPageAsync(email));
        var clockBefore = DateTimeOffset.ParseExact(before.TestId("test-clock-time")!, "yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);

        var after = await tenant.Admin.AdvanceClockAsync(before, "3d");

        var clockAfter = DateTimeOffset.ParseExact(after.TestId("test-clock-time")!, "yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.Equal(TimeSpan.FromDays(3), clockAfter - clockBefore);
        Assert.Contains("<option value=\"3d\" selected=\"selected\">3 days</option>", after.Html);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(after.Html, "selected=\"selected\">"));
        var reloaded = await tenant.Admin.GetAsync(after.Url.PathAndQuery);
        Assert.DoesNotContain("selected=\"selected\">", reloaded.Html);
    }

    [Fact]
    public async Task A_renewal_that_fails_shows_past_due_with_stripes_decline()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, checkout, email) = await factory.BuyWithCardAsync(tenant);
        var detail = await tenant.Admin.SimulateAsync(await tenant.Admin.SubscriptionPageAsync(email));
        await SwitchToFailingCardAsync(checkout.StripeAccount, detail.TestId("stripe-id")!.Split(' ')[0]);

        var after = await tenant.Admin.AdvanceClockAsync(detail, "1m");

        Assert.Equal("Past due", after.TestId("status"));
        Assert.Equal("past_due", after.TestId("stripe-status"));
        Assert.Contains("card_declined", after.TestId("last-error"));
        Assert.Contains("decline code:", after.TestId("last-error"));
        Assert.Contains("data-status=\"open\"", after.Html);
    }

    [Fact]
    public async Task Cancel_at_period_end_keeps_the_subscription_until_then_and_resume_undoes_it()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, checkout, email) = await factory.BuyWithCardAsync(tenant);
        var detail = await tenant.Admin.SubscriptionPageAsync(email);

        var canceling = await tenant.Admin.ActAsync(detail, "CancelAtPeriodEnd");

        Assert.Equal("The subscription will be cancelled at the end of the current period.", canceling.TestId("action-message"));
        Assert.Equal("Active", canceling.TestId("status"));
        Assert.Equal("Cancels at the end of the current period", canceling.TestId("cancellation"));
        Assert.StartsWith("None (cancels on ", canceling.TestId("next-renewal"));
        Assert.True((await StripeSubscriptionAsync(checkout.StripeAccount)).CancelAtPeriodEnd);

        var resumed = await tenant.Admin.ActAsync(canceling, "Resume");

        Assert.Equal("Renews until cancelled", resumed.TestId("cancellation"));
        Assert.False((await StripeSubscriptionAsync(checkout.StripeAccount)).CancelAtPeriodEnd);
    }

    [Fact]
    public async Task A_subscription_set_to_cancel_at_period_end_ends_when_the_clock_passes_the_period()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, _, email) = await factory.BuyWithCardAsync(tenant);
        var simulated = await tenant.Admin.SimulateAsync(await tenant.Admin.SubscriptionPageAsync(email));
        var canceling = await tenant.Admin.ActAsync(simulated, "CancelAtPeriodEnd");

        var after = await tenant.Admin.AdvanceClockAsync(canceling, "1m");

        Assert.Equal("Ended", after.TestId("status"));
        Assert.Equal("canceled", after.TestId("stripe-status"));
    }

    [Fact]
    public async Task Cancel_now_ends_the_subscription_at_once()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, checkout, email) = await factory.BuyWithCardAsync(tenant);

        var canceled = await tenant.Admin.ActAsync(await tenant.Admin.SubscriptionPageAsync(email), "CancelNow");

        Assert.Equal("Ended", canceled.TestId("status"));
        Assert.Equal("canceled", canceled.TestId("stripe-status"));
        Assert.Equal("None (ended)", canceled.TestId("next-renewal"));
        Assert.Equal("canceled", (await StripeSubscriptionAsync(checkout.StripeAccount)).Status);
    }

    [Fact]
    public async Task Cancel_now_first_asks_saying_what_will_happen_and_the_subscription_runs_on_until_confirmed()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, checkout, email) = await factory.BuyWithCardAsync(tenant);
        var detail = await tenant.Admin.SubscriptionPageAsync(email);

        var asked = await tenant.Admin.SubmitAsync(detail, detail.Form("handler=CancelNow"));

        var confirmation = asked.TestId("confirm-cancel-now");
        Assert.NotNull(confirmation);
        Assert.Contains($"Stripe ends it at once: {email} is not charged again", confirmation);
        Assert.Contains("nothing is refunded", confirmation);
        Assert.Contains("This cannot be undone.", confirmation);
        Assert.Equal("active", (await StripeSubscriptionAsync(checkout.StripeAccount)).Status);
        var kept = await tenant.Admin.GetAsync(detail.Url.AbsolutePath);
        Assert.NotEqual("Ended", kept.TestId("status"));
        Assert.Null(kept.TestId("confirm-cancel-now"));

        var canceled = await tenant.Admin.SubmitAsync(asked, asked.Forms.Single(f => f.Fields.GetValueOrDefault("confirmed") == "yes"));

        Assert.Equal("Ended", canceled.TestId("status"));
        Assert.Equal("canceled", (await StripeSubscriptionAsync(checkout.StripeAccount)).Status);
    }

    [Fact]
    public async Task Another_tenant_cannot_see_the_subscription()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, _, email) = await factory.BuyWithCardAsync(tenant);
        var detail = await tenant.Admin.SubscriptionPageAsync(email);
        var (other, _) = await factory.SignUpTenantAsync("Other Shop");

        var list = await other.GetAsync("/admin/subscriptions");
        var peek = await other.GetAsync(detail.Url.AbsolutePath);

        Assert.DoesNotContain(email, list.Text);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, peek.Status);
    }

    private static string CustomerHref(Page subscription) =>
        System.Text.RegularExpressions.Regex.Match(subscription.Html, @"href=""(?<href>/admin/customers/[0-9a-f-]{36})""").Groups["href"].Value;

    /// <summary>The customer's card starts failing (Stripe's 4000 0000 0000 0341): attach it and make it the default.</summary>
    private async Task SwitchToFailingCardAsync(string account, string subscriptionId)
    {
        var stripe = await factory.PlatformStripeAsync();
        var onAccount = new RequestOptions { StripeAccount = account };
        var subscription = await stripe.V1.Subscriptions.GetAsync(subscriptionId, null, onAccount, Cancel);
        var failing = await stripe.V1.PaymentMethods.AttachAsync("pm_card_chargeCustomerFail", new PaymentMethodAttachOptions { Customer = subscription.CustomerId }, onAccount, Cancel);
        await stripe.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions { DefaultPaymentMethod = failing.Id }, onAccount, Cancel);
    }

    private async Task<Subscription> StripeSubscriptionAsync(string account)
    {
        var stripe = await factory.PlatformStripeAsync();
        return (await stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Status = "all" }, new RequestOptions { StripeAccount = account }, Cancel)).Data.Single();
    }
}
