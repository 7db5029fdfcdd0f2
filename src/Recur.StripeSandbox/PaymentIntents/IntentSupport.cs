using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.PaymentMethods;
using Recur.StripeSandbox.Prices;

namespace Recur.StripeSandbox.PaymentIntents;

/// <summary>What PaymentIntents and SetupIntents share: payment method types, client secrets, the PaymentMethod a
/// confirmation uses, 3-D Secure challenges and the shape of <c>last_payment_error</c> / <c>last_setup_error</c>.</summary>
public static class IntentSupport
{
    public const string ChallengeKind = "three_d_secure_challenge";

    /// <summary>The types the sandbox can take payments with.</summary>
    public static readonly string[] SupportedTypes = ["card", "bacs_debit"];

    /// <summary>BACS Direct Debit's limit per payment: £100,000.</summary>
    public const long BacsMaximumAmount = 10_000_000;

    /// <summary>Other payment method types Stripe knows, refused here as not activated.</summary>
    private static readonly string[] OtherStripeTypes =
    [
        "acss_debit", "affirm", "afterpay_clearpay", "alipay", "alma", "amazon_pay", "au_becs_debit", "bancontact",
        "billie", "blik", "boleto", "cashapp", "crypto", "customer_balance", "eps", "fpx", "giropay", "grabpay", "ideal",
        "kakao_pay", "klarna", "konbini", "kr_card", "link", "mobilepay", "multibanco", "naver_pay", "nz_bank_account",
        "oxxo", "p24", "pay_by_bank", "payco", "paynow", "paypal", "pix", "promptpay", "revolut_pay", "samsung_pay",
        "satispay", "sepa_debit", "sofort", "swish", "twint", "us_bank_account", "wechat_pay", "zip",
    ];

    /// <summary><c>{id}_secret_{random}</c>, as Stripe's client secrets look.</summary>
    public static string ClientSecret(string id) => $"{id}_secret_{Ids.New("x", 25)[2..]}";

    /// <summary>
    /// The <c>payment_method_types</c> of an intent: those of <paramref name="allowed"/> (all the sandbox supports when
    /// null) that are not excluded and fit the payment — BACS only in GBP and up to £100,000. For a SetupIntent
    /// (<paramref name="currency"/> null) only the exclusions apply.
    /// </summary>
    public static IResult? PaymentMethodTypes(IReadOnlyList<string>? allowed, IReadOnlyList<string> excluded, long amount,
        string? currency, out JsonArray types)
    {
        types = [];
        foreach (var type in (allowed ?? []).Concat(excluded))
        {
            if (!SupportedTypes.Contains(type))
            {
                var param = allowed?.Contains(type) == true ? "allowed_payment_method_types" : "excluded_payment_method_types";
                return StripeErrors.InvalidRequest(OtherStripeTypes.Contains(type)
                        ? $"The payment method type provided: {type} is invalid. Please ensure the provided type is activated in your dashboard (https://dashboard.stripe.com/account/payments/settings). The Stripe sandbox supports card and bacs_debit."
                        : $"Invalid {param}[]: {type} is not a payment method type.",
                    param, "payment_intent_invalid_parameter");
            }
        }

        var candidates = (allowed ?? SupportedTypes).Distinct().Where(t => !excluded.Contains(t)).ToList();
        var usable = candidates.Where(t => t != "bacs_debit" || currency is null
            || (currency == "gbp" && amount <= BacsMaximumAmount)).ToList();
        if (usable.Count == 0)
        {
            if (candidates.Count == 1 && candidates[0] == "bacs_debit" && currency is not null)
            {
                return currency != "gbp"
                    ? StripeErrors.InvalidRequest(
                        $"The currency provided ({currency}) is invalid for one or more payment method types on this PaymentIntent. Payment method type bacs_debit only supports gbp.",
                        "currency", "payment_intent_invalid_parameter")
                    : StripeErrors.InvalidRequest(
                        $"Amount must be no more than {Currencies.Format(BacsMaximumAmount, "gbp")} for bacs_debit payments.",
                        "amount", "amount_too_large");
            }

            return StripeErrors.InvalidRequest(
                "None of the payment method types given can be used for this payment: check allowed_payment_method_types and excluded_payment_method_types.",
                "allowed_payment_method_types", "payment_intent_invalid_parameter");
        }

        types = new JsonArray(usable.Select(t => (JsonNode)JsonValue.Create(t)).ToArray());
        return null;
    }

