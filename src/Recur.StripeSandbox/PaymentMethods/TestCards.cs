using System.Collections.Frozen;

namespace Recur.StripeSandbox.PaymentMethods;

/// <summary>How a test card behaves when it is set up or charged.</summary>
public enum CardBehaviour
{
    /// <summary>Set-ups and charges succeed (3-D Secure supported but not required).</summary>
    Succeeds,

    /// <summary>Everything is declined with the row's decline: attaching, setting up, charging.</summary>
    Declines,

    /// <summary>Declined with <c>incorrect_cvc</c>, but only when a CVC was given; otherwise it succeeds.</summary>
    DeclinesWhenCvcGiven,

    /// <summary>Attaching and setting up succeed; every charge is declined (<c>4000000000000341</c>).</summary>
    ChargesFail,

    /// <summary>3-D Secure to set up and for payments, until the card has been set up for off-session use; after that
    /// payments need nothing more (<c>4000002500003155</c>).</summary>
    AuthenticationUnlessSetUp,

    /// <summary>3-D Secure on every set-up and on-session payment; off-session payments fail with
    /// <c>authentication_required</c> (<c>4000002760003184</c>, <c>4000000000003220</c>).</summary>
    AuthenticationAlways,

    /// <summary>3-D Secure on-session; off-session payments succeed as if set up (<c>4000003800000446</c>).</summary>
    AuthenticationOnSessionOnly,

    /// <summary>3-D Secure, then declined with the row's decline (<c>4000008260003178</c>, <c>4000008400001629</c>).</summary>
    AuthenticationThenDecline,

    /// <summary>The 3-D Secure lookup fails, so the attempt is declined without a challenge (<c>4000008400001280</c>).</summary>
    AuthenticationLookupFails,

    /// <summary>Blocked by Radar before reaching the network (<c>4100000000000019</c>).</summary>
    RadarBlock,

    /// <summary>The charge succeeds, then a fraudulent dispute is opened at once (<c>4000000000000259</c>).</summary>
    SucceedsThenDisputed,
}

/// <summary>A decline as Stripe reports it: <c>code</c>, <c>decline_code</c> and the message customers may see.</summary>
public sealed record CardDecline(string Code, string? DeclineCode, string Message);

/// <summary>One row of Stripe's test card table (https://docs.stripe.com/testing, reference §5).</summary>
/// <param name="Key">The name kept on a card PaymentMethod instead of its number: the <c>pm_card_*</c> suffix, or a
/// name of the sandbox's own for rows without one.</param>
public sealed record TestCard(
    string Key, string Number, string? PaymentMethodId, string Brand, string Funding, string Country,
    CardBehaviour Behaviour, CardDecline? Decline = null, bool ThreeDSecureSupported = true);

/// <summary>
/// Stripe's test cards, one table: number → <c>pm_card_*</c> id, brand, funding, country and behaviour. Card numbers
/// live only here; a PaymentMethod keeps the row's <see cref="TestCard.Key"/>, its last 4 and a fingerprint.
/// Numbers not in the table (but valid) behave like <c>4242424242424242</c>.
/// </summary>
public static class TestCards
{
    public static readonly CardDecline GenericDecline = new("card_declined", "generic_decline", "Your card was declined.");

    public static readonly CardDecline InsufficientFunds =
        new("card_declined", "insufficient_funds", "Your card has insufficient funds.");

    public static readonly CardDecline AuthenticationRequired = new("authentication_required", "authentication_required",
        "Your card was declined. This transaction requires authentication.");

    public static readonly CardDecline RadarBlocked = new("card_declined", "fraudulent", "Your card was declined.");

    public static readonly CardDecline LiveModeTestCard = new("card_declined", "test_mode_live_card",
        "Your card was declined. Your request was in live mode, but used a known test card.");

