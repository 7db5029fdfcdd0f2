using System.Text.Json.Nodes;
using Recur.StripeSandbox.Customers;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Prices;
using Recur.StripeSandbox.Scheduling;
using Recur.StripeSandbox.Subscriptions;

namespace Recur.StripeSandbox.Invoices;

/// <summary>
/// <c>/v1/invoiceitems</c>: create (for a <c>customer</c>, from <c>pricing[price]</c> — a one-time price — or
/// <c>amount</c> + <c>currency</c>), retrieve, update and delete while pending, list (filters <c>customer</c>,
/// <c>invoice</c>, <c>pending</c>). A pending item is billed on the customer's next invoice in its currency (for its
/// <c>subscription</c> only, when one is given). Events: <c>invoiceitem.created|deleted</c>.
/// </summary>
public static class InvoiceItemsApi
{
    private const string Url = "/v1/invoiceitems";

    private static readonly string[] CreateParameters =
    [
        "customer", "amount", "currency", "pricing", "quantity", "description", "metadata", "subscription", "invoice",
        "period", "discountable", "tax_behavior", "tax_rates",
    ];

    private static readonly string[] UpdateParameters =
        ["amount", "pricing", "quantity", "description", "metadata", "period", "discountable", "tax_behavior", "tax_rates"];

    public static IEndpointRouteBuilder MapInvoiceItems(this IEndpointRouteBuilder app)
    {
        var items = app.MapGroup(Url);
        items.MapPost("", Create);
        items.MapGet("", List);
        items.MapGet("/{id}", Retrieve);
        items.MapPost("/{id}", Update);
        items.MapDelete("/{id}", Delete);
        return app;
    }