    /// <summary><c>payment_method_options</c> for the types in use, with Stripe's defaults.</summary>
    public static JsonObject PaymentMethodOptions(JsonArray types)
    {
        var options = new JsonObject();
        foreach (var type in types.Select(t => t!.ToString()))
        {
            options[type] = type == "card"
                ? new JsonObject
                {
                    ["installments"] = null,
                    ["mandate_options"] = null,
                    ["network"] = null,
                    ["request_three_d_secure"] = "automatic",
                }
                : new JsonObject { ["mandate_options"] = new JsonObject() };
        }

        return options;
    }

    /// <summary>
    /// <c>payment_method_types[]</c> on creating or updating a PaymentIntent or SetupIntent: the types the intent may be
    /// confirmed with (https://docs.stripe.com/api/payment_intents/create#create_payment_intent-payment_method_types,
    /// https://docs.stripe.com/api/setup_intents/create#create_setup_intent-payment_method_types). Requests made with an
    /// API version before endive (or with none: the account's default) may send it; endive replaced it with
    /// <c>allowed_payment_method_types</c> (Stripe.net 53's create options carry only that), so with an endive
    /// <c>Stripe-Version</c> it stays an unknown parameter. Read as <c>allowed_payment_method_types</c> and validated the
    /// same way; sending both, or it with <c>automatic_payment_methods[enabled]=true</c>, is refused.
    /// </summary>
    public static IResult? AcceptPaymentMethodTypes(StripeParams parameters, string? apiVersion)
    {
        if (!parameters.Has("payment_method_types") || apiVersion?.EndsWith(".endive", StringComparison.Ordinal) == true)
        {
            return null;
        }

        if (parameters.Has("allowed_payment_method_types"))
        {
            return StripeErrors.InvalidRequest(
                "You may only specify one of these parameters: allowed_payment_method_types, payment_method_types.",
                "payment_method_types");
        }

        if (parameters.String("automatic_payment_methods.enabled") == "true")
        {
            return StripeErrors.InvalidRequest(
                "You may only specify one of these parameters: automatic_payment_methods, payment_method_types.",
                "automatic_payment_methods");
        }

        if (parameters.Node("payment_method_types") is JsonValue)
        {
            return StripeErrors.InvalidRequest("Invalid array", "payment_method_types");
        }

        parameters.Root["allowed_payment_method_types"] = parameters.Root["payment_method_types"]!.DeepClone();
        parameters.Root.Remove("payment_method_types");
        return null;
    }

    /// <summary>A list parameter as strings, or null when it was not sent.</summary>
    public static IReadOnlyList<string>? List(StripeParams parameters, string name) =>
        parameters.Has(name) ? parameters.Strings(name).Where(s => s != "").ToList() : null;

    /// <summary>
    /// With a publishable key (Stripe.js) an intent is reached through its client secret: the call must carry
    /// <c>client_secret</c>, and it must be this intent's.
    /// </summary>
    public static IResult? CheckClientSecret(StripeRequest request, StoredObject intent, string objectName)
    {
        if (request.Caller.Key.IsSecret)
        {
            return null;
        }

        var given = request.Params.String("client_secret");
        if (string.IsNullOrEmpty(given))
        {
            return StripeErrors.InvalidRequest(
                $"A publishable key can only reach a {objectName} with its client_secret: send client_secret, or use a secret key.",
                "client_secret", "parameter_missing");
        }

        return given == intent.Data["client_secret"]?.ToString()
            ? null
            : StripeErrors.InvalidRequest(
                $"The client_secret provided does not match the client_secret associated with the {objectName}.",
                "client_secret", "payment_intent_invalid_parameter");
    }

