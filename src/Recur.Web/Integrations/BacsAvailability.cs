using Recur.Web.Stripe;

namespace Recur.Web.Integrations;

/// <summary>
/// Whether a connected account can take Bacs Direct Debit, and if not why and what to do: Stripe takes Bacs only for a
/// business in the United Kingdom whose <c>bacs_debit_payments</c> capability is active, and refuses <c>bacs_debit</c>
/// otherwise (https://docs.stripe.com/payments/bacs-debit). A Standard account's owner turns Bacs on in the Stripe
/// Dashboard; Recur requests it for the Express accounts it creates in GB, and Stripe asks for what it needs in
/// onboarding. Read from the connection's last snapshot of the account.
/// </summary>
public static class BacsAvailability
{
    public const string Capability = "bacs_debit_payments";

    /// <summary>Null when the account can take Bacs; otherwise a sentence for the merchant saying why and what to do.</summary>
    public static string? WhyUnavailable(StripeConnection connection)
    {
        if (!string.Equals(connection.Country, "GB", StringComparison.OrdinalIgnoreCase))
        {
            return $"Bacs Direct Debit is only for businesses in the United Kingdom, and this Stripe account is in {connection.Country ?? "another country"}. Offer card payments, or connect a UK Stripe account.";
        }
        var status = connection.Capabilities.GetValueOrDefault(Capability, "unrequested");
        return status switch
        {
            "active" => null,
            "pending" => "Stripe is still reviewing Bacs Direct Debit for this account (capability pending). Publish once Stripe has activated it; Integrations → Stripe shows when it has.",
            _ when connection.AccountType == StripeAccountType.Express =>
                $"Bacs Direct Debit is not active on this Stripe account yet (capability {status}). Finish what Stripe asks for in onboarding (Integrations → Stripe → Resume onboarding), then publish again.",
            _ => $"Bacs Direct Debit is not turned on for this Stripe account (capability {status}). Turn it on in your Stripe Dashboard (Settings → Payment methods → Bacs Direct Debit), then refresh Integrations → Stripe and publish again.",
        };
    }
}
