using System.Text.Json.Nodes;
using Recur.StripeSandbox.Customers;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.PaymentIntents;

namespace Recur.StripeSandbox.SetupIntents;

/// <summary>
/// <c>/v1/setup_intents</c> (create, retrieve, update, confirm, cancel, list) and <c>GET /v1/setup_attempts</c>.
/// Retrieve and confirm also take a publishable key with the intent's <c>client_secret</c>, as Stripe.js calls them.
/// The state machine is <see cref="SetupIntentFlow"/>.
/// </summary>
public static class SetupIntentsApi
{
    public const string Kind = SetupIntentFlow.Kind;
    private const string Url = "/v1/setup_intents";

    private static readonly string[] CreateParameters =
    [
        "customer", "allowed_payment_method_types", "excluded_payment_method_types", "automatic_payment_methods", "confirm",
        "description", "metadata", "usage", .. ConfirmInput.SetupParameters,
    ];

    private static readonly string[] UpdateParameters =
    [
        "customer", "allowed_payment_method_types", "excluded_payment_method_types", "description", "metadata",
        "payment_method", "payment_method_options",
    ];

    /// <summary>Parameters only a confirmation reads: on create they need <c>confirm=true</c>.</summary>
    private static readonly string[] ConfirmOnly = ["mandate_data", "return_url"];

    private static readonly string[] CancellationReasons = ["abandoned", "requested_by_customer", "duplicate"];

    public static IServiceCollection AddSetupIntents(this IServiceCollection services)
    {
        services.AddSingleton<SetupIntentOutcomes>();
        services.AddSingleton<SetupIntentFlow>();
        return services;
    }

    public static IEndpointRouteBuilder MapSetupIntents(this IEndpointRouteBuilder app)
    {
        var intents = app.MapGroup(Url);
        intents.MapPost("", Create);
        intents.MapGet("", List);
        intents.MapGet("/{id}", Retrieve).WithMetadata(new AllowsPublishableKey());
        intents.MapPost("/{id}", Update);
        intents.MapPost("/{id}/confirm", Confirm).WithMetadata(new AllowsPublishableKey());
        intents.MapPost("/{id}/cancel", Cancel);
        app.MapGet("/v1/setup_attempts", ListAttempts);
        return app;
    }

    private static IResult Create(StripeRequest request, SetupIntentFlow flow)
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

        var error = IntentEndpoints.ConfirmFlag(p, ConfirmOnly, "SetupIntent", out var confirm);
        if (error is not null)
        {
            return error;
        }

        if (p.Has("allowed_payment_method_types") && p.String("automatic_payment_methods.enabled") == "true")
        {
            return StripeErrors.InvalidRequest(
                "You may only specify one of these parameters: allowed_payment_method_types, automatic_payment_methods.",
                "automatic_payment_methods");
        }

        if (IntentSupport.List(p, "allowed_payment_method_types") is { } allowed && allowed.Contains("bacs_debit"))
        {
            return SetupIntentFlow.BacsOutsideCheckout("allowed_payment_method_types");
        }

        var usage = p.String("usage") ?? "off_session";
        if (usage is not ("off_session" or "on_session"))
        {
            return StripeErrors.InvalidRequest("Invalid usage: must be one of off_session or on_session", "usage");
        }

        error = p.MetadataError();
        if (error is not null)
        {
            return error;
        }

        error = ConfirmInput.Parse(request, payment: false, out var input);
        if (error is not null)
        {
            return error;
        }

