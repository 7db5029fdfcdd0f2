using System.Text.Json.Nodes;
using Recur.StripeSandbox.Customers;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.PaymentMethods;

/// <summary>
/// <c>/v1/payment_methods</c> (+ attach, detach) and <c>/v1/customers/{id}/payment_methods</c>. Cards come from
/// Stripe's test numbers, sent with a publishable key as Stripe.js sends them, or from <c>pm_card_*</c> ids; bacs_debit
/// from a sort code and account number with the holder's name, email and address. Card numbers are never kept: a card
/// keeps its brand, last 4, expiry, fingerprint and the key of its test-card row.
/// </summary>
public static class PaymentMethodsApi
{
    public const string Kind = PaymentMethodAttachments.Kind;
    private const string Url = "/v1/payment_methods";

    public static IEndpointRouteBuilder MapPaymentMethods(this IEndpointRouteBuilder app)
    {
        var methods = app.MapGroup(Url);
        methods.MapPost("", Create).WithMetadata(new AllowsPublishableKey());
        methods.MapGet("", List);
        methods.MapGet("/{id}", Retrieve);
        methods.MapPost("/{id}", Update);
        methods.MapPost("/{id}/attach", Attach);
        methods.MapPost("/{id}/detach", Detach);
        app.MapGet("/v1/customers/{customer}/payment_methods", ListForCustomer);
        app.MapGet("/v1/customers/{customer}/payment_methods/{id}", RetrieveForCustomer);
        return app;
    }

    private static IResult Create(StripeRequest request)
    {
        var error = PaymentMethodAttachments.Create(request.Store, request.Caller, request.Params, null, request.Now,
            out var paymentMethod);
        return error ?? request.Respond(paymentMethod!.Data);
    }

    private static IResult Retrieve(string id, StripeRequest request)
    {
        var error = PaymentMethodAttachments.Resolve(request.Store, request.Caller, id, request.Now, "id", out var paymentMethod);
        return error ?? request.Respond(paymentMethod!.Data);
    }

    private static IResult Update(string id, StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "billing_details", "metadata", "allow_redisplay", "card");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var error = p.MetadataError();
        if (error is not null)
        {
            return error;
        }

        StoredObject? paymentMethod;
        JsonObject before;
        lock (request.Store.Gate)
        {
            paymentMethod = request.Find(id, Kind);
            if (paymentMethod is null)
            {
                return StripeErrors.NotFound("PaymentMethod", id);
            }

            if (PaymentMethodAttachments.CustomerOf(paymentMethod) is null)
            {
                return StripeErrors.InvalidRequest(
                    "You must save this PaymentMethod to a customer before you can update it.", null,
                    "payment_method_unexpected_state");
            }

            before = paymentMethod.Data;
            var data = before.DeepClone().AsObject();
            error = PaymentMethodAttachments.ParseBillingDetails(p, "billing_details", data["billing_details"] as JsonObject,
                out var billing);
            if (error is not null)
            {
                return error;
            }

            data["billing_details"] = billing;
            data["metadata"] = p.MergeMetadata(data["metadata"] as JsonObject);
            if (p.String("allow_redisplay") is { } allowRedisplay)
            {
                if (allowRedisplay is not ("always" or "limited" or "unspecified"))
                {
                    return StripeErrors.InvalidRequest(
                        "Invalid allow_redisplay: must be one of always, limited, or unspecified", "allow_redisplay");
                }

                data["allow_redisplay"] = allowRedisplay;
            }

            if (p.Has("card"))
            {
                error = UpdateExpiry(p, data, DateTimeOffset.FromUnixTimeSeconds(request.Now).Year);
                if (error is not null)
                {
                    return error;
                }
            }

            paymentMethod.Data = data;
            request.Store.Save(paymentMethod);
        }

        var previous = ObjectEvents.PreviousAttributes(before, paymentMethod.Data);
        if (previous.Count > 0)
        {
            request.Events.Publish(request.Store, "payment_method.updated", paymentMethod, previous, request.IdempotencyKey);
        }

