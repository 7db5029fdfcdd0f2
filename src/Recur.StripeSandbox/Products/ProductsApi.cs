using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Prices;

namespace Recur.StripeSandbox.Products;

/// <summary>
/// <c>/v1/products</c>: create (optionally with <c>default_price_data</c>, which makes the default price too), retrieve,
/// update, list (filters <c>ids[]</c>, <c>active</c>, <c>shippable</c>, <c>type</c>, <c>url</c>) and delete (refused
/// while the product has prices, as Stripe refuses it). Events: <c>product.created|updated|deleted</c>,
/// <c>price.created</c>.
/// </summary>
public static class ProductsApi
{
    public const string Kind = "product";
    private const string Url = "/v1/products";

    private static readonly string[] DataParameters =
        ["active", "description", "id", "images", "metadata", "name", "statement_descriptor", "tax_code", "unit_label", "url"];

    private static readonly string[] CreateParameters =
        [.. DataParameters, "default_price_data", "marketing_features", "package_dimensions", "shippable", "type"];

    private static readonly string[] UpdateParameters =
    [
        "active", "default_price", "description", "images", "marketing_features", "metadata", "name",
        "package_dimensions", "shippable", "statement_descriptor", "tax_code", "unit_label", "url",
    ];

    public static IEndpointRouteBuilder MapProducts(this IEndpointRouteBuilder app)
    {
        var products = app.MapGroup(Url);
        products.MapPost("", Create);
        products.MapGet("", List);
        products.MapGet("/{id}", Retrieve);
        products.MapPost("/{id}", Update);
        products.MapDelete("/{id}", Delete);
        return app;
    }

    public static IResult NotFound(string id, string param = "id") => StripeErrors.NotFound("product", id, param);

    /// <summary>Under the gate: a product from parameters at <paramref name="prefix"/> (<c>product_data</c>).</summary>
    internal static IResult? CreateFromData(StripeRequest request, string prefix, ObjectEventBatch batch, out StoredObject? product)
    {
        product = null;
        var unknown = request.Params.Unknown(prefix, DataParameters);
        return unknown is not null ? StripeErrors.UnknownParameter(unknown) : New(request, prefix, batch, out product);
    }

    private static IResult Create(StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, CreateParameters);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        JsonObject? defaultPrice = null;
        if (p.Has("default_price_data"))
        {
            unknown = p.Unknown("default_price_data", "currency", "metadata", "recurring", "tax_behavior", "unit_amount",
                "unit_amount_decimal");
            var error = unknown is not null
                ? StripeErrors.UnknownParameter(unknown)
                : PriceInput.Parse(p, "default_price_data", out defaultPrice);
            if (error is not null)
            {
                return error;
            }

            defaultPrice!["metadata"] = p.Object("default_price_data.metadata")?.DeepClone() ?? new JsonObject();
        }

        var batch = new ObjectEventBatch();
        StoredObject? product;
        lock (request.Store.Gate)
        {
            var error = New(request, null, batch, out product);
            if (error is not null)
            {
                return error;
            }

            if (defaultPrice is not null)
            {
                var price = PricesApi.Save(request, defaultPrice, product!.Id, batch);
                var data = product.Data.DeepClone().AsObject();
                data["default_price"] = price.Id;
                product.Data = data;
                request.Store.Save(product);
            }
        }

