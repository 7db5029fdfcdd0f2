using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Accounts;

/// <summary>
/// The one place that decides what an account still owes Stripe and what it may do, from what has been collected.
/// Pure: the same object and capabilities in, the same object out.
/// </summary>
public static class AccountRequirements
{
    /// <summary>The sandbox's name for the Bacs Direct Debit terms the account holder accepts during onboarding.</summary>
    public const string BacsTerms = "settings.bacs_debit_payments.terms_acceptance";

    public const string StatementDescriptor = "settings.payments.statement_descriptor";

    /// <summary>
    /// The fields Stripe still needs, in Stripe's names and order. A website or a product description satisfies
    /// both <c>business_profile.url</c> and <c>business_profile.product_description</c>, as on Stripe's form.
    /// </summary>
    public static IReadOnlyList<string> Due(JsonObject account)
    {
        var due = new List<string>();
        var profile = account["business_profile"] as JsonObject;
        if (IsBlank(profile?["url"]) && IsBlank(profile?["product_description"]))
        {
            due.Add("business_profile.product_description");
            due.Add("business_profile.url");
        }

        if (IsBlank(profile?["support_phone"]))
        {
            due.Add("business_profile.support_phone");
        }

        if (IsBlank(account["business_type"]))
        {
            due.Add("business_type");
        }

        if (!HasExternalAccount(account))
        {
            due.Add("external_account");
        }

        if (account["tos_acceptance"]?["date"] is null)
        {
            due.Add("tos_acceptance.date");
        }

        if (IsBlank(account["tos_acceptance"]?["ip"]))
        {
            due.Add("tos_acceptance.ip");
        }

        due.Sort(StringComparer.Ordinal);
        return due;
    }

    /// <summary>
    /// Whether Stripe asks the account holder what Bacs Direct Debit needs: <c>bacs_debit_payments</c> was requested
    /// and Stripe collects the requirements (Express and Standard accounts; a platform that collects them itself answers
    /// for its accounts under its own agreement with Stripe, as it does for the Terms of Service).
    /// </summary>
    public static bool AsksBacsQuestions(JsonObject account, JsonObject meta) =>
        Capabilities.Requested(meta).ContainsKey(Capabilities.Bacs)
        && account["controller"]?["requirement_collection"]?.ToString() != "application";

    /// <summary>
    /// What the <c>bacs_debit_payments</c> capability still needs beyond the account's own requirements, read in the
    /// stricter way where Stripe's documentation leaves it open: Bacs debits carry the business's statement descriptor
    /// to the payer's bank statement (https://docs.stripe.com/get-started/account/statement-descriptors: 5 to 22
    /// characters, at least one letter, none of &lt; &gt; \ ' " *), and the business must complete extra verification
    /// and accept the Bacs terms as a Direct Debit service user before it may collect
    /// (https://docs.stripe.com/payments/bacs-debit: "Stripe prompts for it when access is requested"; the service user
    /// owes payers the Direct Debit Guarantee's advance notices and refunds). Until both are given the capability stays
    /// <c>inactive</c>; the account's other capabilities are not held back.
    /// </summary>
    public static IReadOnlyList<string> BacsDue(JsonObject account, JsonObject meta)
    {
        if (!AsksBacsQuestions(account, meta))
        {
            return [];
        }

        var due = new List<string>();
        if (StatementDescriptors.Problem(account["settings"]?["payments"]?["statement_descriptor"]?.ToString()) is not null)
        {
            due.Add(StatementDescriptor);
        }

        if (meta["bacs_terms"]?["date"] is null)
        {
            due.Add(BacsTerms);
        }

        return due;
    }

    /// <summary>
    /// The account with <c>requirements</c>, <c>future_requirements</c>, <c>capabilities</c>,
    /// <c>charges_enabled</c>, <c>payouts_enabled</c> and <c>details_submitted</c> worked out again.
    /// <paramref name="meta"/> holds the requested capabilities. An account whose platform collects the
    /// requirements counts as submitted once nothing is due; any other account only once its holder has submitted
    /// the hosted onboarding form.
    /// </summary>
    public static JsonObject Recompute(JsonObject account, JsonObject meta)
    {
        var result = account.DeepClone().AsObject();
        var due = Due(result);
        var requested = Capabilities.Requested(meta).Keys.Order(StringComparer.Ordinal).ToList();
        var collectedByPlatform = result["controller"]?["requirement_collection"]?.ToString() == "application";
        var submitted = AccountObjects.Flag(result["details_submitted"]) || (collectedByPlatform && due.Count == 0);
        var ready = submitted && due.Count == 0;
        var bacsDue = BacsDue(result, meta);

        var capabilities = new JsonObject();
        foreach (var name in requested)
        {
            capabilities[name] = ready && (name != Capabilities.Bacs || bacsDue.Count == 0) ? "active" : "inactive";
        }

        result["capabilities"] = capabilities;
        result["details_submitted"] = submitted;
        result["charges_enabled"] = ready && requested.Any(Capabilities.IsPayment);
        result["payouts_enabled"] = ready && HasExternalAccount(result);
        var all = due.Union(bacsDue).Order(StringComparer.Ordinal).ToList();
        result["requirements"] = Requirements(all, all, DisabledReason(due, requested.Count));
        result["future_requirements"] = Requirements([], [], null);
        return result;
    }

    /// <summary>Why an account can't take payments, in Stripe's words; null when nothing stops it.</summary>
    public static string? DisabledReason(IReadOnlyList<string> due, int requestedCapabilities) =>
        requestedCapabilities == 0 ? "action_required.requested_capabilities"
        : due.Count > 0 ? "requirements.past_due"
        : null;

    /// <summary>A <c>requirements</c> hash as accounts and capabilities carry it.</summary>
    public static JsonObject Requirements(IReadOnlyList<string> currentlyDue, IReadOnlyList<string> pastDue, string? disabledReason) => new()
    {
        ["alternatives"] = new JsonArray(),
        ["current_deadline"] = null,
        ["currently_due"] = Strings(currentlyDue),
        ["disabled_reason"] = disabledReason,
        ["errors"] = new JsonArray(),
        ["eventually_due"] = Strings(currentlyDue),
        ["past_due"] = Strings(pastDue),
        ["pending_verification"] = new JsonArray(),
    };

    public static bool HasExternalAccount(JsonObject account) =>
        account["external_accounts"]?["data"] is JsonArray { Count: > 0 };

    private static bool IsBlank(JsonNode? node) => node is null || string.IsNullOrWhiteSpace(node.ToString());

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());
}