    /// <summary>
    /// Under the gate: the PaymentMethod a confirmation uses (the one given, or the intent's own), checked against the
    /// intent: one of its <c>payment_method_types</c>, and the intent's customer's (or nobody's).
    /// </summary>
    public static IResult? PaymentMethodFor(SandboxStore store, ApiCaller caller, JsonObject intent, string? given, long now,
        string objectName, out StoredObject? paymentMethod)
    {
        paymentMethod = null;
        var id = given ?? intent["payment_method"]?.ToString();
        if (id is null)
        {
            var customer = intent["customer"]?.ToString();
            return StripeErrors.InvalidRequest(
                $"You cannot confirm this {objectName} because it's missing a payment method. "
                + (customer is null
                    ? $"Update the {objectName} with a payment method and then confirm it again."
                    : $"To confirm the {objectName} with {customer}, specify a payment method attached to this customer along with the customer ID."),
                null, objectName == "PaymentIntent" ? "payment_intent_unexpected_state" : "setup_intent_unexpected_state");
        }

        var error = PaymentMethodAttachments.Resolve(store, caller, id, now, "payment_method", out paymentMethod);
        if (error is not null)
        {
            return error;
        }

        var type = paymentMethod!.Data["type"]!.ToString();
        var types = intent["payment_method_types"] as JsonArray ?? [];
        if (!types.Any(t => t?.ToString() == type))
        {
            return StripeErrors.InvalidRequest(
                $"The PaymentMethod provided ({type}) is not allowed for this {objectName}. Please attach a PaymentMethod of one of the following types: {string.Join(", ", types.Select(t => t!.ToString()))}.",
                "payment_method", "payment_intent_incompatible_payment_method");
        }

        var owner = PaymentMethodAttachments.CustomerOf(paymentMethod);
        var customerId = intent["customer"]?.ToString();
        if (owner is not null && owner != customerId)
        {
            return StripeErrors.InvalidRequest(customerId is null
                    ? $"The PaymentMethod {paymentMethod.Id} belongs to a Customer {owner}. Please include the Customer in the `customer` parameter on the {objectName}."
                    : $"The provided PaymentMethod belongs to a different Customer than the {objectName}.",
                "payment_method", "payment_method_invalid_parameter");
        }

        return null;
    }

    /// <summary>
    /// Under the gate: a 3-D Secure challenge for an intent, and the <c>next_action</c> that sends the customer to it
    /// (<c>redirect_to_url</c> to <c>{base}/3ds/{token}</c>).
    /// </summary>
    public static JsonObject CreateChallenge(SandboxStore store, StoredObject intent, string? returnUrl, string baseUrl, long now)
    {
        DropChallenge(store, intent);
        var token = Ids.Secret("tds");
        store.Save(intent.NewInSameScope(ChallengeKind, token, now, [],
            meta: new JsonObject { ["intent"] = intent.Id, ["intent_kind"] = intent.Kind, ["return_url"] = returnUrl }));
        var meta = intent.Meta.DeepClone().AsObject();
        meta["challenge"] = token;
        intent.Meta = meta;
        return new JsonObject
        {
            ["redirect_to_url"] = new JsonObject { ["return_url"] = returnUrl, ["url"] = $"{baseUrl}/3ds/{token}" },
            ["type"] = "redirect_to_url",
        };
    }

    /// <summary>Under the gate: forgets an intent's open challenge, if any (the intent moved on).</summary>
    public static void DropChallenge(SandboxStore store, StoredObject intent)
    {
        if (intent.Meta["challenge"]?.ToString() is { } token)
        {
            store.Delete(token);
            var meta = intent.Meta.DeepClone().AsObject();
            meta.Remove("challenge");
            intent.Meta = meta;
        }
    }

    /// <summary>A <c>last_payment_error</c> / <c>last_setup_error</c>: Stripe's error hash with the PaymentMethod.</summary>
    public static JsonObject Error(string type, string? code, string? declineCode, string message, StoredObject? paymentMethod,
        string? chargeId)
    {
        var error = new JsonObject();
        if (chargeId is not null)
        {
            error["charge"] = chargeId;
        }

        if (code is not null)
        {
            error["code"] = code;
        }

        if (declineCode is not null)
        {
            error["decline_code"] = declineCode;
        }

        if (code is not null)
        {
            error["doc_url"] = $"https://stripe.com/docs/error-codes/{code.Replace('_', '-')}";
        }

        error["message"] = message;
        if (paymentMethod is not null)
        {
            error["payment_method"] = paymentMethod.Data.DeepClone();
        }

        error["type"] = type;
        return error;
    }

    /// <summary>The response to a failed confirmation: the error, with the intent as it now is.</summary>
    public static IResult ErrorResponse(int status, JsonObject lastError, string intentField, JsonObject intent)
    {
        var extra = new JsonObject();
        foreach (var (key, value) in lastError)
        {
            if (key is not ("message" or "type" or "code" or "doc_url"))
            {
                extra[key] = value?.DeepClone();
            }
        }

        extra[intentField] = intent.DeepClone();
        return StripeErrors.Create(status, lastError["type"]!.ToString(), lastError["message"]!.ToString(),
            lastError["code"]?.ToString(), extra: extra);
    }

    /// <summary>Who acts for an object the sandbox itself works on (scheduled work, invoices): its own scope.</summary>
    public static ApiCaller ScopeOf(StoredObject stored) =>
        new(new ApiKey(stored.Platform, stored.Livemode, IsSecret: true), stored.Account);

    public static long Number(JsonNode? node) => JsonNumber.Read(node);
}
