using Microsoft.AspNetCore.Hosting;
using Recur.Tests.Catalog;
using Recur.Tests.Infrastructure;
using Stripe;

namespace Recur.Tests.Checkout;

/// <summary>Recur whose operator takes a 12.5 % application fee in Test and lets Stripe charge Express accounts
/// their own fees.</summary>
public sealed class FeeTakingRecurFactory : RecurFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Stripe:Test:ApplicationFeePercent", "12.5");
        builder.UseSetting("Stripe:Test:FeePayer", "account");
    }
}

public sealed class ApplicationFeeTests(FeeTakingRecurFactory factory) : IClassFixture<FeeTakingRecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_operators_application_fee_is_set_on_the_subscription_a_checkout_creates()
    {
        var tenant = await factory.SellingTenantAsync();

        var (_, checkout, _) = await factory.BuyWithCardAsync(tenant);

        var subscription = Assert.Single((await (await factory.PlatformStripeAsync()).V1.Subscriptions.ListAsync(
            new SubscriptionListOptions { Status = "all" }, new RequestOptions { StripeAccount = checkout.StripeAccount }, Cancel)).Data);
        Assert.Equal(12.5m, subscription.ApplicationFeePercent);
        Assert.Equal("active", subscription.Status);
    }

    [Fact]
    public async Task The_fee_is_also_set_on_a_direct_debit_trial_subscribed_through_stripe_checkout()
    {
        var offer = CheckoutFlows.BacsOffer("WhenMandateCreated");
        offer["Form.TrialDays"] = "14";
        var tenant = await factory.SellingTenantAsync(offer);
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, CheckoutFlows.Details(open.OrderId, paymentType: "bacs_debit"));

        var complete = await customer.GetAsync(await CheckoutFlows.CompleteCheckoutPageAsync(checkout.RedirectUrl!));

        Assert.Equal("TrialStarted", complete.State());
        var subscription = Assert.Single((await (await factory.PlatformStripeAsync()).V1.Subscriptions.ListAsync(
            new SubscriptionListOptions { Status = "all" }, new RequestOptions { StripeAccount = tenant.AccountId }, Cancel)).Data);
        Assert.Equal(12.5m, subscription.ApplicationFeePercent);
        Assert.Equal("trialing", subscription.Status);
    }

    [Fact]
    public async Task A_one_off_payment_carries_the_application_fee_as_an_amount()
    {
        var values = CatalogFlows.MonthlyCardOffer("Gift box");
        values["Form.Billing"] = "OneOff";
        values["Form.Amount"] = "40";
        var tenant = await factory.SellingTenantAsync(values);

        var (_, checkout, _) = await factory.BuyWithCardAsync(tenant);

        var intent = await (await factory.PlatformStripeAsync()).V1.PaymentIntents.GetAsync(CheckoutFlows.SecretId(checkout.ClientSecret!), null,
            new RequestOptions { StripeAccount = checkout.StripeAccount }, Cancel);
        Assert.Equal(500, intent.ApplicationFeeAmount); // 12.5 % of £40.00
        Assert.Equal("succeeded", intent.Status);
    }

    [Fact]
    public async Task An_express_account_is_created_with_the_fee_payer_the_operator_chose()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        await browser.ChooseSettingsAsync("test", "Express");
        await browser.CreateNewAccountAsync();

        var account = Assert.Single((await (await factory.PlatformStripeAsync()).V1.Accounts.ListAsync(null, null, Cancel)).Data,
            a => a.Controller?.StripeDashboard?.Type == "express");
        Assert.Equal("account", account.Controller.Fees.Payer);
        Assert.Equal("stripe", account.Controller.Losses.Payments);
    }
}
