using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Accounts;

/// <summary>
/// The parameters of <c>POST /v1/accounts</c> and <c>POST /v1/accounts/{id}</c>: checked with Stripe's rules and
/// errors, then written onto the account.
/// </summary>
internal static class AccountInput
{
    public static readonly string[] CreateParameters =
    [
        "business_profile", "business_type", "capabilities", "controller", "country", "default_currency", "email",
        "external_account", "metadata", "settings", "tos_acceptance", "type",
    ];

    public static readonly string[] UpdateParameters =
    [
        "business_profile", "business_type", "capabilities", "default_currency", "email", "external_account",
        "metadata", "settings", "tos_acceptance",
    ];

    /// <summary>The controller properties of an account, as asked for (or implied by a legacy <c>type</c>).</summary>
    public sealed record Controller(string Dashboard, string FeesPayer, string LossesPayments, string RequirementCollection, string? LegacyType)
    {
        /// <summary>The <c>type</c> Stripe reports: the legacy type, or the one these properties amount to.</summary>
        public string Type => LegacyType ?? Dashboard switch
        {
            "full" => "standard",
            "express" => "express",
            _ when FeesPayer == "application" && LossesPayments == "application" && RequirementCollection == "application" => "custom",
            _ => "none",
        };

        public JsonObject ToJson() => new()
        {
            ["fees"] = new JsonObject { ["payer"] = FeesPayer },
            ["is_controller"] = true,
            ["losses"] = new JsonObject { ["payments"] = LossesPayments },
            ["requirement_collection"] = RequirementCollection,
            ["stripe_dashboard"] = new JsonObject { ["type"] = Dashboard },
            ["type"] = "application",
        };
    }

    /// <summary>
    /// <c>controller[...]</c> or the legacy <c>type</c>, with Stripe's rules (§2.2 of the reference): the defaults are
    /// the full Dashboard, fees paid by the account, losses borne by Stripe and requirements collected by Stripe;
    /// losses borne by the platform need the platform to pay the fees; requirements collected by the platform need
    /// the platform to bear losses and no Stripe Dashboard; the full Dashboard needs all the defaults.
    /// </summary>
    public static IResult? ParseController(StripeParams p, out Controller controller)
    {
        controller = new Controller("full", "account", "stripe", "stripe", null);
        var type = p.String("type");
        if (type is not null)
        {
            if (p.Node("controller") is not null)
            {
                return StripeErrors.InvalidRequest(
                    "You cannot specify both `type` and `controller`. `type` is deprecated: use `controller` alone.", "controller");
            }

            controller = type switch
            {
                "standard" => new Controller("full", "account", "stripe", "stripe", "standard"),
                "express" => new Controller("express", "application_express", "application", "stripe", "express"),
                "custom" => new Controller("none", "application_custom", "application", "application", "custom"),
                _ => controller,
            };
            return controller.LegacyType is null ? EnumError("type", "custom", "express", "standard") : null;
        }

        if (p.Node("controller") is null)
        {
            return null;
        }

        var unknown = p.Unknown("controller", "fees", "losses", "requirement_collection", "stripe_dashboard")
            ?? p.Unknown("controller.fees", "payer") ?? p.Unknown("controller.losses", "payments")
            ?? p.Unknown("controller.stripe_dashboard", "type");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var dashboard = p.String("controller.stripe_dashboard.type") ?? "full";
        var fees = p.String("controller.fees.payer") ?? "account";
        var losses = p.String("controller.losses.payments") ?? "stripe";
        var collection = p.String("controller.requirement_collection") ?? "stripe";
        var error = OneOf("controller[stripe_dashboard][type]", dashboard, "express", "full", "none")
            ?? OneOf("controller[fees][payer]", fees, "account", "application")
            ?? OneOf("controller[losses][payments]", losses, "application", "stripe")
            ?? OneOf("controller[requirement_collection]", collection, "application", "stripe");
        if (error is not null)
        {
            return error;
        }

        if (losses == "application" && fees != "application")
        {
            return StripeErrors.InvalidRequest(
                "`controller[losses][payments]=application` requires `controller[fees][payer]=application`: a platform that is liable for negative balances must also pay Stripe's fees.",
                "controller[losses][payments]");
        }

        if (collection == "application" && (losses != "application" || dashboard != "none"))
        {
            return StripeErrors.InvalidRequest(
                "`controller[requirement_collection]=application` requires `controller[losses][payments]=application` and `controller[stripe_dashboard][type]=none`.",
                "controller[requirement_collection]");
        }

        if (dashboard == "full" && (fees != "account" || losses != "stripe" || collection != "stripe"))
        {
            return StripeErrors.InvalidRequest(
                "Accounts with access to the full Stripe Dashboard (`controller[stripe_dashboard][type]=full`) must have `controller[fees][payer]=account`, `controller[losses][payments]=stripe` and `controller[requirement_collection]=stripe`.",
                "controller[stripe_dashboard][type]");
        }

        controller = new Controller(dashboard, fees, losses, collection, null);
        return null;
    }

