using System.Globalization;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Invoices;

/// <summary>One line of an invoice to be: a subscription item for a period, or an invoice item.</summary>
/// <param name="Price">The price object (its JSON), when the line comes from a price.</param>
public sealed record InvoiceLine(
    long Amount,
    long Quantity,
    string Description,
    long PeriodStart,
    long PeriodEnd,
    JsonObject? Price,
    string? SubscriptionId = null,
    string? SubscriptionItemId = null,
    string? InvoiceItemId = null,
    JsonObject? Metadata = null,
    bool Proration = false);

/// <summary>
/// The JSON of invoices, their lines, invoice payments and invoice items, with every field of Stripe's objects for API
/// 2026-10-28.endive: the invoice's subscription is <c>parent.subscription_details.subscription</c>, its payments are
/// <c>payments</c> (InvoicePayment objects) and the client secret is <c>confirmation_secret</c>.
/// </summary>
public static class InvoiceObjects
{
    public const string InvoiceKind = "invoice";
    public const string PaymentKind = "invoice_payment";
    public const string ItemKind = "invoiceitem";

    /// <summary>A new draft invoice.</summary>
    public static JsonObject Invoice(string id, StoredObject customer, string currency, string billingReason,
        string collectionMethod, IReadOnlyList<InvoiceLine> lines, long periodStart, long periodEnd, long now,
        StoredObject? subscription, JsonArray? paymentMethodTypes, string? accountCountry, bool livemode)
    {
        var lineItems = new JsonArray();
        foreach (var line in lines)
        {
            lineItems.Add(Line(Ids.New("il"), id, currency, line, livemode));
        }

        var total = lines.Sum(l => l.Amount);
        var c = customer.Data;
        return new JsonObject
        {
            ["id"] = id,
            ["object"] = "invoice",
            ["account_country"] = accountCountry ?? "US",
            ["account_name"] = null,
            ["account_tax_ids"] = null,
            ["amount_due"] = total,
            ["amount_overpaid"] = 0,
            ["amount_paid"] = 0,
            ["amount_remaining"] = total,
            ["amount_shipping"] = 0,
            ["application"] = null,
            ["attempt_count"] = 0,
            ["attempted"] = false,
            ["auto_advance"] = collectionMethod == "charge_automatically",
            ["automatic_tax"] = new JsonObject
            {
                ["disabled_reason"] = null,
                ["enabled"] = false,
                ["liability"] = null,
                ["provider"] = null,
                ["status"] = null,
            },
            ["automatically_finalizes_at"] = null,
            ["billing_reason"] = billingReason,
            ["collection_method"] = collectionMethod,
            ["confirmation_secret"] = null,
            ["created"] = now,
            ["currency"] = currency,
            ["custom_fields"] = null,
            ["customer"] = customer.Id,
            ["customer_account"] = null,
            ["customer_address"] = c["address"]?.DeepClone(),
            ["customer_email"] = c["email"]?.DeepClone(),
            ["customer_name"] = c["name"]?.DeepClone(),
            ["customer_phone"] = c["phone"]?.DeepClone(),
            ["customer_shipping"] = c["shipping"]?.DeepClone(),
            ["customer_tax_exempt"] = c["tax_exempt"]?.DeepClone() ?? "none",
            ["customer_tax_ids"] = new JsonArray(),
            ["default_payment_method"] = null,
            ["default_source"] = null,
            ["default_tax_rates"] = new JsonArray(),
            ["description"] = null,
            ["discounts"] = new JsonArray(),
            ["due_date"] = null,
            ["effective_at"] = null,
            ["ending_balance"] = null,
            ["footer"] = null,
            ["from_invoice"] = null,
            ["hosted_invoice_url"] = null,
            ["invoice_pdf"] = null,
            ["issuer"] = new JsonObject { ["type"] = "self" },
            ["last_finalization_error"] = null,
            ["latest_revision"] = null,
            ["lines"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = lineItems,
                ["has_more"] = false,
                ["total_count"] = lineItems.Count,
                ["url"] = $"/v1/invoices/{id}/lines",
            },
            ["livemode"] = livemode,
            ["metadata"] = new JsonObject(),
            ["next_payment_attempt"] = null,
            ["number"] = null,
            ["on_behalf_of"] = null,
            ["parent"] = subscription is null
                ? null
                : new JsonObject
                {
                    ["quote_details"] = null,
                    ["subscription_details"] = new JsonObject
                    {
                        ["metadata"] = subscription.Data["metadata"]?.DeepClone(),
                        ["subscription"] = subscription.Id,
                    },
                    ["type"] = "subscription_details",
                },
            ["payment_settings"] = new JsonObject
            {
                ["default_mandate"] = null,
                ["payment_method_options"] = null,
                ["payment_method_types"] = paymentMethodTypes?.DeepClone(),
            },
            ["payments"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(),
                ["has_more"] = false,
                ["total_count"] = 0,
                ["url"] = "/v1/invoice_payments",
            },
            ["period_end"] = periodEnd,
            ["period_start"] = periodStart,
            ["post_payment_credit_notes_amount"] = 0,
            ["pre_payment_credit_notes_amount"] = 0,
            ["receipt_number"] = null,
            ["rendering"] = null,
            ["shipping_cost"] = null,
            ["shipping_details"] = null,
            ["starting_balance"] = 0,
            ["statement_descriptor"] = null,
            ["status"] = "draft",
            ["status_transitions"] = new JsonObject
            {
                ["finalized_at"] = null,
                ["marked_uncollectible_at"] = null,
                ["paid_at"] = null,
                ["voided_at"] = null,
            },
            // Removed in basil: the subscription is under parent.subscription_details. Stripe still lists the key.
            ["subscription"] = null,
            ["subtotal"] = total,
            ["subtotal_excluding_tax"] = total,
            ["test_clock"] = c["test_clock"]?.DeepClone(),
            ["total"] = total,
            ["total_discount_amounts"] = new JsonArray(),
            ["total_excluding_tax"] = total,
            ["total_pretax_credit_amounts"] = new JsonArray(),
            ["total_taxes"] = new JsonArray(),
            ["webhooks_delivered_at"] = null,
        };
    }

