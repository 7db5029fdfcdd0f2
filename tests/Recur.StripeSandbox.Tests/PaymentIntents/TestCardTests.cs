using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.PaymentIntents;

/// <summary>
/// Every row of Stripe's test card table (reference §5), paid on-session on a connected account with a card the
/// browser collected: the status it ends in, the decline, or the 3-D Secure challenge.
/// </summary>
public sealed class TestCardTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("4242424242424242", "visa", "succeeded", null, null)]
    [InlineData("4000056655665556", "visa", "succeeded", null, null)]
    [InlineData("5555555555554444", "mastercard", "succeeded", null, null)]
    [InlineData("378282246310005", "amex", "succeeded", null, null)]
    [InlineData("4000008260000000", "visa", "succeeded", null, null)]
    [InlineData("4000058260000005", "visa", "succeeded", null, null)]
    [InlineData("5555558265554449", "mastercard", "succeeded", null, null)]
    [InlineData("4000000000000002", "visa", "requires_payment_method", "card_declined", "generic_decline")]
    [InlineData("4000000000009995", "visa", "requires_payment_method", "card_declined", "insufficient_funds")]
    [InlineData("4000000000009987", "visa", "requires_payment_method", "card_declined", "lost_card")]
    [InlineData("4000000000009979", "visa", "requires_payment_method", "card_declined", "stolen_card")]
    [InlineData("4000000000000069", "visa", "requires_payment_method", "expired_card", "expired_card")]
    [InlineData("4000000000000127", "visa", "requires_payment_method", "incorrect_cvc", "incorrect_cvc")]
    [InlineData("4000000000000119", "visa", "requires_payment_method", "processing_error", "processing_error")]
    [InlineData("4000000000006975", "visa", "requires_payment_method", "card_declined", "card_velocity_exceeded")]
    [InlineData("4000000000000341", "visa", "requires_payment_method", "card_declined", "generic_decline")]
    [InlineData("4000002500003155", "visa", "requires_action", null, null)]
    [InlineData("4000002760003184", "visa", "requires_action", null, null)]
    [InlineData("4000003800000446", "visa", "requires_action", null, null)]
    [InlineData("4000008260003178", "visa", "requires_action", null, null)]
    [InlineData("4000000000003220", "visa", "requires_action", null, null)]
    [InlineData("4000008400001629", "visa", "requires_action", null, null)]
    [InlineData("4000008400001280", "visa", "requires_payment_method", "card_declined", "generic_decline")]
    [InlineData("4000000000003055", "visa", "succeeded", null, null)]
    [InlineData("4100000000000019", "visa", "requires_payment_method", "card_declined", "fraudulent")]
    [InlineData("4000000000000259", "visa", "succeeded", null, null)]
    [InlineData("4000000000007726", "visa", "succeeded", null, null)]
    [InlineData("4000000000005126", "visa", "succeeded", null, null)]
    [InlineData("4000000000000077", "visa", "succeeded", null, null)]
    public async Task Each_test_card_ends_as_stripe_says(string number, string brand, string status, string? code,
        string? declineCode)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var card = await shop.CardAsync(number, cvc: number.StartsWith("37", StringComparison.Ordinal) ? "1234" : "123");

        var (intent, error) = await ConfirmOnSessionAsync(shop, card.Id);

        Assert.Equal(brand, card.Card.Brand);
        Assert.Equal(number[^4..], card.Card.Last4);
        Assert.Equal(status, intent.Status);
        if (code is null)
        {
            Assert.Null(error);
            Assert.Null(intent.LastPaymentError);
        }
        else
        {
            Assert.NotNull(error);
            Assert.Equal(HttpStatusCode.PaymentRequired, error.HttpStatusCode);
            Assert.Equal("card_error", error.StripeError.Type);
            Assert.Equal(code, error.StripeError.Code);
            Assert.Equal(declineCode, error.StripeError.DeclineCode);
            Assert.False(string.IsNullOrEmpty(error.StripeError.Message));
            Assert.Equal(code, intent.LastPaymentError.Code);
            Assert.Equal(declineCode, intent.LastPaymentError.DeclineCode);
            Assert.Equal(card.Id, intent.LastPaymentError.PaymentMethod.Id);
        }

        if (status == "requires_action")
        {
            Assert.Equal("redirect_to_url", intent.NextAction.Type);
            Assert.StartsWith($"{sandbox.BaseUrl}/3ds/", intent.NextAction.RedirectToUrl.Url, StringComparison.Ordinal);
            Assert.Equal("https://shop.example/return", intent.NextAction.RedirectToUrl.ReturnUrl);
        }
        else
        {
            Assert.Null(intent.NextAction);
        }

        if (status == "succeeded")
        {
            Assert.Equal(intent.Amount, intent.AmountReceived);
            var charge = await shop.Server.V1.Charges.GetAsync(intent.LatestChargeId, requestOptions: shop.On(), cancellationToken: Ct);
            Assert.Equal("succeeded", charge.Status);
            Assert.True(charge.Paid);
        }
    }

    /// <summary>The <c>pm_card_*</c> ids of https://docs.stripe.com/testing (today's <c>pm_card_visa_chargeDeclined…</c>
    /// names and the older ones), used straight from server code as Stripe recommends instead of card numbers.</summary>
    [Theory]
    [InlineData("pm_card_visa", "visa", "succeeded", null)]
    [InlineData("pm_card_visa_debit", "visa", "succeeded", null)]
    [InlineData("pm_card_mastercard", "mastercard", "succeeded", null)]
    [InlineData("pm_card_mastercard_debit", "mastercard", "succeeded", null)]
    [InlineData("pm_card_mastercard_prepaid", "mastercard", "succeeded", null)]
    [InlineData("pm_card_amex", "amex", "succeeded", null)]
    [InlineData("pm_card_discover", "discover", "succeeded", null)]
    [InlineData("pm_card_jcb", "jcb", "succeeded", null)]
    [InlineData("pm_card_unionpay", "unionpay", "succeeded", null)]
    [InlineData("pm_card_gb", "visa", "succeeded", null)]
    [InlineData("pm_card_visa_chargeDeclined", "visa", "requires_payment_method", "generic_decline")]
    [InlineData("pm_card_chargeDeclined", "visa", "requires_payment_method", "generic_decline")]
    [InlineData("pm_card_visa_chargeDeclinedInsufficientFunds", "visa", "requires_payment_method", "insufficient_funds")]
    [InlineData("pm_card_visa_chargeDeclinedLostCard", "visa", "requires_payment_method", "lost_card")]
    [InlineData("pm_card_visa_chargeDeclinedStolenCard", "visa", "requires_payment_method", "stolen_card")]
    [InlineData("pm_card_visa_chargeDeclinedVelocityLimitExceeded", "visa", "requires_payment_method", "card_velocity_exceeded")]
    [InlineData("pm_card_chargeDeclinedExpiredCard", "visa", "requires_payment_method", "expired_card")]
    [InlineData("pm_card_chargeDeclinedIncorrectCvc", "visa", "requires_payment_method", "incorrect_cvc")]
    [InlineData("pm_card_chargeDeclinedProcessingError", "visa", "requires_payment_method", "processing_error")]
    [InlineData("pm_card_authenticationRequired", "visa", "requires_action", null)]
    [InlineData("pm_card_authenticationRequiredOnSetup", "visa", "requires_action", null)]
    [InlineData("pm_card_threeDSecure2Required", "visa", "requires_action", null)]
    [InlineData("pm_card_radarBlock", "visa", "requires_payment_method", "fraudulent")]
    [InlineData("pm_card_createDispute", "visa", "succeeded", null)]
    [InlineData("pm_card_bypassPending", "visa", "succeeded", null)]
    [InlineData("pm_card_refundFail", "visa", "succeeded", null)]
    public async Task Each_test_payment_method_id_pays_as_stripe_says(string id, string brand, string status, string? declineCode)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var (intent, error) = await ConfirmOnSessionAsync(shop, id);
        var card = await shop.Server.V1.PaymentMethods.GetAsync(
            intent.PaymentMethodId ?? intent.LastPaymentError.PaymentMethod.Id, null, shop.On(), Ct);

        Assert.Equal(status, intent.Status);
        Assert.Equal(brand, card.Card.Brand);
        Assert.StartsWith("pm_", card.Id, StringComparison.Ordinal);
        Assert.NotEqual(id, card.Id);
        Assert.Equal(declineCode, error?.StripeError.DeclineCode);
        Assert.Equal(declineCode, intent.LastPaymentError?.DeclineCode);
    }

    [Fact]
    public async Task An_unknown_test_payment_method_id_is_resource_missing()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var error = await Assert.ThrowsAsync<StripeException>(() => ConfirmOnSessionAsync(shop, "pm_card_visa_chargeDeclinedTeapot"));

        Assert.Equal(HttpStatusCode.NotFound, error.HttpStatusCode);
        Assert.Equal("resource_missing", error.StripeError.Code);
    }

    [Fact]
    public async Task The_dispute_card_succeeds_then_a_fraudulent_dispute_is_opened()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var (intent, _) = await ConfirmOnSessionAsync(shop, (await shop.CardAsync("4000000000000259")).Id);
        var events = await shop.Server.V1.Events.ListAsync(new EventListOptions { Type = "charge.dispute.created" }, shop.On(), Ct);
        var charge = await shop.Server.V1.Charges.GetAsync(intent.LatestChargeId, requestOptions: shop.On(), cancellationToken: Ct);

        var dispute = Assert.IsType<Dispute>(Assert.Single(events.Data).Data.Object);
        Assert.Equal("succeeded", intent.Status);
        Assert.Equal(intent.LatestChargeId, dispute.ChargeId);
        Assert.Equal("fraudulent", dispute.Reason);
        Assert.Equal("needs_response", dispute.Status);
        Assert.True(charge.Disputed);
    }

    [Fact]
    public async Task The_incorrect_cvc_card_declines_only_when_a_cvc_was_given()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var withoutCvc = await shop.CardAsync("4000000000000127", cvc: null);

        var (intent, error) = await ConfirmOnSessionAsync(shop, withoutCvc.Id);

        Assert.Null(error);
        Assert.Equal("succeeded", intent.Status);
    }

    [Fact]
    public async Task A_declined_payment_can_be_retried_with_another_card()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var declined = await shop.CardAsync("4000000000009995");
        var (failed, _) = await ConfirmOnSessionAsync(shop, declined.Id);
        var good = await shop.CardAsync("4242424242424242");

        var retried = await shop.Server.V1.PaymentIntents.ConfirmAsync(failed.Id,
            new PaymentIntentConfirmOptions { PaymentMethod = good.Id }, shop.On(), Ct);

        Assert.Equal("succeeded", retried.Status);
        Assert.Null(retried.LastPaymentError);
        var charges = await shop.Server.V1.Charges.ListAsync(new ChargeListOptions { PaymentIntent = failed.Id }, shop.On(), Ct);
        Assert.Equal(["succeeded", "failed"], charges.Data.Select(c => c.Status));
    }

    [Theory]
    [InlineData("pm_card_visa", "succeeded", null)]
    [InlineData("pm_card_visa_debit", "succeeded", null)]
    [InlineData("pm_card_mastercard", "succeeded", null)]
    [InlineData("pm_card_amex", "succeeded", null)]
    [InlineData("pm_card_chargeDeclined", "requires_payment_method", "generic_decline")]
    [InlineData("pm_card_chargeDeclinedInsufficientFunds", "requires_payment_method", "insufficient_funds")]
    [InlineData("pm_card_chargeDeclinedLostCard", "requires_payment_method", "lost_card")]
    [InlineData("pm_card_chargeDeclinedStolenCard", "requires_payment_method", "stolen_card")]
    [InlineData("pm_card_chargeDeclinedExpiredCard", "requires_payment_method", "expired_card")]
    [InlineData("pm_card_chargeDeclinedIncorrectCvc", "requires_payment_method", "incorrect_cvc")]
    [InlineData("pm_card_chargeDeclinedProcessingError", "requires_payment_method", "processing_error")]
    [InlineData("pm_card_chargeCustomerFail", "requires_payment_method", "generic_decline")]
    [InlineData("pm_card_authenticationRequiredOnSetup", "requires_action", null)]
    [InlineData("pm_card_authenticationRequired", "requires_action", null)]
    [InlineData("pm_card_authenticationRequiredSetupForOffSession", "requires_action", null)]
    [InlineData("pm_card_authenticationRequiredChargeDeclinedInsufficientFunds", "requires_action", null)]
    [InlineData("pm_card_threeDSecure2Required", "requires_action", null)]
    [InlineData("pm_card_threeDSecureOptional", "succeeded", null)]
    [InlineData("pm_card_radarBlock", "requires_payment_method", "fraudulent")]
    public async Task Each_test_payment_method_id_becomes_a_fresh_card_that_behaves_like_its_number(string id, string status,
        string? declineCode)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var (intent, error) = await ConfirmOnSessionAsync(shop, id);

        Assert.Equal(status, intent.Status);
        Assert.Equal(declineCode, error?.StripeError.DeclineCode);
        var used = intent.PaymentMethodId ?? intent.LastPaymentError.PaymentMethod.Id;
        Assert.StartsWith("pm_", used, StringComparison.Ordinal);
        Assert.NotEqual(id, used);
        var paymentMethod = await shop.Server.V1.PaymentMethods.GetAsync(used, requestOptions: shop.On(), cancellationToken: Ct);
        Assert.Equal("card", paymentMethod.Type);
    }

    [Fact]
    public async Task Test_cards_are_declined_in_live_mode()
    {
        var platform = sandbox.NewPlatform();
        var intent = await platform.Live.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000, Currency = "gbp", AllowedPaymentMethodTypes = ["card"],
        }, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Live.V1.PaymentIntents.ConfirmAsync(intent.Id,
            new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" }, cancellationToken: Ct));

        Assert.Equal("test_mode_live_card", error.StripeError.DeclineCode);
    }

    /// <summary>Creates and confirms a £20 card payment as a checkout does; a decline comes back as the exception.</summary>
    internal static async Task<(PaymentIntent Intent, StripeException? Error)> ConfirmOnSessionAsync(ConnectedShop shop,
        string paymentMethod, string? customer = null, bool offSession = false, string? setupFutureUsage = null)
    {
        try
        {
            var intent = await shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
            {
                Amount = 2000,
                Currency = "gbp",
                Customer = customer,
                AllowedPaymentMethodTypes = ["card"],
                PaymentMethod = paymentMethod,
                Confirm = true,
                OffSession = offSession ? true : null,
                ReturnUrl = offSession ? null : "https://shop.example/return",
                SetupFutureUsage = setupFutureUsage,
            }, shop.On(), Ct);
            return (intent, null);
        }
        catch (StripeException exception) when (exception.StripeError?.PaymentIntent is not null)
        {
            return (exception.StripeError.PaymentIntent, exception);
        }
    }
}
