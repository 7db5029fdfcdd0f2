using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.Subscriptions;

/// <summary>
/// The platform's fee on a connected account's payments: <c>application_fee_percent</c> on subscriptions
/// (https://docs.stripe.com/api/subscriptions/create#create_subscription-application_fee_percent) and
/// <c>application_fee_amount</c> on PaymentIntents
/// (https://docs.stripe.com/api/payment_intents/create#create_payment_intent-application_fee_amount), only on
/// requests made for a connected account.
/// </summary>
public sealed class ApplicationFeeTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_subscription_on_a_connected_account_keeps_its_application_fee_percent()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var customer = await shop.Server.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "fee@example.com" }, shop.On(), Ct);

        var created = await shop.Server.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id,
            Items = [new SubscriptionItemOptions { Price = price.Id }],
            PaymentBehavior = "default_incomplete",
            ApplicationFeePercent = 12.5m,
        }, shop.On(), Ct);
        var read = await shop.SubscriptionAsync(created.Id);

        Assert.Equal(12.5m, created.ApplicationFeePercent);
        Assert.Equal(12.5m, read.ApplicationFeePercent);
    }

    [Theory]
    [InlineData("100.5")]
    [InlineData("-1")]
    [InlineData("1.234")]
    public async Task An_application_fee_percent_outside_0_to_100_with_two_decimals_is_refused(string percent)
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var customer = await shop.Server.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "fee@example.com" }, shop.On(), Ct);

        var refused = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id,
            Items = [new SubscriptionItemOptions { Price = price.Id }],
            PaymentBehavior = "default_incomplete",
            ApplicationFeePercent = decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture),
        }, shop.On(), Ct));

        Assert.Equal(HttpStatusCode.BadRequest, refused.HttpStatusCode);
        Assert.Equal("application_fee_percent", refused.StripeError.Param);
    }

    [Fact]
    public async Task Application_fees_are_refused_on_the_platforms_own_payments()
    {
        var platform = sandbox.NewPlatform();

        var refused = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000, Currency = "gbp", ApplicationFeeAmount = 100,
        }, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, refused.HttpStatusCode);
        Assert.Equal("application_fee_amount", refused.StripeError.Param);
    }

    [Fact]
    public async Task A_payment_on_a_connected_account_keeps_its_application_fee_amount_up_to_the_amount()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());

        var intent = await shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000, Currency = "gbp", ApplicationFeeAmount = 150,
        }, shop.On(), Ct);
        var tooMuch = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000, Currency = "gbp", ApplicationFeeAmount = 1001,
        }, shop.On(), Ct));

        Assert.Equal(150, intent.ApplicationFeeAmount);
        Assert.Equal(150, (await shop.Server.V1.PaymentIntents.GetAsync(intent.Id, null, shop.On(), Ct)).ApplicationFeeAmount);
        Assert.Equal("application_fee_amount", tooMuch.StripeError.Param);
    }
}
