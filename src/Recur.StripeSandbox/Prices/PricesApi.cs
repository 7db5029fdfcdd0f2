using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Products;

namespace Recur.StripeSandbox.Prices;

/// <summary>
/// <c>/v1/prices</c>: create (for <c>product</c>, or a new product from <c>product_data</c>), retrieve, update and list
/// (filters <c>product</c>, <c>active</c>, <c>type</c>, <c>currency</c>, <c>lookup_keys[]</c>). Prices are immutable
/// apart from <c>active</c>, <c>metadata</c>, <c>nickname</c> and <c>lookup_key</c>; a lookup key belongs to one price
/// at a time (<c>transfer_lookup_key=true</c> moves it). Events: <c>price.created|updated</c>, <c>product.created</c>.
/// </summary>
public static class PricesApi
{
    public const string Kind = "price";
    private const string Url = "/v1/prices";

    private static readonly string[] CreateParameters =
    [
        "active", "billing_scheme", "currency", "lookup_key", "metadata", "nickname", "product", "product_data",
        "recurring", "tax_behavior", "transfer_lookup_key", "unit_amount", "unit_amount_decimal",
    ];

    public static IEndpointRouteBuilder MapPrices(this IEndpointRouteBuilder app)
    {
        var prices = app.MapGroup(Url);
        prices.MapPost("", Create);
        prices.MapGet("", List);
        prices.MapGet("/{id}", Retrieve);
        prices.MapPost("/{id}", Update);
        return app;
    }

    public static IResult NotFound(string id, string param = "id") => StripeErrors.NotFound("price", id, param);

    /// <summary>
    /// Under the gate: saves a new price of <paramref name="product"/> from <see cref="PriceInput"/>'s JSON, with the
    /// caller's scope; <c>price.created</c> is added to <paramref name="batch"/>.
    /// </summary>
    internal static StoredObject Save(StripeRequest request, JsonObject price, string product, ObjectEventBatch batch)
    {
        var id = Ids.New("price");
        var data = new JsonObject { ["id"] = id };
        foreach (var (key, value) in price)
        {
            data[key] = value?.DeepClone();
        }

        data["created"] = request.Now;
        data["livemode"] = request.Caller.Livemode;
        data["product"] = product;
        var stored = request.NewObject(Kind, id, Sorted(data));
        request.Store.Save(stored);
        batch.Add("price.created", stored);
        return stored;
    }

    private static IResult Create(StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, CreateParameters);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        JsonObject? price = null;
        var error = p.MetadataError() ?? PriceInput.Parse(p, null, out price);
        if (error is not null)
        {
            return error;
        }

        if ((p.String("billing_scheme") ?? "per_unit") != "per_unit")
        {
            return StripeErrors.InvalidRequest("The sandbox supports per_unit prices only (no tiers).", "billing_scheme");
        }

        if (!p.TryBool("active", out var active))
        {
            return StripeErrors.InvalidRequest($"Invalid boolean: {p.String("active")}", "active");
        }

        if (!p.TryBool("transfer_lookup_key", out var transfer))
        {
            return StripeErrors.InvalidRequest($"Invalid boolean: {p.String("transfer_lookup_key")}", "transfer_lookup_key");
        }

        var productId = p.String("product");
        var hasProductData = p.Has("product_data");
        if (productId is null == !hasProductData)
        {
            return productId is null
                ? StripeErrors.MissingParameter("product")
                : StripeErrors.InvalidRequest("You may only specify one of these parameters: product, product_data.", "product");
        }

        var lookupKey = p.String("lookup_key");
        if (lookupKey?.Length > 200)
        {
            return StripeErrors.InvalidRequest("Invalid lookup_key: must be at most 200 characters.", "lookup_key");
        }

        price!["active"] = active ?? true;
        price["metadata"] = p.MergeMetadata(null);
        price["nickname"] = string.IsNullOrEmpty(p.String("nickname")) ? null : p.String("nickname");
        price["lookup_key"] = string.IsNullOrEmpty(lookupKey) ? null : lookupKey;

        var batch = new ObjectEventBatch();
        StoredObject stored;
        lock (request.Store.Gate)
        {
            if (productId is not null && request.Find(productId, ProductsApi.Kind) is null)
            {
                return ProductsApi.NotFound(productId, "product");
            }

            error = ClaimLookupKey(request, price["lookup_key"]?.ToString(), transfer == true, null, batch);
            if (error is not null)
            {
                return error;
            }

            if (productId is null)
            {
                error = ProductsApi.CreateFromData(request, "product_data", batch, out var product);
                if (error is not null)
                {
                    return error;
                }

                productId = product!.Id;
            }

            stored = Save(request, price, productId, batch);
        }

