using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.PaymentIntents;
using Stripe;

namespace Recur.StripeSandbox.Tests.Subscriptions;

/// <summary>
/// BACS Direct Debit subscriptions: the first invoice's debit is <c>processing</c> (invoice open, subscription
/// incomplete) until it settles on the customer's test clock; then the invoice is paid and the subscription active, or
/// the debit fails and the subscription stays incomplete. Renewals are debited the same way.
/// </summary>
public sealed class BacsSubscriptionTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset Start => BillingShop.Start;

    [Fact]
    public async Task A_bacs_subscription_is_processing_until_the_debit_settles_then_paid_and_active()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync(amount: 2000);
        var (customer, clock) = await shop.CustomerOnClockAsync();
        var created = await shop.SubscribeAsync(customer.Id, price.Id, paymentType: "bacs_debit");
        var bank = await shop.Shop.BacsAsync("00012345");

        var processing = await shop.PayFirstInvoiceAsync(created, bank.Id, ConnectedShop.Mandate);
        var waiting = await shop.SubscriptionAsync(created.Id);
        await shop.AdvanceAsync(clock.Id, Start.AddDays(1));
        var settled = await shop.SubscriptionAsync(created.Id);
        await shop.AdvanceAsync(clock.Id, Start.AddMonths(1).AddDays(1));
        var renewed = await shop.SubscriptionAsync(created.Id);
        var renewal = await shop.PaymentIntentAsync(BillingShop.PaymentIntentOf(renewed.LatestInvoice));

        Assert.Equal(["bacs_debit"], created.PaymentSettings.PaymentMethodTypes);
        Assert.Equal("processing", processing.Status);
        Assert.Equal("incomplete", waiting.Status);
        Assert.Equal("open", waiting.LatestInvoice.Status);
        Assert.True(waiting.LatestInvoice.Attempted);
        Assert.Equal("active", settled.Status);
        Assert.Equal("paid", settled.LatestInvoice.Status);
        Assert.Equal(2000, settled.LatestInvoice.AmountPaid);
        Assert.Equal(bank.Id, settled.DefaultPaymentMethodId);
        Assert.Equal("active", renewed.Status);
        Assert.Equal("paid", renewed.LatestInvoice.Status);
        Assert.Equal(bank.Id, renewal.PaymentMethodId);
        Assert.Equal("succeeded", renewal.Status);
        Assert.Contains("mandate.updated", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task A_debit_that_fails_for_insufficient_funds_leaves_the_subscription_incomplete_with_the_invoice_open()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync(amount: 2000);
        var (customer, clock) = await shop.CustomerOnClockAsync();
        var created = await shop.SubscribeAsync(customer.Id, price.Id, paymentType: "bacs_debit");
        var bank = await shop.Shop.BacsAsync("22222227");

        await shop.PayFirstInvoiceAsync(created, bank.Id, ConnectedShop.Mandate);
        await shop.AdvanceAsync(clock.Id, Start.AddHours(1));
        var failed = await shop.SubscriptionAsync(created.Id);
        var intent = await shop.PaymentIntentAsync(BillingShop.PaymentIntentOf(failed.LatestInvoice));
        await shop.AdvanceAsync(clock.Id, Start.AddDays(1));
        var expired = await shop.SubscriptionAsync(created.Id);

        Assert.Equal("incomplete", failed.Status);
        Assert.Equal("open", failed.LatestInvoice.Status);
        Assert.Equal(1, failed.LatestInvoice.AttemptCount);
        Assert.Equal("requires_payment_method", intent.Status);
        Assert.Equal("insufficient_funds", intent.LastPaymentError.Code);
        Assert.Equal("incomplete_expired", expired.Status);
        Assert.Equal("void", expired.LatestInvoice.Status);
        Assert.Contains("invoice.payment_failed", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task A_debit_still_processing_after_23_hours_does_not_expire_the_subscription()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync(amount: 2000);
        var (customer, clock) = await shop.CustomerOnClockAsync();
        var created = await shop.SubscribeAsync(customer.Id, price.Id, paymentType: "bacs_debit");
        var bank = await shop.Shop.BacsAsync("00012345");
        await shop.AdvanceAsync(clock.Id, Start.AddHours(22).AddMinutes(59).AddSeconds(58));

        await shop.PayFirstInvoiceAsync(created, bank.Id, ConnectedShop.Mandate);
        await shop.AdvanceAsync(clock.Id, Start.AddDays(2));
        var settled = await shop.SubscriptionAsync(created.Id);

        Assert.Equal("active", settled.Status);
        Assert.Equal("paid", settled.LatestInvoice.Status);
    }
}
