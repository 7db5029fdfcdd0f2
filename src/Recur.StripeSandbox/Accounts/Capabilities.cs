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

    /// <summary>What Stripe requests by itself for an account with the full Dashboard.</summary>
    public static IReadOnlyList<string> Automatic(string country) =>
        country == "GB" ? ["bacs_debit_payments", "card_payments", "transfers"] : ["card_payments", "transfers"];

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
        var due = status == "active" ? [] : AccountRequirements.Due(account.Data);
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