    /// <summary>A <c>line_item</c> of an invoice.</summary>
    public static JsonObject Line(string id, string invoiceId, string currency, InvoiceLine line, bool livemode)
    {
        var fromItem = line.InvoiceItemId is not null;
        return new JsonObject
        {
            ["id"] = id,
            ["object"] = "line_item",
            ["amount"] = line.Amount,
            ["currency"] = currency,
            ["description"] = line.Description,
            ["discount_amounts"] = new JsonArray(),
            ["discountable"] = true,
            ["discounts"] = new JsonArray(),
            ["invoice"] = invoiceId,
            ["livemode"] = livemode,
            ["metadata"] = line.Metadata?.DeepClone() ?? new JsonObject(),
            ["parent"] = new JsonObject
            {
                ["invoice_item_details"] = fromItem
                    ? new JsonObject
                    {
                        ["invoice_item"] = line.InvoiceItemId,
                        ["proration"] = line.Proration,
                        ["proration_details"] = new JsonObject { ["credited_items"] = null },
                        ["subscription"] = line.SubscriptionId,
                    }
                    : null,
                ["subscription_item_details"] = fromItem
                    ? null
                    : new JsonObject
                    {
                        ["invoice_item"] = null,
                        ["proration"] = line.Proration,
                        ["proration_details"] = new JsonObject { ["credited_items"] = null },
                        ["subscription"] = line.SubscriptionId,
                        ["subscription_item"] = line.SubscriptionItemId,
                    },
                ["type"] = fromItem ? "invoice_item_details" : "subscription_item_details",
            },
            ["period"] = new JsonObject { ["end"] = line.PeriodEnd, ["start"] = line.PeriodStart },
            ["pretax_credit_amounts"] = new JsonArray(),
            ["pricing"] = Pricing(line.Price, line.Amount, line.Quantity),
            ["quantity"] = line.Quantity,
            ["subscription"] = line.SubscriptionId,
            ["subtotal"] = line.Amount,
            ["taxes"] = new JsonArray(),
        };
    }

    /// <summary>The <c>pricing</c> hash of a line or invoice item: the price and product, and the unit amount.</summary>
    public static JsonObject Pricing(JsonObject? price, long amount, long quantity)
    {
        var unit = price?["unit_amount_decimal"]?.ToString()
            ?? (quantity == 0 ? "0" : (amount / (decimal)quantity).ToString(CultureInfo.InvariantCulture));
        return new JsonObject
        {
            ["price_details"] = price is null
                ? null
                : new JsonObject { ["price"] = price["id"]?.DeepClone(), ["product"] = price["product"]?.DeepClone() },
            ["type"] = price is null ? null : "price_details",
            ["unit_amount_decimal"] = unit,
        };
    }

    /// <summary>An <c>invoice_payment</c>: one PaymentIntent's part in paying an invoice.</summary>
    public static JsonObject Payment(string id, string invoiceId, string paymentIntentId, long amountRequested, string currency,
        long now, bool livemode) => new()
        {
            ["id"] = id,
            ["object"] = "invoice_payment",
            ["amount_paid"] = null,
            ["amount_requested"] = amountRequested,
            ["created"] = now,
            ["currency"] = currency,
            ["invoice"] = invoiceId,
            ["is_default"] = true,
            ["livemode"] = livemode,
            ["payment"] = new JsonObject { ["payment_intent"] = paymentIntentId, ["type"] = "payment_intent" },
            ["status"] = "open",
            ["status_transitions"] = new JsonObject { ["canceled_at"] = null, ["paid_at"] = null },
        };

    /// <summary>An <c>invoiceitem</c>, pending (<c>invoice</c> null) until an invoice takes it.</summary>
    public static JsonObject Item(string id, string customerId, long amount, string currency, long quantity, string? description,
        JsonObject? price, long periodStart, long periodEnd, string? subscriptionId, string? invoiceId, string? testClock,
        JsonObject metadata, bool discountable, long now, bool livemode) => new()
        {
            ["id"] = id,
            ["object"] = "invoiceitem",
            ["amount"] = amount,
            ["currency"] = currency,
            ["customer"] = customerId,
            ["customer_account"] = null,
            ["date"] = now,
            ["description"] = description,
            ["discountable"] = discountable,
            ["discounts"] = new JsonArray(),
            ["invoice"] = invoiceId,
            ["livemode"] = livemode,
            ["metadata"] = metadata,
            ["net_amount"] = amount,
            ["parent"] = subscriptionId is null
                ? null
                : new JsonObject
                {
                    ["subscription_details"] = new JsonObject
                    {
                        ["subscription"] = subscriptionId,
                        ["subscription_item"] = null,
                    },
                    ["type"] = "subscription_details",
                },
            ["period"] = new JsonObject { ["end"] = periodEnd, ["start"] = periodStart },
            ["pricing"] = Pricing(price, amount, quantity),
            ["proration"] = false,
            ["quantity"] = quantity,
            ["tax_rates"] = new JsonArray(),
            ["test_clock"] = testClock,
        };

    public static JsonObject DeletedItem(string id) => new() { ["id"] = id, ["object"] = "invoiceitem", ["deleted"] = true };

    public static long Amount(JsonNode? node) => JsonNumber.Read(node);
}