    public static IReadOnlyList<TestCard> All { get; } =
    [
        new("visa", "4242424242424242", "pm_card_visa", "visa", "credit", "US", CardBehaviour.Succeeds),
        new("visa_debit", "4000056655665556", "pm_card_visa_debit", "visa", "debit", "US", CardBehaviour.Succeeds),
        new("mastercard", "5555555555554444", "pm_card_mastercard", "mastercard", "credit", "US", CardBehaviour.Succeeds),
        new("amex", "378282246310005", "pm_card_amex", "amex", "credit", "US", CardBehaviour.Succeeds,
            ThreeDSecureSupported: false),
        new("mastercard_debit", "5200828282828210", "pm_card_mastercard_debit", "mastercard", "debit", "US",
            CardBehaviour.Succeeds),
        new("mastercard_prepaid", "5105105105105100", "pm_card_mastercard_prepaid", "mastercard", "prepaid", "US",
            CardBehaviour.Succeeds),
        new("discover", "6011111111111117", "pm_card_discover", "discover", "credit", "US", CardBehaviour.Succeeds),
        new("diners", "3056930009020004", "pm_card_diners", "diners", "credit", "US", CardBehaviour.Succeeds),
        new("jcb", "3566002020360505", "pm_card_jcb", "jcb", "credit", "JP", CardBehaviour.Succeeds),
        new("unionpay", "6200000000000005", "pm_card_unionpay", "unionpay", "credit", "CN", CardBehaviour.Succeeds),
        new("gb_visa", "4000008260000000", "pm_card_gb", "visa", "credit", "GB", CardBehaviour.Succeeds),
        new("gb_visa_debit", "4000058260000005", null, "visa", "debit", "GB", CardBehaviour.Succeeds),
        new("gb_mastercard", "5555558265554449", null, "mastercard", "credit", "GB", CardBehaviour.Succeeds),
        new("chargeDeclined", "4000000000000002", "pm_card_chargeDeclined", "visa", "credit", "US",
            CardBehaviour.Declines, GenericDecline),
        new("chargeDeclinedInsufficientFunds", "4000000000009995", "pm_card_chargeDeclinedInsufficientFunds", "visa",
            "credit", "US", CardBehaviour.Declines, InsufficientFunds),
        new("chargeDeclinedLostCard", "4000000000009987", "pm_card_chargeDeclinedLostCard", "visa", "credit", "US",
            CardBehaviour.Declines, new("card_declined", "lost_card", "Your card was declined.")),
        new("chargeDeclinedStolenCard", "4000000000009979", "pm_card_chargeDeclinedStolenCard", "visa", "credit", "US",
            CardBehaviour.Declines, new("card_declined", "stolen_card", "Your card was declined.")),
        new("chargeDeclinedExpiredCard", "4000000000000069", "pm_card_chargeDeclinedExpiredCard", "visa", "credit", "US",
            CardBehaviour.Declines, new("expired_card", "expired_card", "Your card has expired.")),
        new("chargeDeclinedIncorrectCvc", "4000000000000127", "pm_card_chargeDeclinedIncorrectCvc", "visa", "credit", "US",
            CardBehaviour.DeclinesWhenCvcGiven, new("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect.")),
        new("chargeDeclinedProcessingError", "4000000000000119", "pm_card_chargeDeclinedProcessingError", "visa", "credit",
            "US", CardBehaviour.Declines, new("processing_error", "processing_error",
                "An error occurred while processing your card. Try again in a little bit.")),
        new("chargeDeclinedVelocityExceeded", "4000000000006975", "pm_card_visa_chargeDeclinedVelocityLimitExceeded", "visa", "credit", "US", CardBehaviour.Declines,
            new("card_declined", "card_velocity_exceeded", "Your card was declined.")),
        new("chargeCustomerFail", "4000000000000341", "pm_card_chargeCustomerFail", "visa", "credit", "US",
            CardBehaviour.ChargesFail, GenericDecline),
        new("authenticationRequiredOnSetup", "4000002500003155", "pm_card_authenticationRequiredOnSetup", "visa", "credit",
            "US", CardBehaviour.AuthenticationUnlessSetUp),
        new("authenticationRequired", "4000002760003184", "pm_card_authenticationRequired", "visa", "credit", "US",
            CardBehaviour.AuthenticationAlways),
        new("authenticationRequiredSetupForOffSession", "4000003800000446",
            "pm_card_authenticationRequiredSetupForOffSession", "visa", "credit", "US",
            CardBehaviour.AuthenticationOnSessionOnly),
        new("authenticationRequiredChargeDeclinedInsufficientFunds", "4000008260003178",
            "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds", "visa", "credit", "GB",
            CardBehaviour.AuthenticationThenDecline, InsufficientFunds),
        new("threeDSecure2Required", "4000000000003220", "pm_card_threeDSecure2Required", "visa", "credit", "US",
            CardBehaviour.AuthenticationAlways),
        new("threeDSecureRequiredChargeDeclined", "4000008400001629", null, "visa", "credit", "US",
            CardBehaviour.AuthenticationThenDecline, GenericDecline),
        new("threeDSecureLookupError", "4000008400001280", null, "visa", "credit", "US",
            CardBehaviour.AuthenticationLookupFails, new("card_declined", "generic_decline", "Your card was declined.")),
        new("threeDSecureOptional", "4000000000003055", "pm_card_threeDSecureOptional", "visa", "credit", "US",
            CardBehaviour.Succeeds),
        new("radarBlock", "4100000000000019", "pm_card_radarBlock", "visa", "credit", "US", CardBehaviour.RadarBlock,
            RadarBlocked),
        new("createDisputeFraudulent", "4000000000000259", "pm_card_createDispute", "visa", "credit", "US",
            CardBehaviour.SucceedsThenDisputed),
        new("refundAsyncSucceeds", "4000000000007726", null, "visa", "credit", "US", CardBehaviour.Succeeds),
        new("refundAsyncFails", "4000000000005126", "pm_card_refundFail", "visa", "credit", "US", CardBehaviour.Succeeds),
        new("bypassPending", "4000000000000077", "pm_card_bypassPending", "visa", "credit", "US", CardBehaviour.Succeeds),
    ];

