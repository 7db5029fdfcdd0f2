using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Subscriptions;

/// <summary>
/// The JSON of subscriptions and subscription items with every field of Stripe's objects for API
/// 2026-10-28.endive: billing periods are on the items (<c>current_period_start</c>/<c>end</c>), not the subscription.
/// </summary>
public static class SubscriptionObjects
{
    public const string Kind = "subscription";

    public static JsonObject Subscription(string id, StoredObject customer, string currency, JsonArray items, long now,
        long billingCycleAnchor, string collectionMethod, long? daysUntilDue, string? defaultPaymentMethod,
        string? description, JsonObject metadata, JsonArray? paymentMethodTypes, string? saveDefaultPaymentMethod,
        long? trialStart, long? trialEnd, long? cancelAt, bool cancelAtPeriodEnd, bool livemode) => new()
        {
            ["id"] = id,
            ["object"] = "subscription",
            ["application"] = null,
            ["application_fee_percent"] = null,
            ["automatic_tax"] = new JsonObject { ["disabled_reason"] = null, ["enabled"] = false, ["liability"] = null },
            ["billing_cycle_anchor"] = billingCycleAnchor,
            ["billing_cycle_anchor_config"] = null,
            ["billing_mode"] = new JsonObject { ["flexible"] = null, ["type"] = "classic" },
            ["billing_thresholds"] = null,
            ["cancel_at"] = cancelAt,
            ["cancel_at_period_end"] = cancelAtPeriodEnd,
            ["canceled_at"] = cancelAtPeriodEnd || cancelAt is not null ? now : null,
            ["cancellation_details"] = new JsonObject
            {
                ["comment"] = null,
                ["feedback"] = null,
                ["reason"] = cancelAtPeriodEnd || cancelAt is not null ? "cancellation_requested" : null,
            },
            ["collection_method"] = collectionMethod,
            ["created"] = now,
            ["currency"] = currency,
            ["customer"] = customer.Id,
            ["customer_account"] = null,
            ["days_until_due"] = daysUntilDue,
            ["default_payment_method"] = defaultPaymentMethod,
            ["default_source"] = null,
            ["default_tax_rates"] = new JsonArray(),
            ["description"] = description,
            ["discounts"] = new JsonArray(),
            ["ended_at"] = null,
            ["invoice_settings"] = new JsonObject
            {
                ["account_tax_ids"] = null,
                ["issuer"] = new JsonObject { ["type"] = "self" },
            },
            ["items"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = items,
                ["has_more"] = false,
                ["total_count"] = items.Count,
                ["url"] = $"/v1/subscription_items?subscription={id}",
            },
            ["latest_invoice"] = null,
            ["livemode"] = livemode,
            ["metadata"] = metadata,
            ["next_pending_invoice_item_invoice"] = null,
            ["on_behalf_of"] = null,
            ["pause_collection"] = null,
            ["payment_settings"] = new JsonObject
            {
                ["payment_method_options"] = null,
                ["payment_method_types"] = paymentMethodTypes?.DeepClone(),
                ["save_default_payment_method"] = saveDefaultPaymentMethod ?? "off",
            },
            ["pending_invoice_item_interval"] = null,
            ["pending_setup_intent"] = null,
            ["pending_update"] = null,
            ["schedule"] = null,
            ["start_date"] = now,
            ["status"] = "incomplete",
            ["test_clock"] = customer.Data["test_clock"]?.DeepClone(),
            ["transfer_data"] = null,
            ["trial_end"] = trialEnd,
            ["trial_settings"] = new JsonObject
            {
                ["end_behavior"] = new JsonObject { ["missing_payment_method"] = "create_invoice" },
            },
            ["trial_start"] = trialStart,
        };

    /// <summary>A <c>subscription_item</c> with its price (and the legacy <c>plan</c> made from it).</summary>
    public static JsonObject Item(string id, string subscriptionId, JsonObject price, long quantity, JsonObject metadata,
        long now, long periodStart, long periodEnd) => new()
        {
            ["id"] = id,
            ["object"] = "subscription_item",
            ["billing_thresholds"] = null,
            ["created"] = now,
            ["current_period_end"] = periodEnd,
            ["current_period_start"] = periodStart,
            ["discounts"] = new JsonArray(),
            ["metadata"] = metadata,
            ["plan"] = Plan(price),
            ["price"] = price.DeepClone(),
            ["quantity"] = quantity,
            ["subscription"] = subscriptionId,
            ["tax_rates"] = new JsonArray(),
        };

    /// <summary>The legacy <c>plan</c> Stripe still shows beside a recurring price.</summary>
    public static JsonObject Plan(JsonObject price) => new()
    {
        ["id"] = price["id"]?.DeepClone(),
        ["object"] = "plan",
        ["active"] = price["active"]?.DeepClone(),
        ["amount"] = price["unit_amount"]?.DeepClone(),
        ["amount_decimal"] = price["unit_amount_decimal"]?.DeepClone(),
        ["billing_scheme"] = price["billing_scheme"]?.DeepClone() ?? "per_unit",
        ["created"] = price["created"]?.DeepClone(),
        ["currency"] = price["currency"]?.DeepClone(),
        ["interval"] = price["recurring"]?["interval"]?.DeepClone(),
        ["interval_count"] = price["recurring"]?["interval_count"]?.DeepClone(),
        ["livemode"] = price["livemode"]?.DeepClone(),
        ["metadata"] = price["metadata"]?.DeepClone() ?? new JsonObject(),
        ["meter"] = null,
        ["nickname"] = price["nickname"]?.DeepClone(),
        ["product"] = price["product"]?.DeepClone(),
        ["tiers_mode"] = null,
        ["transform_usage"] = null,
        ["trial_period_days"] = null,
        ["usage_type"] = price["recurring"]?["usage_type"]?.DeepClone() ?? "licensed",
    };

    public static IEnumerable<JsonObject> Items(JsonObject subscription) =>
        (subscription["items"]?["data"] as JsonArray ?? []).OfType<JsonObject>();

    public static long PeriodEnd(JsonObject subscription) =>
        Items(subscription).Select(i => JsonNumber.Read(i["current_period_end"])).DefaultIfEmpty(0).Min();

    public static long PeriodStart(JsonObject subscription) =>
        Items(subscription).Select(i => JsonNumber.Read(i["current_period_start"])).DefaultIfEmpty(0).Min();

    public static string Status(JsonObject subscription) => subscription["status"]!.ToString();

    public static bool HasEnded(JsonObject subscription) => Status(subscription) is "canceled" or "incomplete_expired";

    public static long? Timestamp(JsonNode? node) =>
        node is null || node.GetValueKind() == System.Text.Json.JsonValueKind.Null ? null : JsonNumber.Read(node);
}
