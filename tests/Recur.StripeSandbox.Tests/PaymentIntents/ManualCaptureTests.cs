using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.PaymentIntents;

/// <summary>
/// <c>capture_method=manual</c> and <c>POST /v1/payment_intents/{id}/capture</c>
/// (https://docs.stripe.com/payments/place-a-hold-on-a-payment-method, https://docs.stripe.com/api/payment_intents/capture):
/// an approved card is held in <c>requires_capture</c>, then captured in full or in part; the rest is released.
/// </summary>
public sealed class ManualCaptureTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null, 2000L, 0L)]
    [InlineData(2000L, 2000L, 0L)]
    [InlineData(1500L, 1500L, 500L)]
    [InlineData(1L, 1L, 1999L)]
    public async Task A_held_payment_is_captured_in_full_or_in_part(long? amountToCapture, long received, long released)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var held = await HoldAsync(shop);

        var captured = await shop.Server.V1.PaymentIntents.CaptureAsync(held.Id,
            new PaymentIntentCaptureOptions { AmountToCapture = amountToCapture }, shop.On(), Ct);
        var charge = await shop.Server.V1.Charges.GetAsync(captured.LatestChargeId, null, shop.On(), Ct);

        Assert.Equal("requires_capture", held.Status);
        Assert.Equal(2000, held.AmountCapturable);
        Assert.Equal(0, held.AmountReceived);
        Assert.Equal("succeeded", captured.Status);
        Assert.Equal(received, captured.AmountReceived);
        Assert.Equal(0, captured.AmountCapturable);
        Assert.True(charge.Captured);
        Assert.Equal(received, charge.AmountCaptured);
        Assert.Equal(released, charge.AmountRefunded);
        var types = await shop.EventTypesAsync();
        Assert.Contains("payment_intent.amount_capturable_updated", types);
        Assert.Contains("charge.captured", types);
        Assert.Single(types, t => t == "payment_intent.succeeded");
    }

    [Fact]
    public async Task A_held_charge_is_authorized_but_not_captured()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var held = await HoldAsync(shop);

        var charge = await shop.Server.V1.Charges.GetAsync(held.LatestChargeId, null, shop.On(), Ct);

        Assert.Equal("succeeded", charge.Status);
        Assert.True(charge.Paid);
        Assert.False(charge.Captured);
        Assert.Equal(0, charge.AmountCaptured);
        Assert.DoesNotContain("payment_intent.succeeded", await shop.EventTypesAsync());
    }

    [Theory]
    [InlineData(2001L, "amount_to_capture")]
    [InlineData(0L, "amount_to_capture")]
    public async Task Capturing_more_than_the_hold_or_nothing_is_refused(long amountToCapture, string param)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var held = await HoldAsync(shop);

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.CaptureAsync(held.Id,
            new PaymentIntentCaptureOptions { AmountToCapture = amountToCapture }, shop.On(), Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal(param, error.StripeError.Param);
        Assert.Equal("requires_capture", (await shop.Server.V1.PaymentIntents.GetAsync(held.Id, null, shop.On(), Ct)).Status);
    }

    [Fact]
    public async Task Capturing_an_automatic_payment_is_an_unexpected_state()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var paid = await shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 2000, Currency = "gbp", AllowedPaymentMethodTypes = ["card"], PaymentMethod = "pm_card_visa",
            Confirm = true, ReturnUrl = "https://shop.example/return",
        }, shop.On(), Ct);

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.PaymentIntents.CaptureAsync(paid.Id, null, shop.On(), Ct));

        Assert.Equal("payment_intent_unexpected_state", error.StripeError.Code);
    }

    [Fact]
    public async Task Bacs_cannot_be_captured_manually()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 2000, Currency = "gbp", AllowedPaymentMethodTypes = ["bacs_debit"], CaptureMethod = "manual",
        }, shop.On(), Ct));

        Assert.Equal("capture_method", error.StripeError.Param);
    }

    private static Task<PaymentIntent> HoldAsync(ConnectedShop shop) =>
        shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 2000, Currency = "gbp", AllowedPaymentMethodTypes = ["card"], CaptureMethod = "manual",
            PaymentMethod = "pm_card_visa", Confirm = true, ReturnUrl = "https://shop.example/return",
        }, shop.On(), Ct);
}