        batch.Publish(request.Events, request.Store, request.IdempotencyKey);
        return request.Respond(stored.Data);
    }

    private static IResult Retrieve(string id, StripeRequest request) =>
        request.Find(id, Kind) is { } price ? request.Respond(price.Data) : NotFound(id);

    private static IResult Update(string id, StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "active", "metadata", "nickname", "lookup_key", "transfer_lookup_key");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var error = p.MetadataError();
        if (error is not null)
        {
            return error;
        }

        if (!p.TryBool("active", out var active))
        {
            return StripeErrors.InvalidRequest($"Invalid boolean: {p.String("active")}", "active");
        }

        if (!p.TryBool("transfer_lookup_key", out var transfer))
        {
            return StripeErrors.InvalidRequest($"Invalid boolean: {p.String("transfer_lookup_key")}", "transfer_lookup_key");
        }

        var batch = new ObjectEventBatch();
        StoredObject? price;
        lock (request.Store.Gate)
        {
            price = request.Find(id, Kind);
            if (price is null)
            {
                return NotFound(id);
            }

            var before = price.Data;
            var data = before.DeepClone().AsObject();
            if (active is not null)
            {
                data["active"] = active;
            }

            if (p.String("nickname") is { } nickname)
            {
                data["nickname"] = nickname == "" ? null : nickname;
            }

            if (p.String("lookup_key") is { } lookupKey)
            {
                if (lookupKey.Length > 200)
                {
                    return StripeErrors.InvalidRequest("Invalid lookup_key: must be at most 200 characters.", "lookup_key");
                }

                var key = lookupKey == "" ? null : lookupKey;
                if (key is not null && key != before["lookup_key"]?.ToString())
                {
                    error = ClaimLookupKey(request, key, transfer == true, id, batch);
                    if (error is not null)
                    {
                        return error;
                    }
                }

                data["lookup_key"] = key;
            }

            data["metadata"] = p.MergeMetadata(data["metadata"] as JsonObject);
            var previous = ObjectEvents.PreviousAttributes(before, data);
            price.Data = data;
            request.Store.Save(price);
            if (previous.Count > 0)
            {
                batch.Add("price.updated", price, previous);
            }
        }

        batch.Publish(request.Events, request.Store, request.IdempotencyKey);
        return request.Respond(price.Data);
    }

    private static IResult List(StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "active", "currency", "lookup_keys", "product", "type", "recurring", "limit",
            "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (!p.TryBool("active", out var active))
        {
            return StripeErrors.InvalidRequest($"Invalid boolean: {p.String("active")}", "active");
        }

        var type = p.String("type");
        if (type is not (null or "one_time" or "recurring"))
        {
            return StripeErrors.InvalidRequest("Invalid type: must be one of one_time or recurring", "type");
        }

        var lookupKeys = p.Strings("lookup_keys");
        if (lookupKeys.Count > 10)
        {
            return StripeErrors.InvalidRequest("You may pass at most 10 lookup_keys.", "lookup_keys");
        }

        var currency = p.String("currency")?.ToLowerInvariant();
        var product = p.String("product");
        var interval = p.String("recurring.interval");
        var prices = request.Store.All(Kind, price =>
            request.Caller.CanSee(price)
            && (active is null || price.Data["active"]?.GetValue<bool>() == active)
            && (type is null || price.Data["type"]?.ToString() == type)
            && (currency is null || price.Data["currency"]?.ToString() == currency)
            && (product is null || price.Data["product"]?.ToString() == product)
            && (interval is null || price.Data["recurring"]?["interval"]?.ToString() == interval)
            && (lookupKeys.Count == 0 || lookupKeys.Contains(price.Data["lookup_key"]?.ToString() ?? "\0")));
        return request.RespondList(prices, Url);
    }

    /// <summary>
    /// A lookup key may name one price in a scope: another price holding it is an error, unless
    /// <paramref name="transfer"/>, which takes it from that price (<c>price.updated</c>).
    /// </summary>
    private static IResult? ClaimLookupKey(StripeRequest request, string? key, bool transfer, string? claimant,
        ObjectEventBatch batch)
    {
        if (key is null)
        {
            return null;
        }

        var holder = request.Store.All(Kind, price =>
            request.Caller.CanSee(price) && price.Id != claimant && price.Data["lookup_key"]?.ToString() == key).FirstOrDefault();
        if (holder is null)
        {
            return null;
        }

        if (!transfer)
        {
            return StripeErrors.InvalidRequest(
                $"A price ({holder.Id}) already uses that lookup key. Pass transfer_lookup_key=true to move it to this price.",
                "lookup_key");
        }

        var before = holder.Data;
        var data = before.DeepClone().AsObject();
        data["lookup_key"] = null;
        holder.Data = data;
        request.Store.Save(holder);
        batch.Add("price.updated", holder, ObjectEvents.PreviousAttributes(before, data));
        return null;
    }

    private static JsonObject Sorted(JsonObject data)
    {
        var sorted = new JsonObject();
        foreach (var (key, value) in data.OrderBy(kv => kv.Key == "id" ? "" : kv.Key == "object" ? " " : kv.Key,
                     StringComparer.Ordinal).ToList())
        {
            data.Remove(key);
            sorted[key] = value;
        }

        return sorted;
    }
}