        var draft = new SetupIntentDraft
        {
            Customer = p.String("customer"),
            AllowedPaymentMethodTypes = IntentSupport.List(p, "allowed_payment_method_types"),
            ExcludedPaymentMethodTypes = IntentSupport.List(p, "excluded_payment_method_types") ?? [],
            Description = p.String("description"),
            Metadata = p.MergeMetadata(null),
            PaymentMethod = input.PaymentMethod,
            Usage = usage,
        };
        var result = flow.Create(request.Caller, draft, confirm == true ? input : null, request.BaseUrl, request.IdempotencyKey);
        return result.Error ?? request.Respond(result.Intent!.Data);
    }

    private static IResult Retrieve(string id, StripeRequest request) =>
        IntentEndpoints.Retrieve(request, id, Kind, "SetupIntent");

    private static IResult Confirm(string id, StripeRequest request, SetupIntentFlow flow) =>
        OfCheckoutSession(request, id, "confirm") ?? IntentEndpoints.Confirm(request, id, Kind, "SetupIntent", payment: false,
            input => flow.Confirm(request.Caller, id, input, request.BaseUrl, request.IdempotencyKey));

    /// <summary>"You can't confirm or cancel the SetupIntent for a Checkout Session. To cancel, expire the Checkout
    /// Session instead" (API reference, <c>checkout.session.setup_intent</c>).</summary>
    private static IResult? OfCheckoutSession(StripeRequest request, string id, string verb) =>
        request.Find(id, Kind)?.Meta["checkout_session"]?.ToString() is { } session
            ? StripeErrors.InvalidRequest(
                $"You cannot {verb} this SetupIntent because it belongs to the Checkout Session {session}. Expire the Checkout Session instead.",
                null, "setup_intent_unexpected_state")
            : null;

    private static IResult Cancel(string id, StripeRequest request, SetupIntentFlow flow)
    {
        string? reason = null;
        var error = OfCheckoutSession(request, id, "cancel")
            ?? IntentEndpoints.CancellationReason(request, CancellationReasons, out reason);
        if (error is not null)
        {
            return error;
        }

        var result = flow.Cancel(request.Caller, id, reason, request.IdempotencyKey);
        return result.Error ?? request.Respond(result.Intent!.Data);
    }

    private static IResult List(StripeRequest request)
    {
        var unknown = request.Params.Unknown(null, "customer", "payment_method", "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var customer = request.Params.String("customer");
        var paymentMethod = request.Params.String("payment_method");
        return request.RespondList(request.Store.All(Kind, si => request.Caller.CanSee(si)
            && (customer is null || si.Data["customer"]?.ToString() == customer)
            && (paymentMethod is null || si.Data["payment_method"]?.ToString() == paymentMethod)), Url);
    }

    private static IResult ListAttempts(StripeRequest request)
    {
        var unknown = request.Params.Unknown(null, "setup_intent", "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var setupIntent = request.Params.String("setup_intent");
        if (setupIntent is null)
        {
            return StripeErrors.MissingParameter("setup_intent");
        }

        return request.RespondList(request.Store.All(SetupIntentFlow.AttemptKind, a => request.Caller.CanSee(a)
            && a.Data["setup_intent"]?.ToString() == setupIntent), "/v1/setup_attempts");
    }

    /// <summary>
    /// <c>metadata</c> and <c>description</c> may change at any time; the rest only before the set-up is finished,
    /// and it clears a pending 3-D Secure challenge.
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

        var error = p.MetadataError();
        if (error is not null)
        {
            return error;
        }

        StoredObject? setupIntent;
        lock (request.Store.Gate)
        {
            setupIntent = request.Find(id, Kind);
            if (setupIntent is null)
            {
                return StripeErrors.NotFound("setup_intent", id);
            }

            var data = setupIntent.Data.DeepClone().AsObject();
            var status = data["status"]!.ToString();
            var changes = p.Root.Select(kv => kv.Key).Where(k => k is not ("expand" or "metadata" or "description")).ToList();
            if (changes.Count > 0 && status is not ("requires_payment_method" or "requires_confirmation" or "requires_action"))
            {
                return StripeErrors.InvalidRequest(
                    $"You cannot update {changes[0]} on this SetupIntent because it has a status of {status}.",
                    changes[0], "setup_intent_unexpected_state");
            }

            if (p.String("description") is { } description)
            {
                data["description"] = description == "" ? null : description;
            }

            data["metadata"] = p.MergeMetadata(data["metadata"] as JsonObject);
            if (changes.Count > 0)
            {
                error = UpdateSetup(request, p, data);
                if (error is not null)
                {
                    return error;
                }

                IntentSupport.DropChallenge(request.Store, setupIntent);
                data["next_action"] = null;
                data["last_setup_error"] = null;
                data["status"] = data["payment_method"] is null ? "requires_payment_method" : "requires_confirmation";
            }

            setupIntent.Data = data;
            request.Store.Save(setupIntent);
        }

        return request.Respond(setupIntent.Data);
    }

    private static IResult? UpdateSetup(StripeRequest request, StripeParams p, JsonObject data)
    {
        if (IntentSupport.List(p, "allowed_payment_method_types") is { } allowedNow && allowedNow.Contains("bacs_debit"))
        {
            return SetupIntentFlow.BacsOutsideCheckout("allowed_payment_method_types");
        }

        if (p.Has("allowed_payment_method_types") || p.Has("excluded_payment_method_types"))
        {
            var allowed = p.Has("allowed_payment_method_types")
                ? IntentSupport.List(p, "allowed_payment_method_types")
                : (data["allowed_payment_method_types"] as JsonArray)?.Select(t => t!.ToString()).ToList();
            var excluded = IntentSupport.List(p, "excluded_payment_method_types")
                ?? (data["excluded_payment_method_types"] as JsonArray)?.Select(t => t!.ToString()).ToList() ?? [];
            var error = IntentSupport.PaymentMethodTypes(allowed, excluded, 0, null, out var types);
            if (error is not null)
            {
                return error;
            }

            data["payment_method_types"] = types;
            data["payment_method_options"] = IntentSupport.PaymentMethodOptions(types);
            data["allowed_payment_method_types"] = allowed is null
                ? null
                : new JsonArray(allowed.Select(t => (JsonNode)JsonValue.Create(t)).ToArray());
            data["excluded_payment_method_types"] = excluded.Count == 0
                ? null
                : new JsonArray(excluded.Select(t => (JsonNode)JsonValue.Create(t)).ToArray());
            if (allowed is not null)
            {
                data["automatic_payment_methods"] = null;
            }
        }

        if (p.String("customer") is { } customer)
        {
            var current = data["customer"]?.ToString();
            if (current is not null && current != customer)
            {
                return StripeErrors.InvalidRequest("You cannot change the customer of a SetupIntent once it has one.",
                    "customer");
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
                return null;
            }

            var error = IntentSupport.PaymentMethodFor(request.Store, request.Caller, data, paymentMethodId, request.Now,
                "SetupIntent", out var paymentMethod);
            if (error is not null)
            {
                return error;
            }

            data["payment_method"] = paymentMethod!.Id;
        }

        return null;
    }
}