        return request.Respond(paymentMethod.Data);
    }

    private static IResult? UpdateExpiry(StripeParams p, JsonObject data, int currentYear)
    {
        if (data["type"]?.ToString() != "card")
        {
            return StripeErrors.InvalidRequest("card can only be updated on a PaymentMethod of type card.", "card");
        }

        var unknown = p.Unknown("card", "exp_month", "exp_year", "networks");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (!p.TryLong("card.exp_month", out var month) || month is < 1 or > 12)
        {
            return CardInput.CardError("invalid_expiry_month", "Your card's expiration month is invalid.", "card[exp_month]");
        }

        if (!p.TryLong("card.exp_year", out var year) || (year is not null && year < currentYear))
        {
            return CardInput.CardError("invalid_expiry_year", "Your card's expiration year is invalid.", "card[exp_year]");
        }

        if (month is not null)
        {
            data["card"]!["exp_month"] = month;
        }

        if (year is not null)
        {
            data["card"]!["exp_year"] = year;
        }

        return null;
    }

    private static IResult List(StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "customer", "type", "allow_redisplay", "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var customer = p.String("customer");
        if (customer is not null && request.Find(customer, CustomersApi.Kind) is null)
        {
            return CustomersApi.NotFound(customer, "customer");
        }

        return ListOf(request, customer, Url);
    }

    private static IResult ListForCustomer(string customer, StripeRequest request)
    {
        var unknown = request.Params.Unknown(null, "type", "allow_redisplay", "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        return request.Find(customer, CustomersApi.Kind) is null
            ? CustomersApi.NotFound(customer, "customer")
            : ListOf(request, customer, $"/v1/customers/{customer}/payment_methods");
    }

    private static IResult ListOf(StripeRequest request, string? customer, string url)
    {
        var type = request.Params.String("type");
        var allowRedisplay = request.Params.String("allow_redisplay");
        var methods = request.Store.All(Kind, m =>
            request.Caller.CanSee(m)
            && (customer is null || PaymentMethodAttachments.CustomerOf(m) == customer)
            && (type is null || m.Data["type"]?.ToString() == type)
            && (allowRedisplay is null || m.Data["allow_redisplay"]?.ToString() == allowRedisplay));
        return request.RespondList(methods, url);
    }

    private static IResult RetrieveForCustomer(string customer, string id, StripeRequest request)
    {
        if (request.Find(customer, CustomersApi.Kind) is null)
        {
            return CustomersApi.NotFound(customer, "customer");
        }

        var paymentMethod = request.Find(id, Kind);
        return paymentMethod is not null && PaymentMethodAttachments.CustomerOf(paymentMethod) == customer
            ? request.Respond(paymentMethod.Data)
            : StripeErrors.NotFound("PaymentMethod", id);
    }

    private static IResult Attach(string id, StripeRequest request)
    {
        var unknown = request.Params.Unknown(null, "customer", "customer_account");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var customerId = request.Params.String("customer");
        if (string.IsNullOrEmpty(customerId))
        {
            return StripeErrors.MissingParameter("customer");
        }

        var batch = new ObjectEventBatch();
        StoredObject? paymentMethod;
        lock (request.Store.Gate)
        {
            var customer = CustomersApi.FindUsable(request.Store, request.Caller, customerId);
            if (customer is null)
            {
                return CustomersApi.NotFound(customerId, "customer");
            }

            var error = PaymentMethodAttachments.Resolve(request.Store, request.Caller, id, request.Now, "payment_method",
                out paymentMethod) ?? PaymentMethodAttachments.Attach(request.Store, paymentMethod!, customer, batch);
            if (error is not null)
            {
                return error;
            }
        }

        batch.Publish(request.Events, request.Store, request.IdempotencyKey);
        return request.Respond(paymentMethod!.Data);
    }

    private static IResult Detach(string id, StripeRequest request)
    {
        var batch = new ObjectEventBatch();
        StoredObject? paymentMethod;
        lock (request.Store.Gate)
        {
            paymentMethod = request.Find(id, Kind);
            if (paymentMethod is null)
            {
                return StripeErrors.NotFound("PaymentMethod", id);
            }

            if (PaymentMethodAttachments.CustomerOf(paymentMethod) is null)
            {
                return StripeErrors.InvalidRequest(
                    "The payment method you provided is not attached to a customer so detachment is impossible.", null,
                    "payment_method_unexpected_state");
            }

            PaymentMethodAttachments.Detach(request.Store, paymentMethod, batch);
        }

        batch.Publish(request.Events, request.Store, request.IdempotencyKey);
        return request.Respond(paymentMethod.Data);
    }
}
