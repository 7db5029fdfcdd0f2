using System.Globalization;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Customers;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Prices;
using Recur.StripeSandbox.Scheduling;

namespace Recur.StripeSandbox.CheckoutSessions;

/// <summary>
/// <c>/v1/checkout/sessions</c>: create, retrieve, list and expire (https://docs.stripe.com/api/checkout/sessions).
/// The sandbox has the <c>setup</c> and <c>subscription</c> modes with card and bacs_debit, hosted on its own origin
/// (<see cref="HostedCheckoutPage"/>); what the page makes is <see cref="CheckoutSessionFlow"/>.
/// </summary>
public static class CheckoutSessionsApi
{
    private const string Url = "/v1/checkout/sessions";

    private static readonly string[] CreateParameters =
    [
        "mode", "payment_method_types", "allowed_payment_method_types", "currency", "customer", "customer_email",
        "client_reference_id", "success_url", "cancel_url", "expires_at", "metadata", "line_items", "subscription_data",
        "setup_intent_data", "ui_mode", "locale",
    ];

    public static IServiceCollection AddCheckoutSessions(this IServiceCollection services)
    {
        services.AddSingleton<CheckoutSessionFlow>();
        services.AddScheduledWork(CheckoutSessionFlow.ExpiryWork, (provider, work, _) =>
        {
            provider.GetRequiredService<CheckoutSessionFlow>().ExpireWhenDue(work);
            return Task.CompletedTask;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapCheckoutSessions(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup(Url);
        sessions.MapPost("", Create);
        sessions.MapGet("", List);
        sessions.MapGet("/{id}", Retrieve);
        sessions.MapPost("/{id}/expire", Expire);
        return app;
    }

    private static IResult Create(StripeRequest request, CheckoutSessionFlow flow)
    {
        var error = Parse(request, out var draft);
        if (error is not null)
        {
            return error;
        }

        var (session, failure) = flow.Create(request.Caller, draft!, request.BaseUrl, request.IdempotencyKey);
        return failure ?? request.Respond(session!.Data);
    }

    private static IResult Retrieve(string id, StripeRequest request, CheckoutSessionFlow flow)
    {
        var unknown = request.Params.Unknown(null);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var session = request.Find(id, CheckoutSessionObjects.Kind);
        return session is null
            ? StripeErrors.NotFound("checkout.session", id)
            : request.Respond(flow.ExpireIfPast(session).Data);
    }

    private static IResult List(StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "customer", "status", "subscription", "payment_intent", "limit", "starting_after",
            "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var status = p.String("status");
        if (status is not (null or "open" or "complete" or "expired"))
        {
            return StripeErrors.InvalidRequest("Invalid status: must be one of complete, expired, or open", "status");
        }

        var customer = p.String("customer");
        var subscription = p.String("subscription");
        var paymentIntent = p.String("payment_intent");
        return request.RespondList(request.Store.All(CheckoutSessionObjects.Kind, s => request.Caller.CanSee(s)
            && (status is null || s.Data["status"]?.ToString() == status)
            && (customer is null || s.Data["customer"]?.ToString() == customer)
            && (subscription is null || s.Data["subscription"]?.ToString() == subscription)
            && (paymentIntent is null || s.Data["payment_intent"]?.ToString() == paymentIntent)), Url);
    }

    /// <summary>https://docs.stripe.com/api/checkout/sessions/expire: only an open session can be expired.</summary>
    private static IResult Expire(string id, StripeRequest request, CheckoutSessionFlow flow)
    {
        var unknown = request.Params.Unknown(null);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var session = request.Find(id, CheckoutSessionObjects.Kind);
        if (session is null)
        {
            return StripeErrors.NotFound("checkout.session", id);
        }

        var (expired, error) = flow.Expire(session.Id, request.IdempotencyKey);
        return error ?? request.Respond(expired!.Data);
    }

    /// <summary>
    /// The create parameters, as https://docs.stripe.com/api/checkout/sessions/create describes them; where the page
    /// leaves room, the stricter reading.
    /// </summary>
    private static IResult? Parse(StripeRequest request, out CheckoutSessionDraft? draft)
    {
        draft = null;
        var p = request.Params;
        // payment_method_types: the list before endive, which replaced it with allowed_payment_method_types on
        // Checkout Sessions as on intents (Stripe.net 53's SessionCreateOptions has only the latter).
        if (p.Has("payment_method_types") && request.ApiVersion?.EndsWith(".endive", StringComparison.Ordinal) == true)
        {
            return StripeErrors.UnknownParameter("payment_method_types");
        }

        var unknown = p.Unknown(null, CreateParameters);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var error = p.MetadataError();
        if (error is not null)
        {
            return error;
        }

        var mode = p.String("mode");
        if (mode is null)
        {
            return StripeErrors.MissingParameter("mode");
        }

        if (mode is not ("payment" or "setup" or "subscription"))
        {
            return StripeErrors.InvalidRequest("Invalid mode: must be one of payment, setup, or subscription", "mode");
        }

        if (mode == "payment")
        {
            return StripeErrors.InvalidRequest(
                "The Stripe sandbox's Checkout has the setup and subscription modes only; create a PaymentIntent for a one-off payment.",
                "mode");
        }

        // ui_mode: the sandbox hosts the page (hosted_page; `hosted` before endive).
        if (p.String("ui_mode") is { } uiMode && uiMode is not ("hosted" or "hosted_page"))
        {
            return StripeErrors.InvalidRequest(
                $"The Stripe sandbox hosts Checkout pages only: ui_mode {uiMode} is not available.", "ui_mode");
        }

        if (p.Has("payment_method_types") && p.Has("allowed_payment_method_types"))
        {
            return StripeErrors.InvalidRequest(
                "You may only specify one of these parameters: allowed_payment_method_types, payment_method_types.",
                "allowed_payment_method_types");
        }

        var typesParam = p.Has("allowed_payment_method_types") ? "allowed_payment_method_types" : "payment_method_types";
        var types = (p.Has(typesParam) ? p.Strings(typesParam).Where(t => t != "").Distinct().ToList() : null) ?? ["card"];
        foreach (var type in types)
        {
            if (type is not ("card" or "bacs_debit"))
            {
                return StripeErrors.InvalidRequest(
                    $"The payment method type provided: {type} is invalid. Please ensure the provided type is activated in your dashboard (https://dashboard.stripe.com/account/payments/settings). The Stripe sandbox's Checkout supports card and bacs_debit.",
                    typesParam);
            }
        }

        if (types.Count == 0)
        {
            return StripeErrors.InvalidRequest($"Invalid {typesParam}: give at least one payment method type.", typesParam);
        }

        var successUrl = p.String("success_url");
        if (string.IsNullOrEmpty(successUrl))
        {
            // Stripe shows its own page when success_url is left out; the sandbox has none, so it needs one.
            return StripeErrors.MissingParameter("success_url");
        }

        error = CheckUrl(successUrl, "success_url") ?? (p.String("cancel_url") is { } cancel ? CheckUrl(cancel, "cancel_url") : null);
        if (error is not null)
        {
            return error;
        }

        var currency = p.String("currency")?.ToLowerInvariant();
        if (currency is not null && !Currencies.Supported.Contains(currency))
        {
            return StripeErrors.InvalidRequest(Currencies.InvalidMessage(currency), "currency");
        }

        if (mode == "setup")
        {
            foreach (var name in new[] { "line_items", "subscription_data" })
            {
                if (p.Has(name))
                {
                    return StripeErrors.InvalidRequest($"You cannot pass {name} in setup mode.", name);
                }
            }

            // Currency: "Required in setup mode when allowed_payment_method_types is not set" (API reference); the
            // Bacs setup guide passes it with bacs_debit, and the sandbox asks for it whenever bacs_debit is offered.
            if (currency is null && (!p.Has("allowed_payment_method_types") || types.Contains("bacs_debit")))
            {
                return StripeErrors.MissingParameter("currency");
            }
        }
        else if (p.Has("setup_intent_data"))
        {
            return StripeErrors.InvalidRequest("You can only pass setup_intent_data in setup mode.", "setup_intent_data");
        }

        if (types.Contains("bacs_debit") && currency is not null && currency != "gbp")
        {
            // Bacs Direct Debit takes GBP only (docs.stripe.com/payments/bacs-debit, "Payment method properties").
            return StripeErrors.InvalidRequest($"bacs_debit can only be used with the currency gbp, not {currency}.", "currency");
        }

        var customer = p.String("customer");
        var customerEmail = p.String("customer_email");
        if (customer is not null && customerEmail is not null)
        {
            return StripeErrors.InvalidRequest(
                "You may only specify one of these parameters: customer, customer_email.", "customer_email");
        }

        if (customer is not null && CustomersApi.FindUsable(request.Store, request.Caller, customer) is null)
        {
            return CustomersApi.NotFound(customer, "customer");
        }

        if (!p.TryLong("expires_at", out var expiresAt))
        {
            return StripeErrors.InvalidRequest($"Invalid integer: {p.String("expires_at")}", "expires_at",
                "parameter_invalid_integer");
        }

        error = ParseLineItems(p, mode, out var lineItems);
        if (error is not null)
        {
            return error;
        }

        error = ParseSubscriptionData(request, p, out var trialDays, out var feePercent, out var subscriptionMetadata,
            out var subscriptionDescription);
        if (error is not null)
        {
            return error;
        }

        var clientReference = p.String("client_reference_id");
        if (clientReference is { Length: > 200 })
        {
            return StripeErrors.InvalidRequest("Invalid client_reference_id: must be at most 200 characters.",
                "client_reference_id");
        }

        draft = new CheckoutSessionDraft
        {
            Mode = mode,
            PaymentMethodTypes = types,
            TypesAllowedFilter = typesParam == "allowed_payment_method_types",
            Currency = currency,
            Customer = customer,
            CustomerEmail = customerEmail,
            ClientReferenceId = clientReference,
            SuccessUrl = successUrl,
            CancelUrl = p.String("cancel_url"),
            ExpiresAt = expiresAt,
            Metadata = p.MergeMetadata(null),
            LineItems = lineItems,
            TrialPeriodDays = trialDays,
            ApplicationFeePercent = feePercent,
            SubscriptionMetadata = subscriptionMetadata,
            SubscriptionDescription = subscriptionDescription,
            SetupIntentMetadata = Metadata(p, "setup_intent_data.metadata"),
            SetupIntentDescription = p.String("setup_intent_data.description"),
        };
        return null;
    }

    private static IResult? CheckUrl(string url, string param) =>
        Uri.TryCreate(url.Replace("{CHECKOUT_SESSION_ID}", "x", StringComparison.Ordinal), UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
            ? null
            : StripeErrors.InvalidRequest($"Not a valid URL: {param} must be an absolute http(s) URL.", param, "url_invalid");

    private static JsonObject Metadata(StripeParams p, string path)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in p.Object(path) ?? [])
        {
            if (value is JsonValue && value.ToString() is { Length: > 0 } text)
            {
                metadata[key] = text;
            }
        }

        return metadata;
    }

    /// <summary><c>line_items[n][price|quantity]</c>: required in subscription mode, not allowed in setup mode.</summary>
    private static IResult? ParseLineItems(StripeParams p, string mode, out List<(string Price, long Quantity)> items)
    {
        items = [];
        if (mode != "subscription")
        {
            return null;
        }

        if (p.Node("line_items") is not JsonArray array || array.Count == 0)
        {
            return StripeErrors.InvalidRequest("line_items is required in subscription mode.", "line_items");
        }

        if (array.Count > 20)
        {
            return StripeErrors.InvalidRequest("Invalid line_items: at most 20 items may be given.", "line_items");
        }

        for (var i = 0; i < array.Count; i++)
        {
            var path = $"line_items.{i}";
            var unknown = p.Unknown(path, "price", "quantity");
            if (unknown is not null)
            {
                return StripeErrors.UnknownParameter(unknown);
            }

            var price = p.String($"{path}.price");
            if (string.IsNullOrEmpty(price))
            {
                return StripeErrors.MissingParameter($"line_items[{i}][price]");
            }

            if (!p.TryLong($"{path}.quantity", out var quantity) || quantity is < 1)
            {
                return StripeErrors.InvalidRequest($"Invalid line_items[{i}][quantity]: must be a positive integer",
                    $"line_items[{i}][quantity]", "parameter_invalid_integer");
            }

            items.Add((price, quantity ?? 1));
        }

        return null;
    }

    private static IResult? ParseSubscriptionData(StripeRequest request, StripeParams p, out long? trialDays,
        out decimal? feePercent, out JsonObject metadata, out string? description)
    {
        trialDays = null;
        feePercent = null;
        metadata = Metadata(p, "subscription_data.metadata");
        description = p.String("subscription_data.description");
        var unknown = p.Unknown("subscription_data", "trial_period_days", "application_fee_percent", "metadata", "description");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        unknown = p.Unknown("setup_intent_data", "metadata", "description");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (!p.TryLong("subscription_data.trial_period_days", out trialDays) || trialDays is < 1 or > 730)
        {
            return StripeErrors.InvalidRequest(
                "Invalid subscription_data[trial_period_days]: must be an integer from 1 to 730.",
                "subscription_data[trial_period_days]");
        }

        if (p.String("subscription_data.application_fee_percent") is { } fee)
        {
            if (!decimal.TryParse(fee, NumberStyles.Number, CultureInfo.InvariantCulture, out var percent)
                || percent is < 0 or > 100)
            {
                return StripeErrors.InvalidRequest(
                    "Invalid subscription_data[application_fee_percent]: must be a number from 0 to 100.",
                    "subscription_data[application_fee_percent]");
            }

            // An application fee goes to a platform from a connected account (Connect subscriptions guide).
            if (request.Caller.StripeAccount is null)
            {
                return StripeErrors.InvalidRequest(
                    "subscription_data[application_fee_percent] can only be used on a connected account (send the Stripe-Account header).",
                    "subscription_data[application_fee_percent]");
            }

            feePercent = percent;
        }

        return null;
    }
}
