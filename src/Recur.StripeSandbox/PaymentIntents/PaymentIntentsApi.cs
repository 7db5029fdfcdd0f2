using System.Text.Json.Nodes;
using Recur.StripeSandbox.Customers;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Prices;

namespace Recur.StripeSandbox.PaymentIntents;

/// <summary>
/// <c>/v1/payment_intents</c>: create (optionally <c>confirm=true</c>), retrieve, update, confirm, cancel and list.
/// Retrieve and confirm also take a publishable key with the intent's <c>client_secret</c>, as Stripe.js calls them.
/// Payment method types come from <c>allowed_payment_method_types</c> (API 2026-10-28.endive, which Stripe.net 53
/// sends; the old <c>payment_method_types</c> parameter is gone there and is refused as unknown).
/// The state machine is <see cref="PaymentIntentFlow"/>.
/// </summary>
public static class PaymentIntentsApi
{
    public const string Kind = PaymentIntentFlow.Kind;
    private const string Url = "/v1/payment_intents";

    private static readonly string[] CreateParameters =
    [
        "amount", "currency", "customer", "allowed_payment_method_types", "excluded_payment_method_types",
        "automatic_payment_methods", "confirm", "description", "metadata", "capture_method", "confirmation_method",
        "statement_descriptor", "statement_descriptor_suffix", "application_fee_amount", .. ConfirmInput.PaymentParameters,
    ];

    private static readonly string[] UpdateParameters =
    [
        "amount", "currency", "customer", "allowed_payment_method_types", "excluded_payment_method_types", "description",
        "metadata", "payment_method", "payment_method_options", "receipt_email", "setup_future_usage",
        "statement_descriptor", "statement_descriptor_suffix",
    ];

    /// <summary>Parameters only a confirmation reads: on create they need <c>confirm=true</c>.</summary>
    private static readonly string[] ConfirmOnly = ["off_session", "mandate_data", "return_url", "error_on_requires_action"];

    private static readonly string[] CancellationReasons = ["duplicate", "fraudulent", "requested_by_customer", "abandoned"];

    public static IEndpointRouteBuilder MapPaymentIntents(this IEndpointRouteBuilder app)
    {
        var intents = app.MapGroup(Url);
        intents.MapPost("", Create);
        intents.MapGet("", List);
        intents.MapGet("/{id}", Retrieve).WithMetadata(new AllowsPublishableKey());
        intents.MapPost("/{id}", Update);
        intents.MapPost("/{id}/confirm", Confirm).WithMetadata(new AllowsPublishableKey());
        intents.MapPost("/{id}/cancel", Cancel);
        app.MapPaymentIntentCapture();
        return app;
    }

