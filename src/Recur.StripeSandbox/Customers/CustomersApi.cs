using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.PaymentMethods;
using Recur.StripeSandbox.Scheduling;

namespace Recur.StripeSandbox.Customers;

/// <summary>
/// <c>/v1/customers</c>: create, retrieve, update, list (filters <c>email</c> and <c>test_clock</c>) and delete, in the
/// caller's scope (the platform, or the <c>Stripe-Account</c> account). A customer may be attached to a test clock
/// when it is created, never later. A deleted customer reads as <c>{id, object, deleted: true}</c> and can no longer
/// be used. Events: <c>customer.created|updated|deleted</c>, and <c>payment_method.attached</c> for
/// <c>payment_method</c> on create.
/// </summary>
public static class CustomersApi
{
    public const string Kind = "customer";
    private const string Url = "/v1/customers";

    private static readonly string[] SharedParameters =
    [
        "address", "balance", "business_name", "description", "email", "individual_name", "invoice_settings", "metadata",
        "name", "phone", "preferred_locales", "shipping", "tax_exempt",
    ];

    private static readonly string[] CreateParameters = [.. SharedParameters, "payment_method", "test_clock"];

    private static readonly string[] UpdateParameters = [.. SharedParameters, "default_source"];

    public static IEndpointRouteBuilder MapCustomers(this IEndpointRouteBuilder app)
    {
        var customers = app.MapGroup(Url);
        customers.MapPost("", Create);
        customers.MapGet("", List);
        customers.MapGet("/{id}", Retrieve);
        customers.MapPost("/{id}", Update);
        customers.MapDelete("/{id}", Delete);
        return app;
    }

    /// <summary>Whether a stored customer was deleted.</summary>
    public static bool IsDeleted(StoredObject customer) => customer.Meta["deleted"]?.GetValue<bool>() == true;

    /// <summary>A customer the caller can see and use: not deleted. Null otherwise.</summary>
    public static StoredObject? FindUsable(SandboxStore store, ApiCaller caller, string id) =>
        store.Find(id) is { Kind: Kind } customer && caller.CanSee(customer) && !IsDeleted(customer) ? customer : null;

    public static IResult NotFound(string id, string param = "id") => StripeErrors.NotFound("customer", id, param);

    /// <summary>A new customer's data with Stripe's defaults: no email, name or address yet.</summary>
    public static JsonObject NewData(string id, long now, bool livemode, string? testClock) =>
        new()
        {
            ["id"] = id,
            ["object"] = "customer",
            ["address"] = null,
            ["balance"] = 0,
            ["business_name"] = null,
            ["created"] = now,
            ["currency"] = null,
            ["customer_account"] = null,
            ["default_source"] = null,
            ["delinquent"] = false,
            ["description"] = null,
            ["discount"] = null,
            ["email"] = null,
            ["individual_name"] = null,
            ["invoice_prefix"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(4)),
            ["invoice_settings"] = new JsonObject
            {
                ["custom_fields"] = null,
                ["default_payment_method"] = null,
                ["footer"] = null,
                ["rendering_options"] = null,
            },
            ["livemode"] = livemode,
            ["metadata"] = new JsonObject(),
            ["name"] = null,
            ["next_invoice_sequence"] = 1,
            ["phone"] = null,
            ["preferred_locales"] = new JsonArray(),
            ["shipping"] = null,
            ["tax_exempt"] = "none",
            ["test_clock"] = testClock,
        };

    private static IResult Create(StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, CreateParameters);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var testClock = p.String("test_clock");
        if (testClock is not null && request.Find(testClock, SandboxClock.TestClockKind) is null)
        {
            return StripeErrors.NotFound("test_clock", testClock, "test_clock");
        }

        var id = Ids.New("cus", 14);
        var now = testClock is null ? request.Now : request.Http.RequestServices.GetRequiredService<SandboxClock>()
            .NowForClock(testClock).ToUnixTimeSeconds();
        var data = NewData(id, now, request.Caller.Livemode, testClock);
        var stored = request.NewObject(Kind, id, data);
        var batch = new ObjectEventBatch();
        lock (request.Store.Gate)
        {
            var error = ApplyShared(request, stored, data);
            if (error is not null)
            {
                return error;
            }

            // payment_method is attached first, so that invoice_settings[default_payment_method] may name it.
            StoredObject? attached = null;
            var paymentMethodId = p.String("payment_method");
            var defaultPaymentMethod = data["invoice_settings"]!["default_payment_method"]?.ToString();
            data["invoice_settings"]!["default_payment_method"] = null;
            request.Store.Save(stored);
            CustomerBalance.RecordSetBalance(request.Store, stored, 0, "initial", now);
            if (paymentMethodId is not null)
            {
                var resolved = PaymentMethodAttachments.Resolve(request.Store, request.Caller, paymentMethodId, request.Now,
                    "payment_method", out var paymentMethod);
                error = resolved ?? PaymentMethodAttachments.Attach(request.Store, paymentMethod!, stored, batch);
                if (error is not null)
                {
                    request.Store.Delete(id);
                    return error;
                }

                attached = paymentMethod;
                if (defaultPaymentMethod == paymentMethodId)
                {
                    defaultPaymentMethod = paymentMethod!.Id;
                }
            }

            if (defaultPaymentMethod is not null)
            {
                error = CheckDefaultPaymentMethod(request, stored, defaultPaymentMethod);
                if (error is not null)
                {
                    if (attached is not null)
                    {
                        PaymentMethodAttachments.Detach(request.Store, attached, null);
                    }

                    request.Store.Delete(id);
                    return error;
                }

                var withDefault = stored.Data.DeepClone().AsObject();
                withDefault["invoice_settings"]!["default_payment_method"] = defaultPaymentMethod;
                stored.Data = withDefault;
                request.Store.Save(stored);
            }
        }

