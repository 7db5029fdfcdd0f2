using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Accounts;

/// <summary>
/// Builds account objects with every field of Stripe's <c>account</c>. What the account holder has provided lives in
/// the object itself (<c>business_profile</c>, <c>tos_acceptance</c>, <c>external_accounts</c>, ...); which
/// capabilities were requested, and when, lives in <see cref="StoredObject.Meta"/> under <c>capabilities</c>.
/// Everything that follows from those (requirements, capability statuses, <c>charges_enabled</c>, ...) is computed by
/// <see cref="AccountRequirements.Recompute"/>.
/// </summary>
public static class AccountObjects
{
    /// <summary>Countries the sandbox knows, with the currency a new account there defaults to.</summary>
    public static IReadOnlyDictionary<string, string> CountryCurrencies { get; } = new Dictionary<string, string>
    {
        ["AT"] = "eur", ["AU"] = "aud", ["BE"] = "eur", ["CA"] = "cad", ["CH"] = "chf", ["DE"] = "eur",
        ["DK"] = "dkk", ["ES"] = "eur", ["FI"] = "eur", ["FR"] = "eur", ["GB"] = "gbp", ["HK"] = "hkd",
        ["IE"] = "eur", ["IT"] = "eur", ["JP"] = "jpy", ["LU"] = "eur", ["NL"] = "eur", ["NO"] = "nok",
        ["NZ"] = "nzd", ["PL"] = "pln", ["PT"] = "eur", ["SE"] = "sek", ["SG"] = "sgd", ["US"] = "usd",
    };

    /// <summary>The country of a platform-created account when none is given (this sandbox's platforms are British).</summary>
    public const string DefaultCountry = "GB";

    /// <summary>
    /// A Standard account that belongs to no platform yet and is fully onboarded: the Stripe account an existing
    /// Stripe user signs in to on the OAuth page. It is not saved; the caller connects it with
    /// <see cref="AccountAccess.Connect"/> and saves it.
    /// </summary>
    public static StoredObject NewStandalone(string email, string? businessName, string country, bool livemode, long now)
    {
        var id = NewId();
        country = country.ToUpperInvariant();
        var currency = CountryCurrencies.GetValueOrDefault(country, "usd");
        var controller = new JsonObject { ["is_controller"] = false, ["type"] = "account" };
        var data = NewData(id, now, country, currency, controller, "standard");
        data["email"] = email;
        data["business_type"] = "company";
        var profile = data["business_profile"]!.AsObject();
        var name = string.IsNullOrWhiteSpace(businessName) ? email.Split('@')[0] : businessName;
        profile["name"] = name;
        profile["mcc"] = "5734";
        profile["product_description"] = "Subscriptions";
        profile["support_email"] = email;
        profile["support_phone"] = "+440000000000";
        profile["url"] = "https://" + Slug(name) + ".example";
        data["settings"]!["dashboard"]!["display_name"] = name;
        data["settings"]!["payments"]!["statement_descriptor"] = StatementDescriptor(name);
        data["tos_acceptance"] = new JsonObject { ["date"] = now, ["ip"] = "127.0.0.1", ["user_agent"] = null };
        data["details_submitted"] = true;
        BankAccounts.AddDefault(data, BankAccounts.TestAccount(id, country, currency, name, "company"));

        var meta = new JsonObject();
        foreach (var capability in Capabilities.Automatic(country))
        {
            Capabilities.Request(meta, capability, now);
        }

        return new StoredObject
        {
            Id = id, Kind = "account", Platform = "", Livemode = livemode, Created = now,
            Data = AccountRequirements.Recompute(data, meta), Meta = meta,
        };
    }

    public static string NewId() => Ids.New("acct", 16);

    /// <summary>An account's object before anything is known about the business.</summary>
    public static JsonObject NewData(string id, long now, string country, string currency, JsonObject controller, string type) =>
        new()
        {
            ["id"] = id,
            ["object"] = "account",
            ["business_profile"] = new JsonObject
            {
                ["annual_revenue"] = new JsonObject { ["amount"] = null, ["currency"] = null, ["fiscal_year_end"] = null },
                ["estimated_worker_count"] = null,
                ["mcc"] = null,
                ["minority_owned_business_designation"] = null,
                ["name"] = null,
                ["product_description"] = null,
                ["support_address"] = new JsonObject
                {
                    ["city"] = null, ["country"] = null, ["line1"] = null, ["line2"] = null, ["postal_code"] = null,
                    ["state"] = null,
                },
                ["support_email"] = null,
                ["support_phone"] = null,
                ["support_url"] = null,
                ["url"] = null,
            },
            ["business_type"] = null,
            ["capabilities"] = new JsonObject(),
            ["charges_enabled"] = false,
            ["controller"] = controller,
            ["country"] = country,
            ["created"] = now,
            ["default_currency"] = currency,
            ["details_submitted"] = false,
            ["email"] = null,
            ["external_accounts"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(),
                ["has_more"] = false,
                ["total_count"] = 0,
                ["url"] = $"/v1/accounts/{id}/external_accounts",
            },
            ["future_requirements"] = AccountRequirements.Requirements([], [], null),
            ["metadata"] = new JsonObject(),
            ["payouts_enabled"] = false,
            ["requirements"] = AccountRequirements.Requirements([], [], null),
            ["settings"] = NewSettings(country),
            ["tos_acceptance"] = new JsonObject { ["date"] = null, ["ip"] = null, ["user_agent"] = null },
            ["type"] = type,
        };

