using Recur.Web.Stripe;

namespace Recur.Web.Integrations;

public enum ConnectionState
{
    NotConnected,
    OnboardingIncomplete,
    PendingVerification,
    Restricted,
    Connected,
    Disconnected,
    Error,
}

/// <summary>
/// The state of a tenant's Stripe connection and what the admin should do next, computed from the account's
/// onboarding fields (<c>details_submitted</c>, <c>charges_enabled</c>, <c>payouts_enabled</c>,
/// <c>requirements</c>, <c>capabilities</c>). Pure: the same facts always give the same status.
/// </summary>
public sealed record ConnectionStatus(ConnectionState State, string Title, string NextStep, IReadOnlyList<string> RequirementsDue)
{
    /// <param name="account">The account as last read; null when no account is linked.</param>
    /// <param name="disconnected">The account was deauthorized from Stripe's side or unlinked by the admin.</param>
    /// <param name="error">Why the account could not be read, when the last read failed.</param>
    /// <param name="accountType">The account type chosen in the settings: what "Connect with Stripe" offers when
    /// no account is connected (only Standard accounts can be signed in to; Express accounts are always new).</param>
    public static ConnectionStatus From(AccountSnapshot? account, bool disconnected = false, string? error = null,
        StripeAccountType accountType = StripeAccountType.Standard)
    {
        if (disconnected)
        {
            return new(ConnectionState.Disconnected, "Disconnected",
                "This Stripe account is no longer connected to Recur. " + (accountType == StripeAccountType.Express
                    ? "Connect with Stripe to create a new Express account."
                    : "Connect with Stripe to sign in to an existing Stripe account, or create a new Standard account."), []);
        }
        if (error is not null)
        {
            return new(ConnectionState.Error, "Error",
                $"Recur could not read the account from Stripe: {error} Use Refresh status to try again; if it keeps failing, disconnect and connect again.", []);
        }
        if (account is null)
        {
            return new(ConnectionState.NotConnected, "Not connected", accountType == StripeAccountType.Express
                ? "Connect with Stripe: create a new Express account. Stripe asks for your business and bank details on its own pages, then sends you back here."
                : "Connect with Stripe: sign in to your existing Stripe account, or create a new Standard account.", []);
        }

        var due = account.PastDue.Concat(account.CurrentlyDue).Distinct().ToList();
        var reason = account.DisabledReason;

        if (reason is not null && (reason.StartsWith("rejected.", StringComparison.Ordinal) || reason is "listed" or "platform_paused"))
        {
            return new(ConnectionState.Restricted, "Restricted",
                $"Stripe has disabled this account ({Explain(reason)}). Open the Stripe Dashboard or contact Stripe support to resolve it.", due);
        }
        if (!account.DetailsSubmitted)
        {
            return new(ConnectionState.OnboardingIncomplete, "Onboarding incomplete",
                "Finish onboarding on Stripe: click Resume onboarding and provide the details still due.", due);
        }
        if (account.PastDue.Count > 0 || reason is "requirements.past_due" or "action_required.requested_capabilities")
        {
            return new(ConnectionState.Restricted, "Restricted",
                $"Stripe has restricted this account ({Explain(reason ?? "requirements.past_due")}). Click Resume onboarding and provide the details still due.", due);
        }
        var cardPayments = account.Capabilities.GetValueOrDefault("card_payments");
        if (reason is "requirements.pending_verification" or "under_review"
            || (!account.ChargesEnabled && (account.PendingVerification.Count > 0 || cardPayments == "pending")))
        {
            return new(ConnectionState.PendingVerification, "Pending verification",
                "Stripe is verifying the details you submitted. Nothing to do for now; use Refresh status to check again later.", due);
        }
        if (!account.ChargesEnabled || cardPayments is "inactive")
        {
            return new(ConnectionState.Restricted, "Restricted",
                $"Stripe does not allow this account to take payments yet ({Explain(reason ?? "other")}). Open the Stripe Dashboard to see what Stripe needs.", due);
        }

        var next = "Ready to take payments.";
        if (account.CurrentlyDue.Count > 0)
        {
            next += " Stripe needs more details soon: click Resume onboarding to provide them and keep the account enabled.";
        }
        if (!account.PayoutsEnabled)
        {
            next += " Payouts are paused: add or fix the bank account in Stripe to receive your money.";
        }
        return new(ConnectionState.Connected, "Connected", next, due);
    }

    /// <summary><c>disabled_reason</c> in plain words.</summary>
    public static string Explain(string disabledReason) => disabledReason switch
    {
        "requirements.past_due" => "required details are past due",
        "requirements.pending_verification" => "Stripe is verifying the account",
        "action_required.requested_capabilities" => "a requested capability needs more details",
        "under_review" => "the account is under review by Stripe",
        "listed" => "the account is on a restricted list",
        "platform_paused" => "the platform paused the account",
        "rejected.fraud" => "rejected by Stripe for suspected fraud",
        "rejected.incomplete_verification" => "rejected because verification was not completed",
        "rejected.listed" => "rejected because the account is on a restricted list",
        "rejected.terms_of_service" => "rejected for a terms of service violation",
        "rejected.platform_fraud" or "rejected.platform_other" or "rejected.platform_terms_of_service" => "rejected by the platform",
        "rejected.other" => "rejected by Stripe",
        "other" => "Stripe did not give a reason",
        _ => disabledReason,
    };
}