        var events = new ObjectEventBatch();
        events.Add("customer.created", stored);
        events.Publish(request.Events, request.Store, request.IdempotencyKey);
        batch.Publish(request.Events, request.Store, request.IdempotencyKey);
        return request.Respond(stored.Data);
    }

    private static IResult Retrieve(string id, StripeRequest request)
    {
        var customer = request.Find(id, Kind);
        if (customer is null)
        {
            return NotFound(id);
        }

        return request.Respond(IsDeleted(customer) ? Deleted(id) : customer.Data);
    }

    private static IResult Update(string id, StripeRequest request)
    {
        var unknown = request.Params.Unknown(null, UpdateParameters);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        StoredObject? customer;
        JsonObject before;
        lock (request.Store.Gate)
        {
            customer = FindUsable(request.Store, request.Caller, id);
            if (customer is null)
            {
                return NotFound(id);
            }

            before = customer.Data;
            var data = before.DeepClone().AsObject();
            var error = ApplyShared(request, customer, data);
            var defaultPaymentMethod = data["invoice_settings"]!["default_payment_method"]?.ToString();
            if (error is null && defaultPaymentMethod is not null
                && defaultPaymentMethod != before["invoice_settings"]?["default_payment_method"]?.ToString())
            {
                error = CheckDefaultPaymentMethod(request, customer, defaultPaymentMethod);
            }

            if (error is not null)
            {
                return error;
            }

            customer.Data = data;
            request.Store.Save(customer);
            CustomerBalance.RecordSetBalance(request.Store, customer, JsonNumber.Read(before["balance"]), "adjustment",
                request.Now);
        }

        var previous = ObjectEvents.PreviousAttributes(before, customer.Data);
        if (previous.Count > 0)
        {
            request.Events.Publish(request.Store, "customer.updated", customer, previous, request.IdempotencyKey);
        }

        return request.Respond(customer.Data);
    }

    private static IResult List(StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "email", "test_clock", "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var email = p.String("email");
        var testClock = p.String("test_clock");
        var customers = request.Store.All(Kind, c =>
            request.Caller.CanSee(c) && !IsDeleted(c)
            && (email is null || c.Data["email"]?.ToString() == email)
            && c.Data["test_clock"]?.ToString() == testClock);
        return request.RespondList(customers, Url);
    }

    private static IResult Delete(string id, StripeRequest request)
    {
        StoredObject? customer;
        JsonObject last;
        lock (request.Store.Gate)
        {
            customer = FindUsable(request.Store, request.Caller, id);
            if (customer is null)
            {
                return NotFound(id);
            }

            last = MarkDeleted(request.Store, customer);
        }

        request.Events.Publish(request.Store, "customer.deleted", customer, idempotencyKey: request.IdempotencyKey, data: last);
        return request.Respond(customer.Data);
    }

    /// <summary>
    /// Under the gate: deletes a customer. It is kept, marked deleted, with the deleted stub as its data, so its id
    /// stays known; returns its data as it was, for the <c>customer.deleted</c> event.
    /// </summary>
    public static JsonObject MarkDeleted(SandboxStore store, StoredObject customer)
    {
        var last = customer.Data;
        customer.Data = Deleted(customer.Id);
        customer.Meta = customer.Meta.DeepClone().AsObject();
        customer.Meta["deleted"] = true;
        store.Save(customer);
        return last;
    }

    public static JsonObject Deleted(string id) => new() { ["id"] = id, ["object"] = "customer", ["deleted"] = true };

    /// <summary>The fields create and update share, written into <paramref name="data"/>.</summary>
    private static IResult? ApplyShared(StripeRequest request, StoredObject customer, JsonObject data)
    {
        var p = request.Params;
        var error = p.MetadataError()
            ?? p.NotAString("business_name", "description", "individual_name", "name", "phone", "email", "tax_exempt");
        if (error is not null)
        {
            return error;
        }

        // balance: an integer in the currency's minor unit, negative for a credit, positive for an amount owed
        // (https://docs.stripe.com/api/customers/create#create_customer-balance, .../update#update_customer-balance).
        if (p.Node("balance") is { } balanceNode)
        {
            if (balanceNode is not JsonValue || !p.TryLong("balance", out var balance) || balance is null)
            {
                return StripeErrors.InvalidRequest($"Invalid integer: {(balanceNode is JsonValue ? balanceNode.ToString() : "")}",
                    "balance", "parameter_invalid_integer");
            }

            data["balance"] = balance.Value;
        }

        foreach (var field in new[] { "business_name", "description", "individual_name", "name", "phone" })
        {
            if (p.Node(field) is { } value)
            {
                var text = value.ToString();
                data[field] = text == "" ? null : text;
            }
        }

        if (p.String("email") is { } email)
        {
            if (email != "" && !LooksLikeEmail(email))
            {
                return StripeErrors.InvalidRequest($"Invalid email address: {email}", "email", "email_invalid");
            }

            data["email"] = email == "" ? null : email;
        }

        if (p.String("tax_exempt") is { } taxExempt)
        {
            if (taxExempt is not ("none" or "exempt" or "reverse"))
            {
                return StripeErrors.InvalidRequest(
                    $"Invalid tax_exempt: must be one of none, exempt, or reverse", "tax_exempt");
            }

            data["tax_exempt"] = taxExempt;
        }

        error = Addresses.Parse(p, "address", data["address"] as JsonObject, out var address);
        if (error is not null)
        {
            return error;
        }

        data["address"] = address;
        if (p.Node("shipping") is { } shippingNode)
        {
            if (shippingNode is JsonValue clear && clear.ToString() == "")
            {
                data["shipping"] = null;
            }
            else
            {
                var unknown = p.Unknown("shipping", "address", "name", "phone");
                if (unknown is not null)
                {
                    return StripeErrors.UnknownParameter(unknown);
                }

                if (p.String("shipping.name") is null)
                {
                    return StripeErrors.MissingParameter("shipping[name]");
                }

                error = Addresses.Parse(p, "shipping.address", data["shipping"]?["address"] as JsonObject, out var shippingAddress);
                if (error is not null)
                {
                    return error;
                }

                if (shippingAddress?["line1"] is null)
                {
                    return StripeErrors.MissingParameter("shipping[address][line1]");
                }

                data["shipping"] = new JsonObject
                {
                    ["address"] = shippingAddress,
                    ["name"] = p.String("shipping.name"),
                    ["phone"] = p.String("shipping.phone"),
                };
            }
        }

        if (p.Has("preferred_locales"))
        {
            data["preferred_locales"] = new JsonArray(p.Strings("preferred_locales").Where(l => l != "")
                .Select(l => (JsonNode)JsonValue.Create(l)).ToArray());
        }

        if (p.Has("invoice_settings"))
        {
            var unknown = p.Unknown("invoice_settings", "default_payment_method", "footer", "custom_fields", "rendering_options");
            if (unknown is not null)
            {
                return StripeErrors.UnknownParameter(unknown);
            }

            var settings = data["invoice_settings"]!.AsObject();
            if (p.String("invoice_settings.default_payment_method") is { } defaultPaymentMethod)
            {
                settings["default_payment_method"] = defaultPaymentMethod == "" ? null : defaultPaymentMethod;
            }

            if (p.String("invoice_settings.footer") is { } footer)
            {
                settings["footer"] = footer == "" ? null : footer;
            }
        }

        data["metadata"] = p.MergeMetadata(data["metadata"] as JsonObject);
        return null;
    }

    /// <summary>A default payment method must be one of the customer's own.</summary>
    private static IResult? CheckDefaultPaymentMethod(StripeRequest request, StoredObject customer, string paymentMethodId)
    {
        var paymentMethod = request.Find(paymentMethodId, PaymentMethodsApi.Kind);
        if (paymentMethod is null)
        {
            return StripeErrors.NotFound("PaymentMethod", paymentMethodId, "invoice_settings[default_payment_method]");
        }

        return paymentMethod.Data["customer"]?.ToString() == customer.Id
            ? null
            : StripeErrors.InvalidRequest(
                $"The customer does not have a payment method with the ID {paymentMethodId}. The payment method must be attached to the customer.",
                "invoice_settings[default_payment_method]", "resource_missing");
    }

    private static bool LooksLikeEmail(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < email.Length - 1 && !email.Any(char.IsWhiteSpace) && email.IndexOf('@', at + 1) < 0;
    }

    /// <summary>The customer's default payment method (<c>invoice_settings.default_payment_method</c>), if any.</summary>
    public static string? DefaultPaymentMethod(StoredObject customer) =>
        customer.Data["invoice_settings"]?["default_payment_method"] is { } value
        && value.GetValueKind() == JsonValueKind.String ? value.ToString() : null;
}
