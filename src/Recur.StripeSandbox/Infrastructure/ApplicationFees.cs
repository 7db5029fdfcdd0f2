using System.Globalization;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// The platform's application fee on a connected account's payment: <c>application_fee_percent</c> on subscriptions
/// and <c>application_fee_amount</c> on PaymentIntents. Stripe takes them only on a request the platform makes for a
/// connected account (<c>Stripe-Account</c>): see https://docs.stripe.com/connect/subscriptions#collect-fees and
/// https://docs.stripe.com/api/subscriptions/create#create_subscription-application_fee_percent ("a non-negative
/// decimal between 0 and 100, with at most two decimal places"), and
/// https://docs.stripe.com/api/payment_intents/create#create_payment_intent-application_fee_amount (an amount in the
/// smallest currency unit, for direct charges with <c>Stripe-Account</c>; never more than the payment).
/// </summary>
public static class ApplicationFees
{
    public static IResult? ParsePercent(StripeParams p, ApiCaller caller, out decimal? percent)
    {
        percent = null;
        if (p.String("application_fee_percent") is not { } text)
        {
            return p.Node("application_fee_percent") is null ? null : InvalidPercent("");
        }

        // An empty value is Stripe's "not set" for a parameter that can be unset (https://docs.stripe.com/api/metadata
        // describes the same convention); Stripe.net sends one for an explicitly assigned null.
        if (text == "")
        {
            return null;
        }

        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value < 0 || value > 100 || decimal.Round(value, 2) != value)
        {
            return InvalidPercent(text);
        }

        if (caller.StripeAccount is null)
        {
            return OnlyForConnectedAccounts("application_fee_percent");
        }

        percent = value;
        return null;
    }

    public static IResult? ParseAmount(StripeParams p, ApiCaller caller, long amount, out long? fee)
    {
        fee = null;
        if (p.String("application_fee_amount") is "")
        {
            return null;
        }

        if (!p.TryLong("application_fee_amount", out var value))
        {
            return StripeErrors.InvalidRequest($"Invalid integer: {p.String("application_fee_amount")}", "application_fee_amount",
                "parameter_invalid_integer");
        }

        if (value is null)
        {
            return null;
        }

        if (value < 0 || value > amount)
        {
            return StripeErrors.InvalidRequest(
                "Invalid application_fee_amount: it must be at least 0 and at most the amount of the payment.", "application_fee_amount");
        }

        if (caller.StripeAccount is null)
        {
            return OnlyForConnectedAccounts("application_fee_amount");
        }

        fee = value;
        return null;
    }

    private static IResult InvalidPercent(string text) => StripeErrors.InvalidRequest(
        $"Invalid application_fee_percent: {text} (a number from 0 to 100 with at most two decimal places).", "application_fee_percent");

    private static IResult OnlyForConnectedAccounts(string param) => StripeErrors.InvalidRequest(
        $"{param} can only be used on a request made for a connected account (with the Stripe-Account header).", param);
}