    private static readonly FrozenDictionary<string, TestCard> ByNumberTable =
        All.ToFrozenDictionary(c => c.Number, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, TestCard> ByKeyTable =
        All.ToFrozenDictionary(c => c.Key, StringComparer.Ordinal);

    /// <summary>
    /// The ids Stripe's testing page gives today for the decline rows (https://docs.stripe.com/testing#declined-payments:
    /// <c>pm_card_visa_chargeDeclined…</c>), next to the older ids of the same cards, which the API still accepts.
    /// </summary>
    private static readonly (string PaymentMethodId, string Key)[] Aliases =
    [
        ("pm_card_visa_chargeDeclined", "chargeDeclined"),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", "chargeDeclinedInsufficientFunds"),
        ("pm_card_visa_chargeDeclinedLostCard", "chargeDeclinedLostCard"),
        ("pm_card_visa_chargeDeclinedStolenCard", "chargeDeclinedStolenCard"),
    ];

    private static readonly FrozenDictionary<string, TestCard> ByPaymentMethodIdTable =
        All.Where(c => c.PaymentMethodId is not null).Select(c => KeyValuePair.Create(c.PaymentMethodId!, c))
            .Concat(Aliases.Select(a => KeyValuePair.Create(a.PaymentMethodId, All.Single(c => c.Key == a.Key))))
            .ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The row for a card number; numbers outside the table get a generic succeeding row of their brand.</summary>
    public static TestCard ForNumber(string number, string brand) =>
        ByNumberTable.GetValueOrDefault(number)
        ?? new TestCard(GenericKey(brand), number, null, brand, "credit", "US", CardBehaviour.Succeeds,
            ThreeDSecureSupported: brand != "amex");

    /// <summary>The row a PaymentMethod keeps by key (see <see cref="TestCard.Key"/>).</summary>
    public static TestCard? ForKey(string? key)
    {
        if (key is null)
        {
            return null;
        }

        if (ByKeyTable.TryGetValue(key, out var card))
        {
            return card;
        }

        return key.StartsWith("generic_", StringComparison.Ordinal)
            ? new TestCard(key, "", null, key["generic_".Length..], "credit", "US", CardBehaviour.Succeeds,
                ThreeDSecureSupported: key != "generic_amex")
            : null;
    }

    /// <summary>The row behind a <c>pm_card_*</c> id, e.g. <c>pm_card_visa</c>.</summary>
    public static TestCard? ForPaymentMethodId(string id) => ByPaymentMethodIdTable.GetValueOrDefault(id);

    private static string GenericKey(string brand) => "generic_" + brand;

    /// <summary>
    /// What happens when a card is used. <paramref name="attempt"/> says whether it is a set-up or a payment, whether
    /// the customer is present, whether the card was set up for off-session use and whether 3-D Secure has just been
    /// completed.
    /// </summary>
    public static CardDecision Decide(TestCard card, CardAttempt attempt)
    {
        if (attempt.Livemode)
        {
            return CardDecision.Declined(LiveModeTestCard);
        }

        var challengeOrRequired = attempt.OffSession
            ? CardDecision.Declined(AuthenticationRequired)
            : CardDecision.Challenge;
        return card.Behaviour switch
        {
            CardBehaviour.Succeeds or CardBehaviour.SucceedsThenDisputed => CardDecision.Approved,
            CardBehaviour.Declines or CardBehaviour.RadarBlock or CardBehaviour.AuthenticationLookupFails =>
                CardDecision.Declined(card.Decline!),
            CardBehaviour.DeclinesWhenCvcGiven => attempt.CvcGiven ? CardDecision.Declined(card.Decline!) : CardDecision.Approved,
            CardBehaviour.ChargesFail => attempt.Setup ? CardDecision.Approved : CardDecision.Declined(card.Decline!),
            CardBehaviour.AuthenticationUnlessSetUp =>
                attempt.Authenticated || (!attempt.Setup && attempt.SetUpForOffSession) ? CardDecision.Approved : challengeOrRequired,
            CardBehaviour.AuthenticationAlways => attempt.Authenticated ? CardDecision.Approved : challengeOrRequired,
            CardBehaviour.AuthenticationOnSessionOnly =>
                attempt.Authenticated || (attempt.OffSession && !attempt.Setup) ? CardDecision.Approved : CardDecision.Challenge,
            CardBehaviour.AuthenticationThenDecline =>
                attempt.Authenticated ? CardDecision.Declined(card.Decline!) : challengeOrRequired,
            _ => CardDecision.Approved,
        };
    }
}

/// <summary>The circumstances of one use of a card.</summary>
/// <param name="Setup">A set-up (SetupIntent, attaching) rather than a charge.</param>
/// <param name="OffSession">The customer is not there to authenticate.</param>
/// <param name="SetUpForOffSession">The card was set up for future off-session use earlier.</param>
/// <param name="Authenticated">3-D Secure was just completed for this attempt.</param>
/// <param name="CvcGiven">A CVC was given when the card was collected.</param>
/// <param name="Livemode">A live-mode attempt, where test cards are declined.</param>
public sealed record CardAttempt(bool Setup, bool OffSession, bool SetUpForOffSession, bool Authenticated, bool CvcGiven,
    bool Livemode);

public enum CardDecisionKind
{
    Approved,
    Challenge,
    Declined,
}

/// <summary>Approved, a 3-D Secure challenge first, or declined.</summary>
public sealed record CardDecision(CardDecisionKind Kind, CardDecline? Decline)
{
    public static CardDecision Approved { get; } = new(CardDecisionKind.Approved, null);

    public static CardDecision Challenge { get; } = new(CardDecisionKind.Challenge, null);

    public static CardDecision Declined(CardDecline decline) => new(CardDecisionKind.Declined, decline);
}