    /// <summary>What <c>DELETE /v1/accounts/{id}</c> answers.</summary>
    public static JsonObject Deleted(string id) => new() { ["id"] = id, ["object"] = "account", ["deleted"] = true };

    /// <summary>
    /// The account a platform's own key stands for (<c>GET /v1/account</c> without <c>Stripe-Account</c>): a fully
    /// onboarded British Standard account with an id derived from the platform's name. Not stored.
    /// </summary>
    public static JsonObject PlatformAccount(string platform, long created)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("platform|" + platform));
        var id = "acct_1" + Base62(hash)[..15];
        var data = NewData(id, created, DefaultCountry, "gbp",
            new JsonObject { ["is_controller"] = false, ["type"] = "account" }, "standard");
        data["business_type"] = "company";
        data["business_profile"]!["name"] = $"Platform {platform}";
        data["business_profile"]!["url"] = "https://platform.example";
        data["business_profile"]!["support_phone"] = "+440000000000";
        data["tos_acceptance"] = new JsonObject { ["date"] = created, ["ip"] = "127.0.0.1", ["user_agent"] = null };
        data["details_submitted"] = true;
        BankAccounts.AddDefault(data, BankAccounts.TestAccount(id, DefaultCountry, "gbp", $"Platform {platform}", "company"));
        var meta = new JsonObject();
        foreach (var capability in Capabilities.Platform(DefaultCountry))
        {
            Capabilities.Request(meta, capability, created);
        }

        return AccountRequirements.Recompute(data, meta);
    }

    /// <summary>What Stripe prints on card statements by default: the business name in capitals, at most 22 characters.</summary>
    public static string StatementDescriptor(string name)
    {
        var cleaned = new string(name.ToUpperInvariant().Where(c => c is not ('<' or '>' or '\\' or '\'' or '"' or '*')).ToArray()).Trim();
        return cleaned.Length > 22 ? cleaned[..22] : cleaned;
    }

    /// <summary>Reads a boolean field that may be missing.</summary>
    public static bool Flag(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;

    internal static string Base62(byte[] bytes)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return new string(bytes.Select(b => alphabet[b % 62]).ToArray());
    }

    private static JsonObject NewSettings(string country) => new()
    {
        ["bacs_debit_payments"] = new JsonObject { ["display_name"] = null, ["service_user_number"] = null },
        ["branding"] = new JsonObject
        {
            ["icon"] = null, ["logo"] = null, ["primary_color"] = null, ["secondary_color"] = null,
        },
        ["card_issuing"] = new JsonObject
        {
            ["tos_acceptance"] = new JsonObject { ["date"] = null, ["ip"] = null },
        },
        ["card_payments"] = new JsonObject
        {
            ["decline_on"] = new JsonObject { ["avs_failure"] = false, ["cvc_failure"] = false },
            ["statement_descriptor_prefix"] = null,
            ["statement_descriptor_prefix_kana"] = null,
            ["statement_descriptor_prefix_kanji"] = null,
        },
        ["dashboard"] = new JsonObject
        {
            ["display_name"] = null, ["timezone"] = country == "GB" ? "Europe/London" : "Etc/UTC",
        },
        ["invoices"] = new JsonObject { ["default_account_tax_ids"] = null, ["hosted_payment_method_save"] = "always" },
        ["payments"] = new JsonObject
        {
            ["statement_descriptor"] = null,
            ["statement_descriptor_kana"] = null,
            ["statement_descriptor_kanji"] = null,
            ["statement_descriptor_prefix_kana"] = null,
            ["statement_descriptor_prefix_kanji"] = null,
        },
        ["payouts"] = new JsonObject
        {
            ["debit_negative_balances"] = true,
            ["schedule"] = new JsonObject { ["delay_days"] = country == "GB" ? 3 : 2, ["interval"] = "daily" },
            ["statement_descriptor"] = null,
        },
        ["sepa_debit_payments"] = new JsonObject(),
    };

    private static string Slug(string name)
    {
        var slug = new string(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return slug.Length == 0 ? "business" : slug;
    }
}
