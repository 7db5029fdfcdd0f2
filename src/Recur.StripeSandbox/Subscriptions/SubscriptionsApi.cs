using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Invoices;
using Recur.StripeSandbox.PaymentIntents;
using Recur.StripeSandbox.Scheduling;
using Recur.StripeSandbox.SetupIntents;

namespace Recur.StripeSandbox.Subscriptions;

/// <summary>
/// <c>/v1/subscriptions</c>: create, retrieve, update, cancel (<c>DELETE</c>) and list (filters <c>customer</c>,
/// <c>status</c> — canceled ones only when asked —, <c>price</c>, <c>test_clock</c>, <c>collection_method</c>); and
/// <c>/v1/subscription_items</c> (list for a subscription, retrieve). The lifecycle is <see cref="SubscriptionFlow"/>.
/// </summary>
public static class SubscriptionsApi
{
    private const string Url = "/v1/subscriptions";

    private static readonly string[] CreateParameters =
    [
        "customer", "items", "add_invoice_items", "payment_behavior", "payment_settings", "default_payment_method",
        "trial_period_days", "trial_end", "trial_from_plan", "cancel_at", "cancel_at_period_end", "collection_method",
        "days_until_due", "metadata", "description", "off_session", "proration_behavior", "currency",
        "application_fee_percent",
    ];

    private static readonly string[] UpdateParameters =
    [
        "cancel_at", "cancel_at_period_end", "default_payment_method", "metadata", "description", "payment_settings",
        "cancellation_details", "trial_end", "items", "proration_behavior", "payment_behavior", "off_session",
    ];

    private static readonly string[] Statuses =
        ["active", "all", "canceled", "ended", "incomplete", "incomplete_expired", "past_due", "paused", "trialing", "unpaid"];