    private static IResult Create(StripeRequest request, PaymentIntentFlow flow)
    {
        var p = request.Params;
        var typesError = IntentSupport.AcceptPaymentMethodTypes(p, request.ApiVersion);
        if (typesError is not null)
        {
            return typesError;
        }

        var unknown = p.Unknown(null, CreateParameters);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (p.Has("client_secret"))
        {
            return StripeErrors.UnknownParameter("client_secret");
        }

        if (p.String("amount") is not { } amountText)
        {
            return StripeErrors.MissingParameter("amount");
        }

        long? applicationFee = null;
        if (!p.TryLong("amount", out var amount))
        {
            return StripeErrors.InvalidRequest($"Invalid integer: {amountText}", "amount", "parameter_invalid_integer");
        }

        if (p.String("currency") is not { Length: > 0 } currency)
        {
            return StripeErrors.MissingParameter("currency");
        }

        var error = IntentEndpoints.ConfirmFlag(p, ConfirmOnly, "PaymentIntent", out var confirm)
            ?? p.MetadataError() ?? CheckPaymentMethodTypeParameters(p) ?? CheckDescriptors(p)
            ?? ApplicationFees.ParseAmount(p, request.Caller, amount!.Value, out applicationFee);
        if (error is not null)
        {
            return error;
        }

        var captureMethod = p.String("capture_method") ?? "automatic";
        if (captureMethod is not ("automatic" or "automatic_async" or "manual"))
        {
            return StripeErrors.InvalidRequest(
                "Invalid capture_method: must be one of automatic, automatic_async, or manual", "capture_method");
        }

        // Bacs Direct Debit has no manual capture (https://docs.stripe.com/payments/bacs-debit).
        if (captureMethod == "manual" && IntentSupport.List(p, "allowed_payment_method_types")?.Contains("bacs_debit") == true)
        {
            return StripeErrors.InvalidRequest(
                "The payment method type bacs_debit does not support capture_method=manual.", "capture_method");
        }

        if ((p.String("confirmation_method") ?? "automatic") != "automatic")
        {
            return StripeErrors.InvalidRequest("The sandbox supports confirmation_method=automatic only.", "confirmation_method");
        }

        error = ConfirmInput.Parse(request, payment: true, out var input);
        if (error is not null)
        {
            return error;
        }

        var draft = new PaymentIntentDraft
        {
            Amount = amount!.Value,
            Currency = currency,
            Customer = p.String("customer"),
            AllowedPaymentMethodTypes = IntentSupport.List(p, "allowed_payment_method_types"),
            ExcludedPaymentMethodTypes = IntentSupport.List(p, "excluded_payment_method_types") ?? [],
            Description = p.String("description"),
            Metadata = p.MergeMetadata(null),
            PaymentMethod = input.PaymentMethod,
            SetupFutureUsage = string.IsNullOrEmpty(input.SetupFutureUsage) ? null : input.SetupFutureUsage,
            ReceiptEmail = input.ReceiptEmail,
            StatementDescriptor = p.String("statement_descriptor"),
            StatementDescriptorSuffix = p.String("statement_descriptor_suffix"),
            CaptureMethod = captureMethod,
            ApplicationFeeAmount = applicationFee,
        };
        var result = flow.Create(request.Caller, draft, confirm == true ? input : null, request.BaseUrl, request.IdempotencyKey);
        return result.Error ?? request.Respond(result.Intent!.Data);
    }

    private static IResult Retrieve(string id, StripeRequest request) =>
        IntentEndpoints.Retrieve(request, id, Kind, "PaymentIntent");

    private static IResult Confirm(string id, StripeRequest request, PaymentIntentFlow flow) =>
        IntentEndpoints.Confirm(request, id, Kind, "PaymentIntent", payment: true,
            input => flow.Confirm(request.Caller, id, input, request.BaseUrl, request.IdempotencyKey));

    private static IResult Cancel(string id, StripeRequest request, PaymentIntentFlow flow)
    {
        var error = IntentEndpoints.CancellationReason(request, CancellationReasons, out var reason);
        if (error is not null)
        {
            return error;
        }

        var paymentIntent = request.Find(id, Kind);
        if (paymentIntent is null)
        {
            return StripeErrors.NotFound("payment_intent", id);
        }

        if (paymentIntent.Meta["invoice"] is not null)
        {
            return StripeErrors.InvalidRequest(
                "This PaymentIntent is managed by an invoice and cannot be canceled directly: void the invoice instead.",
                null, "payment_intent_unexpected_state");
        }

        var result = flow.Cancel(request.Caller, id, reason, request.IdempotencyKey);
        return result.Error ?? request.Respond(result.Intent!.Data);
    }