    /// <summary>
    /// Writes the fields that create and update share onto <paramref name="account"/> (a working copy), with the
    /// permissions Stripe applies to the platform: a platform that does not control the account may change only
    /// its metadata; capabilities cannot be requested for full-Dashboard accounts; the Terms of Service can be
    /// accepted for the holder only where the platform collects requirements.
    /// </summary>
    public static IResult? ApplyShared(StripeParams p, StoredObject account, long now)
    {
        var data = account.Data;
        var controller = data["controller"]!;
        var controlled = controller["type"]?.ToString() == "application";
        var dashboard = controller["stripe_dashboard"]?["type"]?.ToString() ?? "full";
        var platformCollects = controller["requirement_collection"]?.ToString() == "application";

        if (!controlled)
        {
            var other = p.Root.Select(kv => kv.Key).FirstOrDefault(k => k is not ("metadata" or "expand"));
            if (other is not null)
            {
                return StripeErrors.InvalidRequest(
                    $"This application does not control account '{account.Id}', so it can only update `metadata`, not `{other}`.",
                    other);
            }
        }

        var error = p.MetadataError();
        if (error is not null)
        {
            return error;
        }

        if (p.Has("metadata"))
        {
            data["metadata"] = p.MergeMetadata(data["metadata"] as JsonObject);
        }

        if (p.String("email") is { } email)
        {
            if (email != "" && (!email.Contains('@') || email.Contains(' ') || email.StartsWith('@') || email.EndsWith('@')))
            {
                return StripeErrors.InvalidRequest($"Invalid email address: {email}", "email", "email_invalid");
            }

            data["email"] = email == "" ? null : email;
        }

        if (p.String("business_type") is { } businessType)
        {
            error = OneOf("business_type", businessType, "company", "government_entity", "individual", "non_profit");
            if (error is not null)
            {
                return error;
            }

            data["business_type"] = businessType;
        }

        if (p.String("default_currency") is { } currency)
        {
            var country = data["country"]!.ToString();
            var allowed = new[] { AccountObjects.CountryCurrencies.GetValueOrDefault(country, "usd"), "eur", "gbp", "usd" };
            if (!allowed.Contains(currency))
            {
                return StripeErrors.InvalidRequest(
                    $"Invalid default_currency: `{currency}` is not a currency an account in {country} can settle in ({string.Join(", ", allowed.Distinct())}).",
                    "default_currency");
            }

            data["default_currency"] = currency;
        }

        error = ApplyBusinessProfile(p, data) ?? ApplySettings(p, data);
        if (error is not null)
        {
            return error;
        }

        if (p.Node("capabilities") is not null)
        {
            error = ApplyCapabilities(p, account, dashboard, now);
            if (error is not null)
            {
                return error;
            }
        }

        if (p.Node("tos_acceptance") is not null)
        {
            if (!platformCollects)
            {
                return StripeErrors.InvalidRequest(
                    "You cannot accept the Terms of Service on behalf of an account where Stripe collects requirements (`controller[requirement_collection]=stripe`, which includes Standard and Express accounts). The account holder accepts them during onboarding.",
                    "tos_acceptance");
            }

            var unknown = p.Unknown("tos_acceptance", "date", "ip", "service_agreement", "user_agent");
            if (unknown is not null)
            {
                return StripeErrors.UnknownParameter(unknown);
            }

            if (!p.TryLong("tos_acceptance.date", out var date))
            {
                return StripeErrors.InvalidRequest("Invalid integer: tos_acceptance[date]", "tos_acceptance[date]", "parameter_invalid_integer");
            }

            var tos = data["tos_acceptance"]!.AsObject();
            if (date is not null)
            {
                tos["date"] = date;
            }

            foreach (var field in new[] { "ip", "user_agent" })
            {
                if (p.String($"tos_acceptance.{field}") is { } value)
                {
                    tos[field] = value == "" ? null : value;
                }
            }
        }

        if (p.Node("external_account") is not null)
        {
            if (dashboard == "full")
            {
                return StripeErrors.InvalidRequest(
                    "You cannot manage the external accounts of an account with access to the full Stripe Dashboard; the account holder manages them.",
                    "external_account");
            }

            error = AddExternalAccount(p, "external_account", account, out _);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>
    /// An external account given as a hash (<c>external_account[object]=bank_account</c>, <c>country</c>,
    /// <c>currency</c>, <c>routing_number</c>, <c>account_number</c>, ...), added as the default for its currency.
    /// </summary>
    /// <param name="asDefault">
    /// True for <c>external_account</c> on the account itself, which replaces the default for the currency; false for
    /// <c>POST /v1/accounts/{id}/external_accounts</c>, where the new one is the default only when it is the first in
    /// its currency or <c>default_for_currency=true</c> is sent.
    /// </param>
    public static IResult? AddExternalAccount(StripeParams p, string name, StoredObject account, out string? bankId, bool asDefault = true)
    {
        bankId = null;
        if (p.Node(name) is JsonValue token)
        {
            return StripeErrors.InvalidRequest(
                $"No such token: '{token}'. The sandbox takes external accounts as a hash (`{name}[object]=bank_account`).",
                name, "resource_missing");
        }

        var unknown = p.Unknown(name, "account_holder_name", "account_holder_type", "account_number", "country",
            "currency", "default_for_currency", "metadata", "object", "routing_number");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (p.String($"{name}.object") != "bank_account")
        {
            return StripeErrors.InvalidRequest(
                $"Invalid {name}[object]: the sandbox takes `bank_account` external accounts.", $"{name}[object]");
        }

        var country = (p.String($"{name}.country") ?? account.Data["country"]!.ToString()).ToUpperInvariant();
        var currency = (p.String($"{name}.currency") ?? AccountObjects.CountryCurrencies.GetValueOrDefault(country, "usd")).ToLowerInvariant();
        if (p.String($"{name}.account_number") is null)
        {
            return StripeErrors.MissingParameter($"{name}[account_number]");
        }

        var holderType = p.String($"{name}.account_holder_type");
        if (holderType is not null && holderType is not ("company" or "individual"))
        {
            return EnumError($"{name}[account_holder_type]", "company", "individual");
        }

        var problem = BankAccounts.Validate(country, p.String($"{name}.routing_number"), p.String($"{name}.account_number"),
            account.Livemode, out var routing, out var number);
        if (problem is not null)
        {
            return StripeErrors.InvalidRequest(problem, $"{name}[account_number]", "account_number_invalid");
        }

        var bank = BankAccounts.Create(account.Id, country, currency, routing, number,
            p.String($"{name}.account_holder_name") ?? account.Data["business_profile"]?["name"]?.ToString(),
            holderType ?? (account.Data["business_type"]?.ToString() == "individual" ? "individual" : "company"),
            account.Livemode);
        if (p.Object($"{name}.metadata") is { } metadata)
        {
            bank["metadata"] = metadata.DeepClone();
        }

        var banks = account.Data["external_accounts"]!["data"]!.AsArray();
        var sameCurrency = banks.OfType<JsonObject>().Where(b => b["currency"]?.ToString() == currency).ToList();
        if (asDefault || sameCurrency.Count == 0 || p.String("default_for_currency") == "true")
        {
            bank = BankAccounts.AddDefault(account.Data, bank);
        }
        else if (sameCurrency.Any(b => b["fingerprint"]?.ToString() == bank["fingerprint"]?.ToString()))
        {
            return StripeErrors.InvalidRequest(
                "A bank account with that routing number and account number already exists for this currency.",
                $"{name}[account_number]", "bank_account_exists");
        }
        else
        {
            banks.Insert(0, bank);
            account.Data["external_accounts"]!["total_count"] = banks.Count;
        }

        bankId = bank["id"]!.ToString();
        return null;
    }

    public static IResult EnumError(string param, params string[] values) =>
        StripeErrors.InvalidRequest(
            $"Invalid {param}: must be one of {string.Join(", ", values[..^1])}{(values.Length > 2 ? "," : "")} or {values[^1]}",
            param, "parameter_invalid_empty");

    public static bool LooksLikeUrl(string text)
    {
        var candidate = text.Contains("://", StringComparison.Ordinal) ? text : "https://" + text;
        return Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && uri.Host.Contains('.') && !text.Any(char.IsWhiteSpace);
    }

    private static IResult? ApplyCapabilities(StripeParams p, StoredObject account, string dashboard, long now)
    {
        if (dashboard == "full")
        {
            return StripeErrors.InvalidRequest(
                "Capabilities cannot be requested for accounts with access to the full Stripe Dashboard: Stripe requests them automatically.",
                "capabilities");
        }

        if (p.Object("capabilities") is not { } capabilities)
        {
            return StripeErrors.InvalidRequest("Invalid capabilities: must be a hash.", "capabilities");
        }

        foreach (var (name, _) in capabilities)
        {
            if (!Capabilities.Known.Contains(name))
            {
                return StripeErrors.UnknownParameter($"capabilities[{name}]");
            }

            var unknown = p.Unknown($"capabilities.{name}", "requested");
            if (unknown is not null)
            {
                return StripeErrors.UnknownParameter(unknown);
            }

            if (!p.TryBool($"capabilities.{name}.requested", out var requested))
            {
                return StripeErrors.InvalidRequest(
                    $"Invalid boolean: capabilities[{name}][requested]", $"capabilities[{name}][requested]", "parameter_invalid_boolean");
            }

            var error = SetRequested(account, name, requested ?? false, now);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>Requests a capability, or removes one that has not become active.</summary>
    public static IResult? SetRequested(StoredObject account, string name, bool requested, long now)
    {
        if (requested)
        {
            if (Capabilities.UnavailableIn(name, account.Data["country"]?.ToString()) is { } unavailable)
            {
                return StripeErrors.InvalidRequest(unavailable, $"capabilities[{name}][requested]");
            }

            Capabilities.Request(account.Meta, name, now);
            return null;
        }

        if (account.Data["capabilities"]?[name]?.ToString() == "active")
        {
            return StripeErrors.InvalidRequest(
                $"The `{name}` capability is active and cannot be removed.", $"capabilities[{name}][requested]");
        }

        Capabilities.Unrequest(account.Meta, name);
        return null;
    }

    private static IResult? ApplyBusinessProfile(StripeParams p, JsonObject data)
    {
        if (p.Node("business_profile") is null)
        {
            return null;
        }

        var unknown = p.Unknown("business_profile", "annual_revenue", "estimated_worker_count", "mcc",
                "minority_owned_business_designation", "name", "product_description", "support_address",
                "support_email", "support_phone", "support_url", "url")
            ?? p.Unknown("business_profile.annual_revenue", "amount", "currency", "fiscal_year_end")
            ?? p.Unknown("business_profile.support_address", "city", "country", "line1", "line2", "postal_code", "state");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var profile = data["business_profile"]!.AsObject();
        foreach (var field in new[] { "name", "product_description", "support_phone" })
        {
            if (p.String($"business_profile.{field}") is { } value)
            {
                profile[field] = Blank(value);
            }
        }

        foreach (var field in new[] { "url", "support_url" })
        {
            if (p.String($"business_profile.{field}") is { } value)
            {
                if (value != "" && !LooksLikeUrl(value))
                {
                    return StripeErrors.InvalidRequest("Not a valid URL", $"business_profile[{field}]", "url_invalid");
                }

                profile[field] = Blank(value);
            }
        }

        if (p.String("business_profile.support_email") is { } supportEmail)
        {
            if (supportEmail != "" && !supportEmail.Contains('@'))
            {
                return StripeErrors.InvalidRequest($"Invalid email address: {supportEmail}", "business_profile[support_email]", "email_invalid");
            }

            profile["support_email"] = Blank(supportEmail);
        }

        if (p.String("business_profile.mcc") is { } mcc)
        {
            if (mcc != "" && (mcc.Length != 4 || !mcc.All(char.IsAsciiDigit)))
            {
                return StripeErrors.InvalidRequest(
                    $"Invalid business_profile[mcc]: '{mcc}' is not a 4-digit merchant category code.", "business_profile[mcc]");
            }

            profile["mcc"] = Blank(mcc);
        }

        if (p.Has("business_profile.estimated_worker_count"))
        {
            if (!p.TryLong("business_profile.estimated_worker_count", out var count) || count < 0)
            {
                return StripeErrors.InvalidRequest("Invalid integer: business_profile[estimated_worker_count]",
                    "business_profile[estimated_worker_count]", "parameter_invalid_integer");
            }

            profile["estimated_worker_count"] = count;
        }

        if (p.Has("business_profile.minority_owned_business_designation"))
        {
            profile["minority_owned_business_designation"] = new JsonArray(
                p.Strings("business_profile.minority_owned_business_designation").Where(s => s != "").Select(s => (JsonNode)s).ToArray());
        }

        if (p.Object("business_profile.support_address") is { } address)
        {
            var target = profile["support_address"]!.AsObject();
            foreach (var (key, value) in address)
            {
                target[key] = Blank(value?.ToString() ?? "");
            }
        }

        if (p.Object("business_profile.annual_revenue") is not null)
        {
            var revenue = profile["annual_revenue"]!.AsObject();
            if (!p.TryLong("business_profile.annual_revenue.amount", out var amount))
            {
                return StripeErrors.InvalidRequest("Invalid integer: business_profile[annual_revenue][amount]",
                    "business_profile[annual_revenue][amount]", "parameter_invalid_integer");
            }

            revenue["amount"] = amount ?? revenue["amount"]?.GetValue<long>();
            revenue["currency"] = p.String("business_profile.annual_revenue.currency") ?? revenue["currency"]?.ToString();
            revenue["fiscal_year_end"] = p.String("business_profile.annual_revenue.fiscal_year_end") ?? revenue["fiscal_year_end"]?.ToString();
        }

        return null;
    }

    /// <summary>
    /// <c>settings[...]</c>: any leaf that the account's <c>settings</c> already has may be set (booleans and numbers
    /// are parsed as such; an empty string clears); anything else is an unknown parameter.
    /// </summary>
    private static IResult? ApplySettings(StripeParams p, JsonObject data)
    {
        if (p.Node("settings") is not JsonObject settings)
        {
            return null;
        }

        return MergeLeaves(settings, data["settings"]!.AsObject(), "settings");
    }

    private static IResult? MergeLeaves(JsonObject source, JsonObject target, string name)
    {
        foreach (var (key, value) in source)
        {
            var param = $"{name}[{key}]";
            if (!target.ContainsKey(key))
            {
                return StripeErrors.UnknownParameter(param);
            }

            var existing = target[key];
            if (value is JsonObject child)
            {
                if (existing is not JsonObject nested)
                {
                    return StripeErrors.UnknownParameter(param);
                }

                var error = MergeLeaves(child, nested, param);
                if (error is not null)
                {
                    return error;
                }

                continue;
            }

            var text = value?.ToString() ?? "";
            if (existing?.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                if (text is not ("true" or "false"))
                {
                    return StripeErrors.InvalidRequest($"Invalid boolean: {param}", param, "parameter_invalid_boolean");
                }

                target[key] = text == "true";
            }
            else if (existing?.GetValueKind() == JsonValueKind.Number)
            {
                if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
                {
                    return StripeErrors.InvalidRequest($"Invalid integer: {param}", param, "parameter_invalid_integer");
                }

                target[key] = number;
            }
            else
            {
                target[key] = Blank(text);
            }
        }

        return null;
    }

    private static IResult? OneOf(string param, string value, params string[] allowed) =>
        allowed.Contains(value) ? null : EnumError(param, allowed);

    private static string? Blank(string value) => value == "" ? null : value;
}
