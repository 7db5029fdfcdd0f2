using Recur.Web.Catalog;
using Recur.Web.Checkout;
using Recur.Web.Stripe;
using Stripe;

namespace Recur.Tests.Checkout;

public sealed class CheckoutOutcomeTests
{
    private static Offer BacsOffer(BacsActivation activation) => new(Guid.NewGuid(), Guid.NewGuid(),
        new OfferTerms("DD", 999, "gbp", BillingKind.Recurring, BillingInterval.Month, 1, null, null, null, PaymentTypes.Bacs, activation, StripeEnvironment.Test),
        DateTimeOffset.UnixEpoch);

    private static Order Order(string type) => new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), StripeEnvironment.Test, "acct_1",
        new CustomerDetails("a@example.com", "A", null, type), DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_declined_card_shows_stripes_own_message_and_offers_both_ways_to_try_again()
    {
        var order = Order("card");
        order.RecordIntent(IntentKind.Payment, "pi_1");
        var error = new StripeError { Type = "card_error", Code = "card_declined", DeclineCode = "generic_decline", Message = "Your card was declined." };

        var outcome = CheckoutCompletion.Decide(BacsOffer(BacsActivation.WhenMandateCreated), order, null, "requires_payment_method", error);

        Assert.Equal(CompletionState.Failed, outcome.State);
        Assert.Equal("Your card was declined.", outcome.StripeMessage);
        Assert.True(outcome.CanRetryOrder);
        Assert.True(outcome.CanStartOver);
    }

    [Theory]
    [InlineData(BacsActivation.WhenMandateCreated, CompletionState.Active)]
    [InlineData(BacsActivation.WhenFirstPaymentConfirmed, CompletionState.Processing)]
    public void A_processing_direct_debit_follows_the_offers_activation_choice(BacsActivation activation, CompletionState expected)
    {
        var order = Order("bacs_debit");
        order.RecordIntent(IntentKind.Payment, "pi_1");

        Assert.Equal(expected, CheckoutCompletion.Decide(BacsOffer(activation), order, null, "processing", null).State);
    }

    [Fact]
    public void A_payment_waiting_for_3d_secure_says_it_needs_authentication()
    {
        var order = Order("card");
        order.RecordIntent(IntentKind.Payment, "pi_1");

        var outcome = CheckoutCompletion.Decide(BacsOffer(BacsActivation.WhenMandateCreated), order, null, "requires_action", null);

        Assert.Equal(CompletionState.NeedsAuthentication, outcome.State);
        Assert.True(outcome.CanRetryOrder);
    }

    [Fact]
    public void A_client_secret_names_its_intent() =>
        Assert.Equal("pi_3Nabc", CheckoutOrders.IntentIdFromSecret("pi_3Nabc_secret_XyZ"));
}
