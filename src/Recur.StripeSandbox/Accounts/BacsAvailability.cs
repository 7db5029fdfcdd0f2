using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Accounts;

/// <summary>
/// Whether the account a request acts for may take Bacs Direct Debit: only a business in the United Kingdom whose
/// <c>bacs_debit_payments</c> capability is active (https://docs.stripe.com/payments/bacs-debit, and
/// https://docs.stripe.com/connect/account-capabilities: a payment method needs its capability active on the account
/// that takes the payment). Otherwise Stripe refuses <c>bacs_debit</c> when a PaymentIntent or a subscription is
/// created with it, with the same error as for a payment method type the account has not activated.
/// </summary>
public static class BacsAvailability
{
    /// <summary>The platform's own account (no <c>Stripe-Account</c>) takes Bacs as a UK platform; a connected account
    /// only when it is in GB with the capability active.</summary>
    public static bool IsAvailable(SandboxStore store, ApiCaller caller)
    {
        if (caller.StripeAccount is null)
        {
            return true;
        }

        return store.Find(caller.StripeAccount) is { Kind: "account" } account
               && account.Data["country"]?.ToString() == "GB"
               && Capabilities.Status(account, Capabilities.Bacs) == "active";
    }

    /// <summary>Stripe's refusal of a payment method type the account cannot use, on <paramref name="param"/>.</summary>
    public static IResult Refusal(string param) => StripeErrors.InvalidRequest(
        "The payment method type provided: bacs_debit is invalid. Please ensure the provided type is activated in your dashboard (https://dashboard.stripe.com/account/payments/settings) and your account is enabled for any preview features that you are trying to use.",
        param, "payment_intent_invalid_parameter");
}
