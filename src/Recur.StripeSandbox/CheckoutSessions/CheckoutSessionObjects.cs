using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.CheckoutSessions;

/// <summary>A Checkout Session to create, as <c>POST /v1/checkout/sessions</c> gives it.</summary>
public sealed record CheckoutSessionDraft
{
    /// <summary><c>setup</c> or <c>subscription</c> (the sandbox has no <c>payment</c> mode).</summary>
    public required string Mode { get; init; }

    public required IReadOnlyList<string> PaymentMethodTypes { get; init; }

    /// <summary>Whether the types were given as <c>allowed_payment_method_types</c> (endive) rather than
    /// <c>payment_method_types</c>.</summary>
    public bool TypesAllowedFilter { get; init; }

    public string? Currency { get; init; }

    public string? Customer { get; init; }

    public string? CustomerEmail { get; init; }

    public string? ClientReferenceId { get; init; }

    public required string SuccessUrl { get; init; }

    public string? CancelUrl { get; init; }

    public long? ExpiresAt { get; init; }

    public JsonObject Metadata { get; init; } = [];

    /// <summary>Subscription mode: the recurring prices and their quantities.</summary>
    public IReadOnlyList<(string Price, long Quantity)> LineItems { get; init; } = [];

    public long? TrialPeriodDays { get; init; }

    public decimal? ApplicationFeePercent { get; init; }

    public JsonObject SubscriptionMetadata { get; init; } = [];

    public string? SubscriptionDescription { get; init; }

    public JsonObject SetupIntentMetadata { get; init; } = [];

    public string? SetupIntentDescription { get; init; }
}

/// <summary>The <c>checkout.session</c> object, with every key of Stripe's fixture.</summary>
public static class CheckoutSessionObjects
{
    public const string Kind = "checkout.session";

    public static JsonObject Session(string id, CheckoutSessionDraft draft, string url, long now, long expiresAt,
        string? currency, long? amountSubtotal, long? amountTotal, string? setupIntent, bool livemode) => new()
    {
        ["id"] = id,
        ["object"] = "checkout.session",
        ["adaptive_pricing"] = new JsonObject { ["enabled"] = false },
        ["after_expiration"] = null,
        ["allow_promotion_codes"] = null,
        ["amount_subtotal"] = amountSubtotal,
        ["amount_total"] = amountTotal,
        ["automatic_tax"] = new JsonObject
        {
            ["enabled"] = false, ["liability"] = null, ["provider"] = null, ["status"] = null,
        },
        ["billing_address_collection"] = null,
        ["cancel_url"] = draft.CancelUrl,
        ["client_reference_id"] = draft.ClientReferenceId,
        ["client_secret"] = null,
        ["collected_information"] = null,
        ["consent"] = null,
        ["consent_collection"] = null,
        ["created"] = now,
        ["currency"] = currency,
        ["currency_conversion"] = null,
        ["custom_fields"] = new JsonArray(),
        ["custom_text"] = new JsonObject
        {
            ["after_submit"] = null, ["shipping_address"] = null, ["submit"] = null,
            ["terms_of_service_acceptance"] = null,
        },
        ["customer"] = draft.Customer,
        ["customer_creation"] = draft.Mode == "subscription" || draft.Customer is not null ? null : "if_required",
        ["customer_details"] = null,
        ["customer_email"] = draft.CustomerEmail,
        ["discounts"] = new JsonArray(),
        ["expires_at"] = expiresAt,
        ["invoice"] = null,
        ["invoice_creation"] = null,
        ["livemode"] = livemode,
        ["locale"] = null,
        ["metadata"] = draft.Metadata.DeepClone(),
        ["mode"] = draft.Mode,
        ["origin_context"] = null,
        ["payment_intent"] = null,
        ["payment_link"] = null,
        ["payment_method_collection"] = draft.Mode == "subscription" ? "always" : null,
        ["payment_method_configuration_details"] = null,
        ["payment_method_options"] = new JsonObject(),
        ["payment_method_types"] = new JsonArray(draft.PaymentMethodTypes.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
        ["payment_status"] = draft.Mode == "setup" ? "no_payment_required" : "unpaid",
        ["permissions"] = null,
        ["phone_number_collection"] = new JsonObject { ["enabled"] = false },
        ["recovered_from"] = null,
        ["saved_payment_method_options"] = null,
        ["setup_intent"] = setupIntent,
        ["shipping_address_collection"] = null,
        ["shipping_cost"] = null,
        ["shipping_options"] = new JsonArray(),
        ["status"] = "open",
        ["submit_type"] = null,
        ["subscription"] = null,
        ["success_url"] = draft.SuccessUrl,
        ["total_details"] = amountTotal is null
            ? null
            : new JsonObject { ["amount_discount"] = 0, ["amount_shipping"] = 0, ["amount_tax"] = 0 },
        ["ui_mode"] = "hosted_page",
        ["url"] = url,
        ["wallet_options"] = null,
    };

    /// <summary>What the customer entered on the hosted page, as <c>customer_details</c>.</summary>
    public static JsonObject CustomerDetails(string? email, string? name, JsonObject? address) => new()
    {
        ["address"] = address?.DeepClone(),
        ["business_name"] = null,
        ["email"] = email,
        ["individual_name"] = null,
        ["name"] = name,
        ["phone"] = null,
        ["tax_exempt"] = "none",
        ["tax_ids"] = new JsonArray(),
    };
}