    private static IResult Create(StripeRequest request, SandboxClock clock)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, CreateParameters) ?? p.Unknown("pricing", "price") ?? p.Unknown("period", "start", "end");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (p.String("customer") is not { Length: > 0 } customerId)
        {
            return StripeErrors.MissingParameter("customer");
        }

        var error = p.MetadataError() ?? CheckNumbers(p);
        if (error is not null)
        {
            return error;
        }

        p.TryLong("amount", out var amount);
        p.TryLong("quantity", out var quantity);
        var priceId = p.String("pricing.price");
        if (amount is null == (priceId is null))
        {
            return amount is null
                ? StripeErrors.InvalidRequest("You must specify either amount or pricing[price] for an invoice item.", "amount")
                : StripeErrors.InvalidRequest("You may only specify one of these parameters: amount, pricing[price].", "amount");
        }

        if (p.String("invoice") is { } invoiceId)
        {
            return request.Find(invoiceId, InvoiceFlow.Kind) is null
                ? StripeErrors.NotFound("invoice", invoiceId, "invoice")
                : StripeErrors.InvalidRequest(
                    "The sandbox finalizes invoices when it makes them, so invoice items cannot be added to one: leave invoice out and the item is billed on the customer's next invoice.",
                    "invoice", "invoice_not_editable");
        }

        var batch = new ObjectEventBatch();
        StoredObject item;
        lock (request.Store.Gate)
        {
            var customer = CustomersApi.FindUsable(request.Store, request.Caller, customerId);
            if (customer is null)
            {
                return CustomersApi.NotFound(customerId, "customer");
            }

            JsonObject? price = null;
            string currency;
            if (priceId is not null)
            {
                if (request.Find(priceId, PricesApi.Kind) is not { } stored)
                {
                    return PricesApi.NotFound(priceId, "pricing[price]");
                }

                if (stored.Data["type"]?.ToString() != "one_time")
                {
                    return StripeErrors.InvalidRequest(
                        "The price specified is set to `type=recurring` but this field only accepts prices with `type=one_time`.",
                        "pricing[price]");
                }

                price = stored.Data;
                currency = price["currency"]!.ToString();
                if (p.String("currency") is { } given && Currencies.Normalize(given) != currency)
                {
                    return StripeErrors.InvalidRequest(
                        $"The currency ({given}) must match the price's currency ({currency}).", "currency");
                }

                amount = JsonNumber.Read(price["unit_amount"]) * (quantity ?? 1);
            }
            else if (p.String("currency") is not { Length: > 0 } given)
            {
                return StripeErrors.MissingParameter("currency");
            }
            else if (Currencies.Normalize(given) is not { } normalized)
            {
                return StripeErrors.InvalidRequest(Currencies.InvalidMessage(given), "currency");
            }
            else
            {
                currency = normalized;
                amount *= quantity ?? 1;
            }

            var subscriptionId = p.String("subscription");
            if (subscriptionId is not null)
            {
                if (request.Find(subscriptionId, SubscriptionFlow.Kind) is not { } subscription)
                {
                    return StripeErrors.NotFound("subscription", subscriptionId, "subscription");
                }

                if (subscription.Data["customer"]?.ToString() != customer.Id)
                {
                    return StripeErrors.InvalidRequest(
                        "The subscription given belongs to a different customer than the invoice item.", "subscription");
                }
            }

            var now = clock.NowFor(customer.Id).ToUnixTimeSeconds();
            p.TryLong("period.start", out var start);
            p.TryLong("period.end", out var end);
            var id = Ids.New("ii");
            item = request.NewObject(InvoiceObjects.ItemKind, id, InvoiceObjects.Item(id, customer.Id, amount!.Value, currency,
                quantity ?? 1, string.IsNullOrEmpty(p.String("description")) ? price is null ? null : ProductName(request, price) : p.String("description"),
                price, start ?? now, end ?? now, subscriptionId, null, customer.Data["test_clock"]?.ToString(),
                p.MergeMetadata(null), p.String("discountable") != "false", now, request.Caller.Livemode));
            request.Store.Save(item);
            batch.Add("invoiceitem.created", item);
        }

        batch.Publish(request.Events, request.Store, request.IdempotencyKey);
        return request.Respond(item.Data);
    }

    private static IResult Retrieve(string id, StripeRequest request) =>
        request.Find(id, InvoiceObjects.ItemKind) is { } item
            ? request.Respond(item.Data)
            : StripeErrors.NotFound("invoiceitem", id);

    private static IResult Update(string id, StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, UpdateParameters) ?? p.Unknown("period", "start", "end");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var error = p.MetadataError() ?? CheckNumbers(p);
        if (error is not null)
        {
            return error;
        }

        if (p.Has("pricing"))
        {
            return StripeErrors.InvalidRequest("The sandbox does not change an invoice item's price: delete it and create another.",
                "pricing");
        }

        StoredObject? item;
        lock (request.Store.Gate)
        {
            item = request.Find(id, InvoiceObjects.ItemKind);
            if (item is null)
            {
                return StripeErrors.NotFound("invoiceitem", id);
            }

            var data = item.Data.DeepClone().AsObject();
            var financial = p.Root.Select(kv => kv.Key).Any(k => k is not ("metadata" or "description" or "expand"));
            if (financial && data["invoice"] is not null)
            {
                return StripeErrors.InvalidRequest(
                    "This invoice item is on an invoice that is no longer editable.", null, "invoice_not_editable");
            }

            p.TryLong("amount", out var amount);
            p.TryLong("quantity", out var quantity);
            if (quantity is { } q)
            {
                data["quantity"] = q;
            }

            if (amount is { } a)
            {
                data["amount"] = a * JsonNumber.Read(data["quantity"]);
                data["net_amount"] = data["amount"]!.DeepClone();
                data["pricing"]!["unit_amount_decimal"] = a.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (p.Node("description") is { } description)
            {
                data["description"] = description.ToString() == "" ? null : description.ToString();
            }

            if (p.TryLong("period.start", out var start) && start is not null)
            {
                data["period"]!["start"] = start;
            }

            if (p.TryLong("period.end", out var end) && end is not null)
            {
                data["period"]!["end"] = end;
            }

            if (p.String("discountable") is { } discountable)
            {
                data["discountable"] = discountable != "false";
            }

            data["metadata"] = p.MergeMetadata(data["metadata"] as JsonObject);
            item.Data = data;
            request.Store.Save(item);
        }

        return request.Respond(item.Data);
    }

    private static IResult Delete(string id, StripeRequest request)
    {
        StoredObject? item;
        JsonObject last;
        lock (request.Store.Gate)
        {
            item = request.Find(id, InvoiceObjects.ItemKind);
            if (item is null)
            {
                return StripeErrors.NotFound("invoiceitem", id);
            }

            if (item.Data["invoice"] is not null)
            {
                return StripeErrors.InvalidRequest(
                    "You cannot delete an invoice item that is attached to an invoice that is no longer editable.", null,
                    "invoice_not_editable");
            }

            last = item.Data;
            request.Store.Delete(id);
        }

        request.Events.Publish(request.Store, "invoiceitem.deleted", item, idempotencyKey: request.IdempotencyKey, data: last);
        return request.Respond(InvoiceObjects.DeletedItem(id));
    }

    private static IResult List(StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "customer", "invoice", "pending", "created", "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (!p.TryBool("pending", out var pending))
        {
            return StripeErrors.InvalidRequest($"Invalid boolean: {p.String("pending")}", "pending");
        }

        var customer = p.String("customer");
        var invoice = p.String("invoice");
        var items = request.Store.All(InvoiceObjects.ItemKind, i => request.Caller.CanSee(i)
            && (customer is null || i.Data["customer"]?.ToString() == customer)
            && (invoice is null || i.Data["invoice"]?.ToString() == invoice)
            && (pending is null || (i.Data["invoice"] is null) == pending));
        return request.RespondList(items, Url);
    }

    private static IResult? CheckNumbers(StripeParams p)
    {
        foreach (var field in new[] { "amount", "quantity", "period.start", "period.end" })
        {
            if (!p.TryLong(field, out var value) || (field == "quantity" && value < 1))
            {
                var name = StripeParams.BracketName(field);
                return StripeErrors.InvalidRequest($"Invalid integer: {p.String(field)}", name, "parameter_invalid_integer");
            }
        }

        return null;
    }

    private static string? ProductName(StripeRequest request, JsonObject price) =>
        price["product"]?.ToString() is { } product ? request.Store.Find(product, request.Caller.Scope)?.Data["name"]?.ToString() : null;
}
