using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Accounts;

/// <summary>
/// Account capabilities: which ones the sandbox knows, which an account has requested (kept in
/// <see cref="StoredObject.Meta"/> as <c>capabilities: { name: { requested_at } }</c>), and the <c>capability</c>
/// object Stripe returns for one of them.
/// </summary>
public static class Capabilities
{
    public static IReadOnlyList<string> Known { get; } =
    [
        "acss_debit_payments", "affirm_payments", "afterpay_clearpay_payments", "amazon_pay_payments",
        "au_becs_debit_payments", "bacs_debit_payments", "bancontact_payments", "card_issuing", "card_payments",
        "cartes_bancaires_payments", "eps_payments", "giropay_payments", "ideal_payments", "klarna_payments",
        "link_payments", "p24_payments", "paypal_payments", "revolut_pay_payments", "sepa_debit_payments",
        "sofort_payments", "tax_reporting_us_1099_k", "transfers", "treasury", "us_bank_account_ach_payments",
    ];

    public const string Bacs = "bacs_debit_payments";

    /// <summary>What Stripe requests by itself for an account with the full Dashboard: cards and transfers. Bacs Direct
    /// Debit is not among them: the business turns it on in its own Dashboard (https://docs.stripe.com/payments/bacs-debit:
    /// "With direct charges on Standard accounts, the merchant enables BACS in their own Dashboard"; the sandbox's
    /// dashboard page does it).</summary>
    public static IReadOnlyList<string> Automatic(string country) => ["card_payments", "transfers"];

    /// <summary>The platform's own account: a UK platform that takes Bacs itself.</summary>
    public static IReadOnlyList<string> Platform(string country) =>
        country == "GB" ? [Bacs, "card_payments", "transfers"] : ["card_payments", "transfers"];

    /// <summary>Why a capability cannot be requested for an account in <paramref name="country"/>; null when it can.
    /// Bacs Direct Debit is for UK businesses only (https://docs.stripe.com/payments/bacs-debit).</summary>
    public static string? UnavailableIn(string name, string? country) =>
        name == Bacs && country != "GB"
            ? $"The `{Bacs}` capability is not available for accounts in {country ?? "an unknown country"}: Bacs Direct Debit is only available to businesses in the United Kingdom (GB)."
            : null;

    /// <summary>The status of a capability on an account: <c>active</c>, <c>inactive</c>, <c>pending</c> or
    /// <c>unrequested</c>.</summary>
    public static string Status(StoredObject account, string name) =>
        Requested(account.Meta).ContainsKey(name) ? account.Data["capabilities"]?[name]?.ToString() ?? "inactive" : "unrequested";

    public static bool IsPayment(string name) => name.EndsWith("_payments", StringComparison.Ordinal);

    /// <summary>Requested capabilities and when each was requested.</summary>
    public static IReadOnlyDictionary<string, long> Requested(JsonObject meta) =>
        meta["capabilities"] is JsonObject capabilities
            ? capabilities.ToDictionary(kv => kv.Key, kv => kv.Value?["requested_at"]?.GetValue<long>() ?? 0)
            : new Dictionary<string, long>();

    public static void Request(JsonObject meta, string name, long now)
    {
        if (meta["capabilities"] is not JsonObject capabilities)
        {
            capabilities = [];
            meta["capabilities"] = capabilities;
        }

        if (!capabilities.ContainsKey(name))
        {
            capabilities[name] = new JsonObject { ["requested_at"] = now };
        }
    }

    public static void Unrequest(JsonObject meta, string name) => (meta["capabilities"] as JsonObject)?.Remove(name);

    /// <summary>The <c>capability</c> object for one capability of an account, requested or not.</summary>
    public static JsonObject ToObject(StoredObject account, string name)
    {
        var requested = Requested(account.Meta);
        var isRequested = requested.TryGetValue(name, out var requestedAt);
        var status = isRequested ? account.Data["capabilities"]?[name]?.ToString() ?? "inactive" : "unrequested";
        var due = status == "active" ? []
            : name == Bacs ? [.. AccountRequirements.Due(account.Data).Union(AccountRequirements.BacsDue(account.Data, account.Meta)).Order(StringComparer.Ordinal)]
            : AccountRequirements.Due(account.Data);
        return new JsonObject
        {
            ["id"] = name,
            ["object"] = "capability",
            ["account"] = account.Id,
            ["future_requirements"] = AccountRequirements.Requirements([], [], null),
            ["requested"] = isRequested,
            ["requested_at"] = isRequested ? requestedAt : null,
            ["requirements"] = AccountRequirements.Requirements(due, isRequested ? due : [],
                isRequested && due.Count > 0 ? "requirements.past_due" : null),
            ["status"] = status,
        };
    }
}