        batch.Publish(request.Events, request.Store, request.IdempotencyKey);
        return request.Respond(product!.Data);
    }

    private static IResult? New(StripeRequest request, string? prefix, ObjectEventBatch batch, out StoredObject? product)
    {
        product = null;
        var p = request.Params;
        string Path(string field) => prefix is null ? field : $"{prefix}.{field}";
        string Name(string field) => StripeParams.BracketName(Path(field));

        var name = p.String(Path("name"));
        if (string.IsNullOrEmpty(name))
        {
            return StripeErrors.MissingParameter(Name("name"));
        }

        var id = p.String(Path("id"));
        // A chosen id must be unique among the account's products only (https://docs.stripe.com/api/products/create#create_product-id):
        // another account, or the platform itself, may hold the same one.
        if (id is not null && request.Find(id, Kind) is not null)
        {
            return StripeErrors.InvalidRequest("Product already exists.", Name("id"), "resource_already_exists");
        }

        if (!p.TryBool(Path("active"), out var active))
        {
            return StripeErrors.InvalidRequest($"Invalid boolean: {p.String(Path("active"))}", Name("active"));
        }

        var type = p.String(Path("type")) ?? "service";
        if (type is not ("service" or "good"))
        {
            return StripeErrors.InvalidRequest($"Invalid {Name("type")}: must be one of good or service", Name("type"));
        }

        id ??= Ids.New("prod", 14);
        var data = new JsonObject
        {
            ["id"] = id,
            ["object"] = "product",
            ["active"] = active ?? true,
            ["created"] = request.Now,
            ["default_price"] = null,
            ["description"] = null,
            ["images"] = new JsonArray(),
            ["livemode"] = request.Caller.Livemode,
            ["marketing_features"] = new JsonArray(),
            ["metadata"] = new JsonObject(),
            ["name"] = name,
            ["package_dimensions"] = null,
            ["shippable"] = null,
            ["statement_descriptor"] = null,
            ["tax_code"] = null,
            ["type"] = type,
            ["unit_label"] = null,
            ["updated"] = request.Now,
            ["url"] = null,
        };
        var error = ApplyShared(p, prefix, data);
        if (error is not null)
        {
            return error;
        }

        product = request.NewObject(Kind, id, data, customId: p.Has(Path("id")));
        request.Store.Save(product);
        batch.Add("product.created", product);
        return null;
    }

    /// <summary>The fields create and update share.</summary>
    private static IResult? ApplyShared(StripeParams p, string? prefix, JsonObject data)
    {
        string Path(string field) => prefix is null ? field : $"{prefix}.{field}";
        string Name(string field) => StripeParams.BracketName(Path(field));

        var metadata = p.Object(Path("metadata"));
        if (metadata is not null && (metadata.Count > 50 || metadata.Any(kv => kv.Key.Length > 40 || kv.Value is not JsonValue)))
        {
            return StripeErrors.InvalidRequest("Invalid metadata: at most 50 keys of up to 40 characters, with string values.",
                Name("metadata"));
        }

        foreach (var field in new[] { "description", "tax_code", "unit_label", "url", "statement_descriptor" })
        {
            if (p.String(Path(field)) is { } value)
            {
                if (field == "statement_descriptor" && value.Length > 22)
                {
                    return StripeErrors.InvalidRequest(
                        "Statement descriptors must be at most 22 characters.", Name(field));
                }

                data[field] = value == "" ? null : value;
            }
        }

        if (p.Has(Path("images")))
        {
            var images = p.Strings(Path("images")).Where(i => i != "").ToList();
            if (images.Count > 8)
            {
                return StripeErrors.InvalidRequest("You may pass at most 8 images.", Name("images"));
            }

            data["images"] = new JsonArray(images.Select(i => (JsonNode)JsonValue.Create(i)).ToArray());
        }

        if (p.Has(Path("marketing_features")))
        {
            var features = new JsonArray();
            if (p.Node(Path("marketing_features")) is JsonArray given)
            {
                foreach (var feature in given.OfType<JsonObject>())
                {
                    features.Add(new JsonObject { ["name"] = feature["name"]?.ToString() });
                }
            }

            if (features.Count > 15)
            {
                return StripeErrors.InvalidRequest("You may pass at most 15 marketing features.", Name("marketing_features"));
            }

            data["marketing_features"] = features;
        }

        if (p.Has(Path("shippable")))
        {
            if (!p.TryBool(Path("shippable"), out var shippable))
            {
                return StripeErrors.InvalidRequest($"Invalid boolean: {p.String(Path("shippable"))}", Name("shippable"));
            }

            data["shippable"] = shippable;
        }

        if (p.Object(Path("package_dimensions")) is { } dimensions)
        {
            var package = new JsonObject();
            foreach (var field in new[] { "height", "length", "weight", "width" })
            {
                if (!decimal.TryParse(dimensions[field]?.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var value))
                {
                    return StripeErrors.MissingParameter($"{Name("package_dimensions")}[{field}]");
                }

                package[field] = value;
            }

            data["package_dimensions"] = package;
        }

        var merged = new JsonObject();
        foreach (var (key, value) in data["metadata"] as JsonObject ?? [])
        {
            merged[key] = value?.DeepClone();
        }

        foreach (var (key, value) in metadata ?? [])
        {
            var text = value?.ToString() ?? "";
            if (text == "")
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = text;
            }
        }

        data["metadata"] = merged;
        return null;
    }

    private static IResult Retrieve(string id, StripeRequest request) =>
        request.Find(id, Kind) is { } product ? request.Respond(product.Data) : NotFound(id);

    private static IResult Update(string id, StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, UpdateParameters);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (!p.TryBool("active", out var active))
        {
            return StripeErrors.InvalidRequest($"Invalid boolean: {p.String("active")}", "active");
        }

        StoredObject? product;
        JsonObject before;
        lock (request.Store.Gate)
        {
            product = request.Find(id, Kind);
            if (product is null)
            {
                return NotFound(id);
            }

            before = product.Data;
            var data = before.DeepClone().AsObject();
            if (p.Node("name") is { } name)
            {
                if (name.ToString() == "")
                {
                    return StripeErrors.InvalidRequest("A product's name cannot be empty.", "name");
                }

                data["name"] = name.ToString();
            }

            if (active is not null)
            {
                data["active"] = active;
            }

            if (p.String("default_price") is { } defaultPrice)
            {
                if (defaultPrice == "")
                {
                    data["default_price"] = null;
                }
                else if (request.Find(defaultPrice, PricesApi.Kind) is not { } price
                         || price.Data["product"]?.ToString() != id)
                {
                    return StripeErrors.InvalidRequest(
                        $"The price {defaultPrice} does not belong to the product {id}, so it cannot be its default price.",
                        "default_price");
                }
                else
                {
                    data["default_price"] = defaultPrice;
                }
            }

            var error = p.MetadataError() ?? ApplyShared(p, null, data);
            if (error is not null)
            {
                return error;
            }

            if (!JsonNode.DeepEquals(before, data))
            {
                data["updated"] = request.Now;
            }

            product.Data = data;
            request.Store.Save(product);
        }

        var previous = ObjectEvents.PreviousAttributes(before, product.Data);
        previous.Remove("updated");
        if (previous.Count > 0)
        {
            previous["updated"] = before["updated"]?.DeepClone();
            request.Events.Publish(request.Store, "product.updated", product, previous, request.IdempotencyKey);
        }

        return request.Respond(product.Data);
    }

    private static IResult List(StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "active", "ids", "shippable", "type", "url", "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (!p.TryBool("active", out var active) || !p.TryBool("shippable", out var shippable))
        {
            return StripeErrors.InvalidRequest("Invalid boolean: active and shippable must be true or false.",
                p.TryBool("active", out _) ? "shippable" : "active");
        }

        var ids = p.Strings("ids");
        if (ids.Count > 0 && (p.Has("starting_after") || p.Has("ending_before")))
        {
            return StripeErrors.InvalidRequest("ids cannot be used with starting_after or ending_before.", "ids");
        }

        var type = p.String("type");
        var url = p.String("url");
        var products = request.Store.All(Kind, product =>
            request.Caller.CanSee(product)
            && (ids.Count == 0 || ids.Contains(product.Id))
            && (active is null || product.Data["active"]?.GetValue<bool>() == active)
            && (shippable is null || product.Data["shippable"]?.GetValue<bool?>() == shippable)
            && (type is null || product.Data["type"]?.ToString() == type)
            && (url is null || product.Data["url"]?.ToString() == url));
        return request.RespondList(products, Url);
    }

    private static IResult Delete(string id, StripeRequest request)
    {
        StoredObject? product;
        lock (request.Store.Gate)
        {
            product = request.Find(id, Kind);
            if (product is null)
            {
                return NotFound(id);
            }

            if (request.Store.All(PricesApi.Kind, price => price.Data["product"]?.ToString() == id && request.Caller.CanSee(price)).Count > 0)
            {
                return StripeErrors.InvalidRequest(
                    "This product cannot be deleted because it has one or more user-created prices.");
            }

            request.Store.Delete(product);
        }

        request.Events.Publish(request.Store, "product.deleted", product, idempotencyKey: request.IdempotencyKey);
        return request.Respond(new JsonObject { ["id"] = id, ["object"] = "product", ["deleted"] = true });
    }
}
