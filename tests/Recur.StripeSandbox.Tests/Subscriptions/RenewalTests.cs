using Recur.StripeSandbox.Scheduling;
using Recur.StripeSandbox.Subscriptions;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.WebhookEndpoints;
using Stripe;

namespace Recur.StripeSandbox.Tests.Subscriptions;

/// <summary>Renewals that need the customer: a card that asks for 3-D Secure, a trial that ends without a card.</summary>
public sealed class RenewalTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset Start => BillingShop.Start;

    [Fact]
    public async Task A_renewal_that_needs_3d_secure_asks_for_action_and_makes_the_subscription_past_due()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, customer, clock, created, _) = await shop.ActiveSubscriptionAsync();
        await shop.RenewWithCardAsync(created.Id, customer.Id, "pm_card_authenticationRequired");

        await shop.AdvanceAsync(clock.Id, Start.AddMonths(1).AddHours(1));
        var pastDue = await shop.SubscriptionAsync(created.Id);
        var intent = await shop.PaymentIntentAsync(BillingShop.PaymentIntentOf(pastDue.LatestInvoice));
        var pay = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.Invoices.PayAsync(pastDue.LatestInvoiceId, new InvoicePayOptions(), shop.On(), Ct));

        Assert.Equal("past_due", pastDue.Status);
        Assert.Equal("open", pastDue.LatestInvoice.Status);
        Assert.Equal("requires_action", intent.Status);
        Assert.Equal("redirect_to_url", intent.NextAction.Type);
        Assert.Equal("invoice_payment_intent_requires_action", pay.StripeError.Code);
        Assert.Contains("invoice.payment_action_required", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task A_trial_that_ends_without_a_payment_method_leaves_the_subscription_past_due()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var (customer, clock) = await shop.CustomerOnClockAsync();
        var created = await shop.SubscribeAsync(customer.Id, price.Id, trialDays: 7);

        await shop.AdvanceAsync(clock.Id, Start.AddDays(8));
        var pastDue = await shop.SubscriptionAsync(created.Id);

        Assert.Equal("trialing", created.Status);
        Assert.Equal("past_due", pastDue.Status);
        Assert.Equal("open", pastDue.LatestInvoice.Status);
        Assert.Equal(1, pastDue.LatestInvoice.AttemptCount);
        Assert.Equal(Start.AddDays(10).UtcDateTime, pastDue.LatestInvoice.NextPaymentAttempt);
    }
}

/// <summary>With "mark the subscription unpaid" chosen for failed retries: unpaid, later invoices stay drafts.</summary>
public sealed class UnpaidAfterRetriesTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxFixture _sandbox;

    public UnpaidAfterRetriesTests(SandboxFixture sandbox)
    {
        _sandbox = sandbox;
        sandbox.Services.GetRequiredService<BillingSettings>().AfterFailedRetries = AfterFailedRetries.MarkUnpaid;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset Start => BillingShop.Start;

    [Fact]
    public async Task A_subscription_whose_retries_all_fail_becomes_unpaid_and_its_next_invoice_stays_a_draft()
    {
        var shop = await BillingShop.OpenAsync(_sandbox.NewPlatform());
        var (_, customer, clock, created, _) = await shop.ActiveSubscriptionAsync();
        await shop.RenewWithCardAsync(created.Id, customer.Id, "pm_card_chargeCustomerFail");

        await shop.AdvanceAsync(clock.Id, Start.AddMonths(1).AddDays(8));
        var unpaid = await shop.SubscriptionAsync(created.Id);
        await shop.AdvanceAsync(clock.Id, Start.AddMonths(2).AddDays(1));
        var later = await shop.SubscriptionAsync(created.Id);

        var card = await shop.Server.V1.PaymentMethods.AttachAsync("pm_card_visa",
            new PaymentMethodAttachOptions { Customer = customer.Id }, shop.On(), Ct);
        var paid = await shop.Server.V1.Invoices.PayAsync(later.LatestInvoiceId, new InvoicePayOptions { PaymentMethod = card.Id },
            shop.On(), Ct);
        var active = await shop.SubscriptionAsync(created.Id);

        Assert.Equal("unpaid", unpaid.Status);
        Assert.Equal("unpaid", later.Status);
        Assert.Equal("draft", later.LatestInvoice.Status);
        Assert.Null(later.LatestInvoice.Number);
        Assert.Equal(3, (await shop.InvoicesAsync(created.Id)).Count);
        Assert.Equal("paid", paid.Status);
        Assert.NotNull(paid.Number);
        Assert.Equal("active", active.Status);
    }
}

/// <summary>A customer on no test clock renews on the sandbox's own time.</summary>
public sealed class RealTimeRenewalTests(ManualClockSandbox sandbox) : IClassFixture<ManualClockSandbox>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_subscription_without_a_test_clock_renews_when_the_sandbox_time_passes_its_period_end()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync(interval: "day");
        var customer = await shop.Shop.CustomerAsync();
        var created = await shop.SubscribeAsync(customer.Id, price.Id);
        await shop.PayFirstInvoiceAsync(created);

        sandbox.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await sandbox.Services.GetRequiredService<SandboxSchedule>().RunDueAsync(sandbox.Time.GetUtcNow(), null, Ct);
        var renewed = await shop.SubscriptionAsync(created.Id);

        Assert.Null(created.TestClockId);
        Assert.Equal("active", renewed.Status);
        Assert.Equal(created.Items.Data[0].CurrentPeriodEnd, renewed.Items.Data[0].CurrentPeriodStart);
        Assert.Equal("paid", renewed.LatestInvoice.Status);
        Assert.Equal(2, (await shop.InvoicesAsync(created.Id)).Count);
    }
}