    private static IResult List(StripeRequest request)
    {
        var unknown = request.Params.Unknown(null, "customer", "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var customer = request.Params.String("customer");
        return request.RespondList(request.Store.All(Kind, pi => request.Caller.CanSee(pi)
            && (customer is null || pi.Data["customer"]?.ToString() == customer)), Url);
    }

    /// <summary>
    /// Changes what a PaymentIntent will charge. <c>metadata</c>, <c>description</c> and <c>receipt_email</c> may change
    /// at any time; everything else only before the payment is finished or processing, and clears a pending 3-D Secure
    /// challenge (back to <c>requires_confirmation</c>). Any update clears <c>last_payment_error</c>.
    /// </summary>
    private static IResult Update(string id, StripeRequest request)
    {
        var p = request.Params;
        var typesError = IntentSupport.AcceptPaymentMethodTypes(p, request.ApiVersion);
        if (typesError is not null)
        {
            return typesError;
        }

        var unknown = p.Unknown(null, UpdateParameters);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var error = p.MetadataError() ?? CheckPaymentMethodTypeParameters(p) ?? CheckDescriptors(p);
        if (error is not null)
        {
            return error;
        }

        if (!p.TryLong("amount", out var amount))
        {
            return StripeErrors.InvalidRequest($"Invalid integer: {p.String("amount")}", "amount", "parameter_invalid_integer");
        }

        var setupFutureUsage = p.String("setup_future_usage");
        if (setupFutureUsage is not (null or "" or "on_session" or "off_session"))
        {
            return StripeErrors.InvalidRequest(
                "Invalid setup_future_usage: must be one of off_session or on_session", "setup_future_usage");
        }

        var anytime = new[] { "metadata", "description", "receipt_email" };
        StoredObject? paymentIntent;
        lock (request.Store.Gate)
        {
            paymentIntent = request.Find(id, Kind);
            if (paymentIntent is null)
            {
                return StripeErrors.NotFound("payment_intent", id);
            }

            var data = paymentIntent.Data.DeepClone().AsObject();
            var status = data["status"]!.ToString();
            var payment = p.Root.Select(kv => kv.Key).Where(k => k != "expand" && !anytime.Contains(k)).ToList();
            if (payment.Count > 0 && status is not ("requires_payment_method" or "requires_confirmation" or "requires_action"))
            {
                return StripeErrors.InvalidRequest(
                    $"You cannot update {payment[0]} on this PaymentIntent because it has a status of {status}.",
                    payment[0], "payment_intent_unexpected_state");
            }

            if (paymentIntent.Meta["invoice"] is not null && (p.Has("amount") || p.Has("currency")))
            {
                return StripeErrors.InvalidRequest(
                    "This PaymentIntent is managed by an invoice: its amount and currency follow the invoice.",
                    p.Has("amount") ? "amount" : "currency", "payment_intent_unexpected_state");
            }

            if (p.String("description") is { } description)
            {
                data["description"] = description == "" ? null : description;
            }

            if (p.String("receipt_email") is { } receiptEmail)
            {
                data["receipt_email"] = receiptEmail == "" ? null : receiptEmail;
            }

            data["metadata"] = p.MergeMetadata(data["metadata"] as JsonObject);
            data["last_payment_error"] = null;
            if (payment.Count > 0)
            {
                error = UpdatePayment(request, p, data, amount, setupFutureUsage);
                if (error is not null)
                {
                    return error;
                }

                IntentSupport.DropChallenge(request.Store, paymentIntent);
                data["next_action"] = null;
                data["status"] = data["payment_method"] is null ? "requires_payment_method" : "requires_confirmation";
            }

            paymentIntent.Data = data;
            request.Store.Save(paymentIntent);
        }

        return request.Respond(paymentIntent.Data);
    }

    private static IResult? UpdatePayment(StripeRequest request, StripeParams p, JsonObject data, long? amount,
        string? setupFutureUsage)
    {
        var currency = data["currency"]!.ToString();
        if (p.String("currency") is { } givenCurrency)
        {
            currency = Currencies.Normalize(givenCurrency) ?? "";
            if (currency == "")
            {
                return StripeErrors.InvalidRequest(Currencies.InvalidMessage(givenCurrency), "currency");
            }
        }

        var total = amount ?? IntentSupport.Number(data["amount"]);
        var allowed = p.Has("allowed_payment_method_types")
            ? IntentSupport.List(p, "allowed_payment_method_types")
            : (data["allowed_payment_method_types"] as JsonArray)?.Select(t => t!.ToString()).ToList();
        var excluded = IntentSupport.List(p, "excluded_payment_method_types")
            ?? (data["excluded_payment_method_types"] as JsonArray)?.Select(t => t!.ToString()).ToList() ?? [];
        var error = PaymentIntentFlow.CheckAmount(total, currency);
        if (error is not null)
        {
            return error;
        }

        error = IntentSupport.PaymentMethodTypes(allowed, excluded, total, currency, out var types);
        if (error is not null)
        {
            return error;
        }

        data["amount"] = total;
        data["currency"] = currency;
        data["payment_method_types"] = types;
        data["payment_method_options"] = IntentSupport.PaymentMethodOptions(types);
        if (p.Has("allowed_payment_method_types"))
        {
            data["allowed_payment_method_types"] = allowed is null
                ? null
                : new JsonArray(allowed.Select(t => (JsonNode)JsonValue.Create(t)).ToArray());
            data["automatic_payment_methods"] = null;
        }

        if (p.Has("excluded_payment_method_types"))
        {
            data["excluded_payment_method_types"] = excluded.Count == 0
                ? null
                : new JsonArray(excluded.Select(t => (JsonNode)JsonValue.Create(t)).ToArray());
        }

        if (setupFutureUsage is not null)
        {
            data["setup_future_usage"] = setupFutureUsage == "" ? null : setupFutureUsage;
        }

        foreach (var field in new[] { "statement_descriptor", "statement_descriptor_suffix" })
        {
            if (p.String(field) is { } value)
            {
                data[field] = value == "" ? null : value;
            }
        }

        if (p.String("customer") is { } customer)
        {
            var current = data["customer"]?.ToString();
            if (current is not null && current != customer)
            {
                return StripeErrors.InvalidRequest(
                    "You cannot change the customer of a PaymentIntent once it has one.", "customer");
            }

            if (CustomersApi.FindUsable(request.Store, request.Caller, customer) is null)
            {
                return CustomersApi.NotFound(customer, "customer");
            }

            data["customer"] = customer;
        }

        if (p.String("payment_method") is { } paymentMethodId)
        {
            if (paymentMethodId == "")
            {
                data["payment_method"] = null;
            }
            else
            {
                error = IntentSupport.PaymentMethodFor(request.Store, request.Caller, data, paymentMethodId, request.Now,
                    "PaymentIntent", out var paymentMethod);
                if (error is not null)
                {
                    return error;
                }

                data["payment_method"] = paymentMethod!.Id;
            }
        }
        else if (data["payment_method"]?.ToString() is { } current
                 && request.Store.Find(current) is { } paymentMethod
                 && !types.Any(t => t?.ToString() == paymentMethod.Data["type"]?.ToString()))
        {
            data["payment_method"] = null;
        }

        return null;
    }

    private static IResult? CheckPaymentMethodTypeParameters(StripeParams p)
    {
        if (p.Has("allowed_payment_method_types") && p.String("automatic_payment_methods.enabled") == "true")
        {
            return StripeErrors.InvalidRequest(
                "You may only specify one of these parameters: allowed_payment_method_types, automatic_payment_methods.",
                "automatic_payment_methods");
        }

        var unknown = p.Unknown("automatic_payment_methods", "enabled", "allow_redirects");
        return unknown is null ? null : StripeErrors.UnknownParameter(unknown);
    }

    private static IResult? CheckDescriptors(StripeParams p)
    {
        foreach (var (field, limit) in new[] { ("statement_descriptor", 22), ("statement_descriptor_suffix", 22) })
        {
            if (p.String(field) is { Length: var length } && length > limit)
            {
                return StripeErrors.InvalidRequest($"Invalid {field}: must be at most {limit} characters.", field);
            }
        }

        return null;
    }
}