    /// <summary>The subscription and invoice services, their scheduled work, and the hooks that join them to payments.</summary>
    public static IServiceCollection AddSubscriptions(this IServiceCollection services)
    {
        services.AddSingleton<BillingSettings>();
        services.AddSingleton<InvoiceOutcomes>();
        services.AddSingleton<InvoiceFlow>();
        services.AddSingleton<SubscriptionFlow>();
        services.AddHostedService<BillingHooks>();
        services.AddScheduledWork(InvoiceFlow.RetryWork, Run((p, w) => p.GetRequiredService<InvoiceFlow>().Retry(w)));
        services.AddScheduledWork(SubscriptionFlow.PeriodEndWork, Run((p, w) => p.GetRequiredService<SubscriptionFlow>().PeriodEnd(w)));
        services.AddScheduledWork(SubscriptionFlow.TrialWillEndWork, Run((p, w) => p.GetRequiredService<SubscriptionFlow>().TrialWillEnd(w)));
        services.AddScheduledWork(SubscriptionFlow.ExpiryWork, Run((p, w) => p.GetRequiredService<SubscriptionFlow>().IncompleteExpiry(w)));
        services.AddScheduledWork(SubscriptionFlow.CancelAtWork, Run((p, w) => p.GetRequiredService<SubscriptionFlow>().CancelAt(w)));
        return services;
    }

    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder app)
    {
        var subscriptions = app.MapGroup(Url);
        subscriptions.MapPost("", Create);
        subscriptions.MapGet("", List);
        subscriptions.MapGet("/{id}", Retrieve);
        subscriptions.MapPost("/{id}", Update);
        subscriptions.MapDelete("/{id}", Cancel);
        app.MapGet("/v1/subscription_items", ListItems);
        app.MapGet("/v1/subscription_items/{id}", RetrieveItem);
        return app;
    }

    private static Func<IServiceProvider, ScheduledWork, CancellationToken, Task> Run(Action<IServiceProvider, ScheduledWork> run) =>
        (provider, work, _) =>
        {
            run(provider, work);
            return Task.CompletedTask;
        };

    private static IResult Create(StripeRequest request, SubscriptionFlow flow)
    {
        var error = Parse(request.Params, out var draft);
        decimal? feePercent = null;
        error ??= ApplicationFees.ParsePercent(request.Params, request.Caller, out feePercent);
        if (error is not null)
        {
            return error;
        }

        var (subscription, failure) = flow.Create(request.Caller, draft! with { ApplicationFeePercent = feePercent }, request.IdempotencyKey);
        return failure ?? request.Respond(subscription!.Data);
    }

    private static IResult Retrieve(string id, StripeRequest request) =>
        request.Find(id, SubscriptionFlow.Kind) is { } subscription
            ? request.Respond(subscription.Data)
            : StripeErrors.NotFound("subscription", id);

    private static IResult Update(string id, StripeRequest request, SubscriptionFlow flow)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, UpdateParameters) ?? p.Unknown("payment_settings", "payment_method_types",
            "save_default_payment_method", "payment_method_options") ?? p.Unknown("cancellation_details", "comment", "feedback");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var error = p.MetadataError() ?? CheckChoice(p, "payment_settings.save_default_payment_method", "off", "on_subscription")
                    ?? CheckChoice(p, "proration_behavior", "always_invoice", "create_prorations", "none");
        if (error is not null)
        {
            return error;
        }

        var (subscription, failure) = flow.Update(request.Caller, id, p, request.IdempotencyKey);
        return failure ?? request.Respond(subscription!.Data);
    }

    private static IResult Cancel(string id, StripeRequest request, SubscriptionFlow flow)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "invoice_now", "prorate", "cancellation_details")
                      ?? p.Unknown("cancellation_details", "comment", "feedback");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        foreach (var flag in new[] { "invoice_now", "prorate" })
        {
            if (!p.TryBool(flag, out _))
            {
                return StripeErrors.InvalidRequest($"Invalid boolean: {p.String(flag)}", flag);
            }
        }

        var (subscription, failure) = flow.Cancel(request.Caller, id, p.String("cancellation_details.comment"),
            p.String("cancellation_details.feedback"), request.IdempotencyKey);
        return failure ?? request.Respond(subscription!.Data);
    }

    private static IResult List(StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "customer", "status", "price", "plan", "test_clock", "collection_method", "created",
            "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var status = p.String("status");
        if (status is not null && !Statuses.Contains(status))
        {
            return StripeErrors.InvalidRequest($"Invalid status: must be one of {string.Join(", ", Statuses)}", "status");
        }

        var created = CreatedFilter.Parse(p);
        if (created.Error is not null)
        {
            return created.Error;
        }

        var customer = p.String("customer");
        var price = p.String("price") ?? p.String("plan");
        var testClock = p.String("test_clock");
        var collection = p.String("collection_method");
        var subscriptions = request.Store.All(SubscriptionFlow.Kind, s =>
        {
            if (!request.Caller.CanSee(s) || !created.Matches(s.Created))
            {
                return false;
            }

            var data = s.Data;
            var own = SubscriptionObjects.Status(data);
            var statusMatches = status switch
            {
                null => own != "canceled",
                "all" => true,
                "ended" => SubscriptionObjects.HasEnded(data),
                _ => own == status,
            };
            return statusMatches
                   && (customer is null || data["customer"]?.ToString() == customer)
                   && (testClock is null || data["test_clock"]?.ToString() == testClock)
                   && (collection is null || data["collection_method"]?.ToString() == collection)
                   && (price is null || SubscriptionObjects.Items(data).Any(i => i["price"]?["id"]?.ToString() == price));
        });
        return request.RespondList(subscriptions, Url);
    }

    private static IResult ListItems(StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "subscription", "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (p.String("subscription") is not { } id)
        {
            return StripeErrors.MissingParameter("subscription");
        }

        if (request.Find(id, SubscriptionFlow.Kind) is not { } subscription)
        {
            return StripeErrors.NotFound("subscription", id, "subscription");
        }

        // Items live inside their subscription; they are listed as the subscription shows them.
        var items = SubscriptionObjects.Items(subscription.Data).Select((item, i) => new StoredObject
        {
            Id = item["id"]!.ToString(),
            Kind = "subscription_item",
            Platform = subscription.Platform,
            Livemode = subscription.Livemode,
            Account = subscription.Account,
            Created = subscription.Created,
            Sequence = i,
            Data = item,
        }).ToList();
        return request.RespondList(items, "/v1/subscription_items");
    }

    private static IResult RetrieveItem(string id, StripeRequest request)
    {
        var item = request.Store.All(SubscriptionFlow.Kind, s => request.Caller.CanSee(s))
            .SelectMany(s => SubscriptionObjects.Items(s.Data))
            .FirstOrDefault(i => i["id"]?.ToString() == id);
        return item is null ? StripeErrors.NotFound("subscription_item", id) : request.Respond(item);
    }

    /// <summary>Reads and checks <c>POST /v1/subscriptions</c>'s parameters.</summary>
    private static IResult? Parse(StripeParams p, out SubscriptionDraft? draft)
    {
        draft = null;
        var unknown = p.Unknown(null, CreateParameters)
                      ?? p.Unknown("payment_settings", "payment_method_types", "save_default_payment_method", "payment_method_options");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (p.String("customer") is not { Length: > 0 } customer)
        {
            return StripeErrors.MissingParameter("customer");
        }

        var error = ParseItems(p, "items", required: true, out var items);
        var addInvoiceItems = new List<SubscriptionItemDraft>();
        error ??= ParseItems(p, "add_invoice_items", required: false, out addInvoiceItems)
                    ?? p.MetadataError()
                    ?? CheckChoice(p, "payment_behavior", "allow_incomplete", "default_incomplete", "error_if_incomplete",
                        "pending_if_incomplete")
                    ?? CheckChoice(p, "payment_settings.save_default_payment_method", "off", "on_subscription")
                    ?? CheckChoice(p, "collection_method", "charge_automatically", "send_invoice")
                    ?? CheckChoice(p, "proration_behavior", "always_invoice", "create_prorations", "none");
        if (error is not null)
        {
            return error;
        }

        var behavior = p.String("payment_behavior") ?? "allow_incomplete";
        if (behavior == "pending_if_incomplete")
        {
            return StripeErrors.InvalidRequest(
                "payment_behavior=pending_if_incomplete can only be used when updating a subscription.", "payment_behavior");
        }

        foreach (var field in new[] { "trial_period_days", "days_until_due" })
        {
            if (!p.TryLong(field, out var value) || value < 0)
            {
                return StripeErrors.InvalidRequest($"Invalid integer: {p.String(field)}", field, "parameter_invalid_integer");
            }
        }

        p.TryLong("trial_period_days", out var trialDays);
        p.TryLong("days_until_due", out var daysUntilDue);
        if (trialDays > 730)
        {
            return StripeErrors.InvalidRequest("Invalid trial_period_days: must be at most 730 days.", "trial_period_days");
        }

        var trialEndText = p.String("trial_end");
        long? trialEnd = null;
        if (trialEndText is not null && trialEndText != "now")
        {
            if (!p.TryLong("trial_end", out trialEnd))
            {
                return StripeErrors.InvalidRequest($"Invalid timestamp: {trialEndText}", "trial_end");
            }
        }

        if (trialEndText is not null && trialDays is not null)
        {
            return StripeErrors.InvalidRequest(
                "You may only specify one of these parameters: trial_end, trial_period_days.", "trial_end");
        }

        if (!p.TryLong("cancel_at", out var cancelAt))
        {
            return StripeErrors.InvalidRequest($"Invalid timestamp: {p.String("cancel_at")}", "cancel_at");
        }

        if (!p.TryBool("cancel_at_period_end", out var cancelAtPeriodEnd) || !p.TryBool("off_session", out _))
        {
            return StripeErrors.InvalidRequest("Invalid boolean: must be true or false.",
                p.TryBool("cancel_at_period_end", out _) ? "off_session" : "cancel_at_period_end");
        }

        if (cancelAt is not null && cancelAtPeriodEnd == true)
        {
            return StripeErrors.InvalidRequest(
                "You may only specify one of these parameters: cancel_at, cancel_at_period_end.", "cancel_at");
        }

        var collection = p.String("collection_method") ?? "charge_automatically";
        if (collection == "send_invoice" && daysUntilDue is null)
        {
            return StripeErrors.InvalidRequest(
                "days_until_due is required when collection_method is send_invoice.", "days_until_due");
        }

        if (collection == "charge_automatically" && daysUntilDue is not null)
        {
            return StripeErrors.InvalidRequest(
                "days_until_due can only be set when collection_method is send_invoice.", "days_until_due");
        }

        draft = new SubscriptionDraft
        {
            Customer = customer,
            Items = items,
            AddInvoiceItems = addInvoiceItems,
            PaymentBehavior = behavior,
            PaymentMethodTypes = IntentSupport.List(p, "payment_settings.payment_method_types") is { Count: > 0 } types ? types : null,
            SaveDefaultPaymentMethod = p.String("payment_settings.save_default_payment_method"),
            DefaultPaymentMethod = string.IsNullOrEmpty(p.String("default_payment_method")) ? null : p.String("default_payment_method"),
            TrialPeriodDays = trialDays,
            TrialEnd = trialEnd,
            TrialEndNow = trialEndText == "now",
            CancelAt = cancelAt,
            CancelAtPeriodEnd = cancelAtPeriodEnd == true,
            CollectionMethod = collection,
            DaysUntilDue = daysUntilDue,
            Metadata = p.MergeMetadata(null),
            Description = string.IsNullOrEmpty(p.String("description")) ? null : p.String("description"),
        };
        return null;
    }

    private static IResult? ParseItems(StripeParams p, string name, bool required, out List<SubscriptionItemDraft> items)
    {
        items = [];
        var node = p.Node(name);
        if (node is null)
        {
            return required ? StripeErrors.MissingParameter(name) : null;
        }

        if (node is not JsonArray array)
        {
            return StripeErrors.InvalidRequest($"Invalid array: {name} must be an array of hashes.", name);
        }

        if (array.Count > 20)
        {
            return StripeErrors.InvalidRequest($"Invalid {name}: at most 20 items may be given.", name);
        }

        for (var i = 0; i < array.Count; i++)
        {
            var path = $"{name}.{i}";
            var param = $"{name}[{i}]";
            if (array[i] is not JsonObject)
            {
                return StripeErrors.InvalidRequest($"Invalid hash: {param} must be a hash.", param);
            }

            var unknown = p.Unknown(path, "price", "quantity", "metadata", "price_data", "tax_rates", "discounts", "period",
                "billing_thresholds", "plan");
            if (unknown is not null)
            {
                return StripeErrors.UnknownParameter(unknown);
            }

            if (p.Has($"{path}.price_data"))
            {
                return StripeErrors.InvalidRequest(
                    $"The sandbox bills existing prices only: create the price first and pass {param}[price].",
                    $"{param}[price_data]");
            }

            var price = p.String($"{path}.price") ?? p.String($"{path}.plan");
            if (string.IsNullOrEmpty(price))
            {
                return StripeErrors.MissingParameter($"{param}[price]");
            }

            if (!p.TryLong($"{path}.quantity", out var quantity) || quantity is < 1)
            {
                return StripeErrors.InvalidRequest(
                    $"Invalid {param}[quantity]: must be a positive integer", $"{param}[quantity]", "parameter_invalid_integer");
            }

            var metadata = new JsonObject();
            foreach (var (key, value) in p.Object($"{path}.metadata") ?? [])
            {
                if (value?.ToString() is { Length: > 0 } text)
                {
                    metadata[key] = text;
                }
            }

            items.Add(new SubscriptionItemDraft(price, quantity ?? 1, metadata, param));
        }

        return null;
    }

    private static IResult? CheckChoice(StripeParams p, string path, params string[] allowed)
    {
        var value = p.String(path);
        return value is null || allowed.Contains(value)
            ? null
            : StripeErrors.InvalidRequest(
                $"Invalid {StripeParams.BracketName(path)}: must be one of {string.Join(", ", allowed)}",
                StripeParams.BracketName(path));
    }
}

/// <summary>
/// Joins billing to payments before anything runs: PaymentIntent outcomes update invoices, invoice outcomes update
/// subscriptions, and a pending SetupIntent's success sets a subscription's default payment method.
/// </summary>
public sealed class BillingHooks(PaymentIntentOutcomes paymentIntents, SetupIntentOutcomes setupIntents,
    InvoiceOutcomes invoiceOutcomes, InvoiceFlow invoices, SubscriptionFlow subscriptions) : IHostedLifecycleService, IDisposable
{
    private readonly List<IDisposable> _subscriptions = [];

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (_subscriptions.Count == 0)
        {
            _subscriptions.Add(paymentIntents.Subscribe(invoices.OnPaymentIntent));
            _subscriptions.Add(invoiceOutcomes.Subscribe(subscriptions.OnInvoice));
            _subscriptions.Add(setupIntents.Subscribe(subscriptions.OnSetupIntent));
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => StartingAsync(cancellationToken);

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        _subscriptions.Clear();
    }
}
