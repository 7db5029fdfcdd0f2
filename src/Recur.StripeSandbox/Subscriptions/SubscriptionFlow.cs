using System.Text.Json.Nodes;
using Recur.StripeSandbox.Accounts;
using Recur.StripeSandbox.Customers;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Invoices;
using Recur.StripeSandbox.PaymentIntents;
using Recur.StripeSandbox.PaymentMethods;
using Recur.StripeSandbox.Prices;
using Recur.StripeSandbox.Scheduling;
using Recur.StripeSandbox.SetupIntents;

namespace Recur.StripeSandbox.Subscriptions;

/// <summary>One <c>items[]</c> or <c>add_invoice_items[]</c> entry: a price, a quantity, and where it was given.</summary>
public sealed record SubscriptionItemDraft(string Price, long Quantity, JsonObject Metadata, string Param);

/// <summary>A subscription to create, as <c>POST /v1/subscriptions</c> gives it.</summary>
public sealed record SubscriptionDraft
{
    public required string Customer { get; init; }

    public required IReadOnlyList<SubscriptionItemDraft> Items { get; init; }

    public IReadOnlyList<SubscriptionItemDraft> AddInvoiceItems { get; init; } = [];

    /// <summary><c>allow_incomplete</c> (Stripe's default), <c>default_incomplete</c> or <c>error_if_incomplete</c>.</summary>
    public string PaymentBehavior { get; init; } = "allow_incomplete";

    public IReadOnlyList<string>? PaymentMethodTypes { get; init; }

    public string? SaveDefaultPaymentMethod { get; init; }

    public string? DefaultPaymentMethod { get; init; }

    public long? TrialPeriodDays { get; init; }

    /// <summary>A Unix time, or null; <see cref="TrialEndNow"/> for <c>trial_end=now</c>.</summary>
    public long? TrialEnd { get; init; }

    public bool TrialEndNow { get; init; }

    public long? CancelAt { get; init; }

    public bool CancelAtPeriodEnd { get; init; }

    public string CollectionMethod { get; init; } = "charge_automatically";

    public long? DaysUntilDue { get; init; }

    public JsonObject Metadata { get; init; } = [];

    public string? Description { get; init; }

    /// <summary>The platform's share of each invoice, in percent (Connect only).</summary>
    public decimal? ApplicationFeePercent { get; init; }
}

/// <summary>
/// The subscription lifecycle, as Stripe Billing runs it on the customer's time (its test clock, if any):
/// <list type="bullet">
/// <item>Create: items and the first period; the first invoice (with <c>add_invoice_items</c> and pending invoice items)
/// finalized at once, with a PaymentIntent when something is due. <c>default_incomplete</c> leaves it for the customer
/// to confirm (<c>incomplete</c>); <c>allow_incomplete</c>/<c>error_if_incomplete</c> charge the default payment method
/// now; nothing due (a trial) gives <c>trialing</c> or <c>active</c> and, with <c>default_incomplete</c>, a
/// <c>pending_setup_intent</c>.</item>
/// <item>The first invoice paid → <c>active</c> (or <c>trialing</c>); with <c>save_default_payment_method=on_subscription</c>
/// the payment method becomes the subscription's <c>default_payment_method</c>. Unpaid after 23 hours →
/// <c>incomplete_expired</c> and the invoice is voided (not while a BACS debit is still processing).</item>
/// <item>Each period end (and the trial's end): the next period on the items, a <c>subscription_cycle</c> invoice charged
/// off-session with the subscription's (else the customer's) default payment method. A failure → <c>past_due</c>,
/// retried on <see cref="BillingSettings.RetryDelays"/>, then <see cref="BillingSettings.AfterFailedRetries"/>.</item>
/// <item><c>cancel_at_period_end</c> and <c>cancel_at</c> end it (<c>canceled</c>); a <c>cancel_at</c> inside a period
/// shortens that period and prorates its invoice.</item>
/// </list>
/// Events: <c>customer.subscription.created|updated|deleted|trial_will_end</c> (updates with <c>previous_attributes</c>).
/// </summary>
public sealed partial class SubscriptionFlow(SandboxStore store, SandboxEvents events, SandboxSchedule schedule,
    SandboxClock clock, InvoiceFlow invoices, SetupIntentFlow setupIntents, BillingSettings settings,
    ILogger<SubscriptionFlow> logger)
{
    public const string Kind = SubscriptionObjects.Kind;
    public const string PeriodEndWork = "subscription.period_end";
    public const string TrialWillEndWork = "subscription.trial_will_end";
    public const string ExpiryWork = "subscription.incomplete_expiry";
    public const string CancelAtWork = "subscription.cancel_at";

    private static readonly string[] AllWork = [PeriodEndWork, TrialWillEndWork, ExpiryWork, CancelAtWork];

    // ---- Create ---------------------------------------------------------------------------------------------------

    /// <summary>Creates a subscription in the caller's scope: the subscription as created (or the error).</summary>
    public (StoredObject? Subscription, IResult? Error) Create(ApiCaller caller, SubscriptionDraft draft, string? idempotencyKey)
    {
        var subscriptionEvents = new ObjectEventBatch();
        var invoiceEvents = new ObjectEventBatch();
        StoredObject subscription;
        StoredObject invoice;
        string? attemptWith = null;
        var attempt = false;
        lock (store.Gate)
        {
            var customer = CustomersApi.FindUsable(store, caller, draft.Customer);
            if (customer is null)
            {
                return (null, CustomersApi.NotFound(draft.Customer, "customer"));
            }

            var error = ResolvePrices(caller, draft.Items, recurring: true, out var prices);
            var oneTimePrices = new List<JsonObject>();
            error ??= ResolvePrices(caller, draft.AddInvoiceItems, recurring: false, out oneTimePrices);
            if (error is not null)
            {
                return (null, error);
            }

            var currency = prices[0]["currency"]!.ToString();
            var interval = BillingInterval.Of(prices[0]);
            error = CheckSameTerms(draft, prices, oneTimePrices, currency, interval)
                    ?? CheckPaymentMethodTypes(caller, draft.PaymentMethodTypes, currency);
            if (error is not null)
            {
                return (null, error);
            }

            var now = clock.NowFor(customer.Id).ToUnixTimeSeconds();
            string? defaultPaymentMethod = null;
            if (draft.DefaultPaymentMethod is { } given)
            {
                error = OwnPaymentMethod(caller, customer, given, now, "default_payment_method", out defaultPaymentMethod);
                if (error is not null)
                {
                    return (null, error);
                }
            }

            long? trialEnd = draft.TrialEndNow ? null : draft.TrialEnd ?? (draft.TrialPeriodDays is { } days and > 0
                ? DateTimeOffset.FromUnixTimeSeconds(now).AddDays(days).ToUnixTimeSeconds()
                : null);
            if (trialEnd is { } end && end <= now)
            {
                return (null, StripeErrors.InvalidRequest(
                    "Invalid timestamp: must be in the future. trial_end must be a future time.", "trial_end"));
            }

            if (draft.CancelAt is { } cancelAtGiven && cancelAtGiven <= now)
            {
                return (null, StripeErrors.InvalidRequest("Invalid timestamp: cancel_at must be in the future.", "cancel_at"));
            }

            var id = Ids.New("sub");
            var trialing = trialEnd is not null;
            var anchor = trialEnd ?? now;
            var naturalEnd = trialEnd ?? interval.After(anchor, 1);
            var cancelAt = draft.CancelAtPeriodEnd ? naturalEnd : draft.CancelAt;
            var periodEnd = cancelAt is { } c && c < naturalEnd ? c : naturalEnd;

            var items = new JsonArray();
            var lines = new List<InvoiceLine>();
            for (var i = 0; i < prices.Count; i++)
            {
                var itemId = Ids.New("si", 14);
                var price = prices[i];
                var quantity = draft.Items[i].Quantity;
                items.Add(SubscriptionObjects.Item(itemId, id, price, quantity, draft.Items[i].Metadata, now, now, periodEnd));
                lines.Add(trialing
                    ? new InvoiceLine(0, quantity, $"Trial period for {ProductName(price)}", now, periodEnd, price, id, itemId)
                    : new InvoiceLine(LineAmount(price, quantity, now, periodEnd, naturalEnd), quantity,
                        LineDescription(price, quantity), now, periodEnd, price, id, itemId,
                        Proration: periodEnd < naturalEnd));
            }

            var typesJson = draft.PaymentMethodTypes is null
                ? null
                : new JsonArray(draft.PaymentMethodTypes.Select(t => (JsonNode)JsonValue.Create(t)).ToArray());
            subscription = customer.NewInSameScope(Kind, id, now,
                SubscriptionObjects.Subscription(id, customer, currency, items, now, anchor, draft.CollectionMethod,
                    draft.DaysUntilDue, defaultPaymentMethod, draft.Description, draft.Metadata.DeepClone().AsObject(),
                    typesJson, draft.SaveDefaultPaymentMethod, trialing ? now : null, trialEnd, cancelAt,
                    draft.CancelAtPeriodEnd, customer.Livemode));
            subscription.Data["application_fee_percent"] = draft.ApplicationFeePercent is { } feePercent ? JsonValue.Create(feePercent) : null;
            subscription.Meta["anchor"] = anchor;
            subscription.Meta["periods"] = trialing ? 0 : 1;
            subscription.Meta["payment_behavior"] = draft.PaymentBehavior;

            var invoiceItems = new List<StoredObject>();
            for (var i = 0; i < oneTimePrices.Count; i++)
            {
                var price = oneTimePrices[i];
                var quantity = draft.AddInvoiceItems[i].Quantity;
                var itemId = Ids.New("ii");
                invoiceItems.Add(customer.NewInSameScope(InvoiceObjects.ItemKind, itemId, now,
                    InvoiceObjects.Item(itemId, customer.Id, JsonNumber.Read(price["unit_amount"]) * quantity,
                        currency, quantity, ProductName(price), price, now, now, id, null,
                        customer.Data["test_clock"]?.ToString(), draft.AddInvoiceItems[i].Metadata.DeepClone().AsObject(),
                        true, now, customer.Livemode)));
            }

            invoiceItems.AddRange(invoices.PendingItems(customer, currency, id));
            var saveOnSubscription = draft.SaveDefaultPaymentMethod == "on_subscription";
            // An invoice's own period looks back (usage before it); the service period is on its lines.
            invoice = invoices.Draft(new InvoiceDraft(customer, currency, "subscription_create", lines, invoiceItems, now,
                now, now, subscription, typesJson, draft.CollectionMethod, draft.DaysUntilDue, AutoRetry: false,
                SetupFutureUsage: saveOnSubscription ? "off_session" : null));
            var nothingDue = InvoiceObjects.Amount(invoice.Data["amount_due"]) == 0;
            if (nothingDue && draft.PaymentBehavior == "default_incomplete"
                && draft.CollectionMethod == "charge_automatically" && defaultPaymentMethod is null)
            {
                var setup = setupIntents.CreateFor(subscription, customer.Id, draft.PaymentMethodTypes);
                if (setup.Error is not null)
                {
                    return (null, setup.Error);
                }

                subscription.Data["pending_setup_intent"] = setup.Intent!.Id;
            }

            error = invoices.Open(invoice, invoiceItems, invoiceEvents);
            if (error is not null)
            {
                return (null, error);
            }

            var paid = store.Find(invoice.Id)!.Data["status"]?.ToString() == "paid";
            var status = paid || draft.CollectionMethod == "send_invoice"
                ? trialing ? "trialing" : "active"
                : "incomplete";
            subscription.Data["status"] = status;
            subscription.Data["latest_invoice"] = invoice.Id;
            if (status == "incomplete")
            {
                subscription.Meta["expires_at"] = now + (long)settings.IncompleteExpiry.TotalSeconds;
            }

            store.Save(subscription);
            ScheduleAll(subscription);
            subscriptionEvents.Add("customer.subscription.created", subscription);
            attempt = status == "incomplete" && draft.PaymentBehavior is "allow_incomplete" or "error_if_incomplete";
            attemptWith = defaultPaymentMethod;
        }

        subscriptionEvents.Publish(events, store, idempotencyKey);
        invoiceEvents.Publish(events, store, idempotencyKey);
        if (!attempt)
        {
            return (store.Find(subscription.Id), null);
        }

        var result = invoices.Attempt(invoice.Id, attemptWith, AttemptKind.Manual);
        var after = store.Find(subscription.Id)!;
        if (draft.PaymentBehavior == "error_if_incomplete" && SubscriptionObjects.Status(after.Data) == "incomplete")
        {
            Expire(subscription.Id, null);
            return (null, result?.Error ?? StripeErrors.Create(StatusCodes.Status402PaymentRequired, "card_error",
                "The subscription's first invoice could not be paid.", "subscription_payment_intent_requires_action"));
        }

        return (after, null);
    }

    // ---- Update and cancel ----------------------------------------------------------------------------------------

    /// <summary>
    /// Applies <c>POST /v1/subscriptions/{id}</c>: <c>cancel_at_period_end</c>, <c>cancel_at</c>,
    /// <c>default_payment_method</c>, <c>metadata</c>, <c>description</c>, <c>payment_settings</c>,
    /// <c>cancellation_details</c>, <c>trial_end</c> and item price or quantity changes (taking effect from the next
    /// period; no proration).
    /// </summary>
    public (StoredObject? Subscription, IResult? Error) Update(ApiCaller caller, string id, StripeParams p, string? idempotencyKey)
    {
        var batch = new ObjectEventBatch();
        StoredObject? subscription;
        lock (store.Gate)
        {
            subscription = store.Find(id);
            if (subscription is not { Kind: Kind } || !caller.CanSee(subscription))
            {
                return (null, StripeErrors.NotFound("subscription", id));
            }

            var before = subscription.Data;
            var data = before.DeepClone().AsObject();
            var status = SubscriptionObjects.Status(data);
            var changing = p.Root.Select(kv => kv.Key).Where(k => k is not ("expand" or "metadata")).ToList();
            if (SubscriptionObjects.HasEnded(data) && changing.Any(k => k != "cancellation_details"))
            {
                return (null, StripeErrors.InvalidRequest(
                    "A canceled subscription can only update its cancellation_details and metadata.", changing[0]));
            }

            if (status == "incomplete" && changing.Any(k => k is "items" or "trial_end" or "cancel_at" or "cancel_at_period_end"))
            {
                return (null, StripeErrors.InvalidRequest(
                    "You cannot update a subscription in `incomplete` status in a way that results in a new invoice or invoice items. Only metadata and default_source can be updated.",
                    changing.First(k => k is "items" or "trial_end" or "cancel_at" or "cancel_at_period_end")));
            }

            var now = clock.NowFor(data["customer"]!.ToString()).ToUnixTimeSeconds();
            var customer = store.Find(data["customer"]!.ToString())!;
            var meta = subscription.Meta.DeepClone().AsObject();
            var error = ApplyUpdate(caller, customer, data, meta, p, now);
            if (error is not null)
            {
                return (null, error);
            }

            subscription.Data = data;
            subscription.Meta = meta;
            store.Save(subscription);
            ScheduleAll(subscription);
            var previous = ObjectEvents.PreviousAttributes(before, data);
            if (previous.Count > 0)
            {
                batch.Add("customer.subscription.updated", subscription, previous);
            }
        }

        // A new payment method for a past-due subscription is used by the next retry (or POST /v1/invoices/{id}/pay).
        batch.Publish(events, store, idempotencyKey);
        return (store.Find(id), null);
    }

    /// <summary><c>DELETE /v1/subscriptions/{id}</c>: canceled now.</summary>
    public (StoredObject? Subscription, IResult? Error) Cancel(ApiCaller caller, string id, string? comment, string? feedback,
        string? idempotencyKey)
    {
        var batch = new ObjectEventBatch();
        string? paymentIntentToCancel;
        lock (store.Gate)
        {
            var subscription = store.Find(id);
            if (subscription is not { Kind: Kind } || !caller.CanSee(subscription))
            {
                return (null, StripeErrors.NotFound("subscription", id));
            }

            if (SubscriptionObjects.HasEnded(subscription.Data))
            {
                return (null, StripeErrors.InvalidRequest(
                    "A canceled subscription can only update its cancellation_details and metadata."));
            }

            var now = clock.NowFor(subscription.Data["customer"]!.ToString()).ToUnixTimeSeconds();
            paymentIntentToCancel = EndLocked(subscription, now, "cancellation_requested", batch, comment, feedback);
        }

        batch.Publish(events, store, idempotencyKey);
        invoices.CancelPaymentIntent(paymentIntentToCancel);
        return (store.Find(id), null);
    }

    // ---- Scheduled work -------------------------------------------------------------------------------------------

    /// <summary>The end of the current period (or trial): renew with a new invoice, or end as asked.</summary>
    internal void PeriodEnd(ScheduledWork work)
    {
        var batch = new ObjectEventBatch();
        string? attemptInvoice = null;
        string? paymentIntentToCancel = null;
        lock (store.Gate)
        {
            if (store.Find(work.TargetId) is not { Kind: Kind } subscription)
            {
                return;
            }

            var data = subscription.Data;
            var status = SubscriptionObjects.Status(data);
            var periodEnd = SubscriptionObjects.PeriodEnd(data);
            var due = work.DueAt.ToUnixTimeSeconds();
            if (SubscriptionObjects.HasEnded(data) || status == "incomplete" || periodEnd > due)
            {
                return;
            }

            var cancelAt = SubscriptionObjects.Timestamp(data["cancel_at"]);
            if (data["cancel_at_period_end"]?.GetValue<bool>() == true || cancelAt <= periodEnd)
            {
                paymentIntentToCancel = EndLocked(subscription, periodEnd, "cancellation_requested", batch);
            }
            else
            {
                attemptInvoice = Renew(subscription, periodEnd, batch);
            }
        }

        batch.Publish(events, store);
        invoices.CancelPaymentIntent(paymentIntentToCancel);
        if (attemptInvoice is not null)
        {
            invoices.Attempt(attemptInvoice, null, AttemptKind.Automatic);
        }
    }

    internal void TrialWillEnd(ScheduledWork work)
    {
        StoredObject subscription;
        lock (store.Gate)
        {
            if (store.Find(work.TargetId) is not { Kind: Kind } found || SubscriptionObjects.Status(found.Data) != "trialing")
            {
                return;
            }

            subscription = found;
            subscription.Meta = subscription.Meta.DeepClone().AsObject();
            subscription.Meta["trial_will_end_sent"] = true;
            store.Save(subscription);
        }

        events.Publish(store, "customer.subscription.trial_will_end", subscription);
    }

    internal void IncompleteExpiry(ScheduledWork work) => Expire(work.TargetId, work.DueAt.ToUnixTimeSeconds());

    internal void CancelAt(ScheduledWork work)
    {
        var batch = new ObjectEventBatch();
        string? paymentIntentToCancel;
        lock (store.Gate)
        {
            if (store.Find(work.TargetId) is not { Kind: Kind } subscription || SubscriptionObjects.HasEnded(subscription.Data)
                || SubscriptionObjects.Timestamp(subscription.Data["cancel_at"]) is not { } cancelAt
                || cancelAt > work.DueAt.ToUnixTimeSeconds())
            {
                return;
            }

            paymentIntentToCancel = EndLocked(subscription, cancelAt, "cancellation_requested", batch);
        }

        batch.Publish(events, store);
        invoices.CancelPaymentIntent(paymentIntentToCancel);
    }

    // ---- Outcomes of invoices and set-ups ---------------------------------------------------------------------------

    /// <summary>An invoice of a subscription was paid, failed, needs action or ran out of retries.</summary>
    public void OnInvoice(InvoiceOutcome outcome)
    {
        if (outcome.SubscriptionId is not { } id)
        {
            return;
        }

        var batch = new ObjectEventBatch();
        string? paymentIntentToCancel = null;
        lock (store.Gate)
        {
            if (store.Find(id) is not { Kind: Kind } subscription || SubscriptionObjects.HasEnded(subscription.Data))
            {
                return;
            }

            var before = subscription.Data;
            var data = before.DeepClone().AsObject();
            var status = SubscriptionObjects.Status(data);
            var now = clock.NowFor(data["customer"]!.ToString()).ToUnixTimeSeconds();
            var latest = data["latest_invoice"]?.ToString() == outcome.Invoice.Id;
            var cycle = outcome.BillingReason != "subscription_create";
            switch (outcome.Kind)
            {
                case InvoiceOutcomeKind.Paid:
                    if (latest && status is "incomplete" or "past_due" or "unpaid")
                    {
                        data["status"] = SubscriptionObjects.Timestamp(data["trial_end"]) > now ? "trialing" : "active";
                    }

                    if (data["payment_settings"]?["save_default_payment_method"]?.ToString() == "on_subscription"
                        && outcome.PaymentMethodId is { } paymentMethod && store.Find(paymentMethod) is { } stored
                        && PaymentMethodAttachments.CustomerOf(stored) == data["customer"]!.ToString())
                    {
                        data["default_payment_method"] = paymentMethod;
                    }

                    schedule.Cancel(ExpiryWork, id);
                    break;
                case InvoiceOutcomeKind.PaymentFailed or InvoiceOutcomeKind.ActionRequired
                    when latest && cycle && status is "active" or "trialing":
                    data["status"] = "past_due";
                    break;
                case InvoiceOutcomeKind.PaymentFailed when status == "incomplete"
                                                          && subscription.Meta["expire_when_failed"] is not null:
                    subscription.Data = data;
                    paymentIntentToCancel = ExpireLocked(subscription, now, batch);
                    batch.Publish(events, store);
                    invoices.CancelPaymentIntent(paymentIntentToCancel);
                    return;
                case InvoiceOutcomeKind.RetriesExhausted when latest:
                    if (settings.AfterFailedRetries == AfterFailedRetries.Cancel)
                    {
                        subscription.Data = data;
                        paymentIntentToCancel = EndLocked(subscription, now, "payment_failed", batch);
                        batch.Publish(events, store);
                        invoices.CancelPaymentIntent(paymentIntentToCancel);
                        return;
                    }

                    data["status"] = settings.AfterFailedRetries == AfterFailedRetries.MarkUnpaid ? "unpaid" : "past_due";
                    break;
            }

            subscription.Data = data;
            store.Save(subscription);
            if (SubscriptionObjects.Status(before) != SubscriptionObjects.Status(data))
            {
                ScheduleAll(subscription);
            }

            var previous = ObjectEvents.PreviousAttributes(before, data);
            if (previous.Count > 0)
            {
                batch.Add("customer.subscription.updated", subscription, previous);
            }
        }

        batch.Publish(events, store);
    }

    /// <summary>A subscription's <c>pending_setup_intent</c> succeeded: its payment method becomes the default.</summary>
    public void OnSetupIntent(SetupIntentOutcome outcome)
    {
        if (outcome.Kind != SetupIntentOutcomeKind.Succeeded)
        {
            return;
        }

        var batch = new ObjectEventBatch();
        lock (store.Gate)
        {
            var setupIntent = outcome.SetupIntent;
            var subscription = store.All(Kind, s => s.Platform == setupIntent.Platform && s.Account == setupIntent.Account
                                                    && s.Data["pending_setup_intent"]?.ToString() == setupIntent.Id)
                .FirstOrDefault();
            if (subscription is null)
            {
                return;
            }

            var before = subscription.Data;
            var data = before.DeepClone().AsObject();
            data["pending_setup_intent"] = null;
            if (data["payment_settings"]?["save_default_payment_method"]?.ToString() == "on_subscription"
                && outcome.PaymentMethodId is { } paymentMethod)
            {
                data["default_payment_method"] = paymentMethod;
            }

            subscription.Data = data;
            store.Save(subscription);
            batch.Add("customer.subscription.updated", subscription, ObjectEvents.PreviousAttributes(before, data));
        }

        batch.Publish(events, store);
    }

    /// <summary>A test clock was deleted: its live subscriptions end now, without invoices, as Stripe ends them.</summary>
    public void EndOnDeletedClock(string testClockId, long now)
    {
        var batch = new ObjectEventBatch();
        var paymentIntents = new List<string?>();
        lock (store.Gate)
        {
            foreach (var subscription in store.All(Kind, s => s.Data["test_clock"]?.ToString() == testClockId
                                                              && !SubscriptionObjects.HasEnded(s.Data)))
            {
                paymentIntents.Add(EndLocked(subscription, now, "cancellation_requested", batch));
            }
        }

        batch.Publish(events, store);
        foreach (var paymentIntent in paymentIntents)
        {
            invoices.CancelPaymentIntent(paymentIntent);
        }
    }

    /// <summary>The shortest billing period among a test clock's live subscriptions (its advance limit); null for none.</summary>
    public TimeSpan? ShortestInterval(string testClockId) =>
        store.All(Kind, s => s.Data["test_clock"]?.ToString() == testClockId && !SubscriptionObjects.HasEnded(s.Data))
            .SelectMany(s => SubscriptionObjects.Items(s.Data))
            .Select(i => (TimeSpan?)BillingInterval.Of(i["price"]!.AsObject()).Length)
            .Min();

    // ---- Inside the gate --------------------------------------------------------------------------------------------

    /// <summary>Moves a subscription into its next period: new item periods and a <c>subscription_cycle</c> invoice.
    /// Returns the invoice to collect, if any.</summary>
    private string? Renew(StoredObject subscription, long periodStart, ObjectEventBatch batch)
    {
        var before = subscription.Data;
        var data = before.DeepClone().AsObject();
        var customer = store.Find(data["customer"]!.ToString())!;
        var anchor = JsonNumber.Read(subscription.Meta["anchor"]);
        var periods = JsonNumber.Read(subscription.Meta["periods"]) + 1;
        var items = SubscriptionObjects.Items(data).ToList();
        var interval = BillingInterval.Of(items[0]["price"]!.AsObject());
        var naturalEnd = interval.After(anchor, periods);
        var cancelAt = SubscriptionObjects.Timestamp(data["cancel_at"]);
        var periodEnd = cancelAt is { } c && c < naturalEnd ? c : naturalEnd;
        var status = SubscriptionObjects.Status(data);
        if (status == "trialing")
        {
            data["status"] = "active";
        }

        var lines = new List<InvoiceLine>();
        foreach (var item in items)
        {
            var price = item["price"]!.AsObject();
            var quantity = JsonNumber.Read(item["quantity"]);
            item["current_period_start"] = periodStart;
            item["current_period_end"] = periodEnd;
            lines.Add(new InvoiceLine(LineAmount(price, quantity, periodStart, periodEnd, naturalEnd), quantity,
                LineDescription(price, quantity), periodStart, periodEnd, price, subscription.Id, item["id"]!.ToString(),
                Proration: periodEnd < naturalEnd));
        }

        var currency = data["currency"]!.ToString();
        var pending = invoices.PendingItems(customer, currency, subscription.Id);
        // An invoice's own period looks back one period; the service period is on its lines.
        var invoice = invoices.Draft(new InvoiceDraft(customer, currency, "subscription_cycle", lines, pending,
            SubscriptionObjects.PeriodStart(before), periodStart, periodStart, subscription, data["payment_settings"]?["payment_method_types"] as JsonArray,
            data["collection_method"]!.ToString(), SubscriptionObjects.Timestamp(data["days_until_due"]), AutoRetry: true));
        string? attempt = null;
        if (status == "unpaid")
        {
            // Stripe leaves an unpaid subscription's new invoices as drafts until it is paid.
            var draftData = invoice.Data.DeepClone().AsObject();
            draftData["auto_advance"] = false;
            invoice.Data = draftData;
            foreach (var item in pending)
            {
                var itemData = item.Data.DeepClone().AsObject();
                itemData["invoice"] = invoice.Id;
                item.Data = itemData;
                store.Save(item);
            }

            store.Save(invoice);
            batch.Add("invoice.created", invoice);
        }
        else
        {
            var error = invoices.Open(invoice, pending, batch);
            if (error is not null)
            {
                LogRenewalNotFinalized(subscription.Id, (error as StripeJsonResult)?.Body["error"]?["message"]?.ToString());
                var draftData = invoice.Data.DeepClone().AsObject();
                draftData["last_finalization_error"] = (error as StripeJsonResult)?.Body["error"]?.DeepClone();
                invoice.Data = draftData;
                store.Save(invoice);
                batch.Add("invoice.created", invoice);
                batch.Add("invoice.finalization_failed", invoice);
            }
            else if (store.Find(invoice.Id)!.Data["status"]?.ToString() == "open"
                     && data["collection_method"]?.ToString() == "charge_automatically")
            {
                attempt = invoice.Id;
            }
        }

        data["latest_invoice"] = invoice.Id;
        subscription.Data = data;
        subscription.Meta = subscription.Meta.DeepClone().AsObject();
        subscription.Meta["periods"] = periods;
        store.Save(subscription);
        ScheduleAll(subscription);
        batch.Add("customer.subscription.updated", subscription, ObjectEvents.PreviousAttributes(before, data));
        return attempt;
    }

    /// <summary>Ends a subscription (<c>canceled</c>), stops its work and retries; an incomplete one's first invoice is
    /// voided. Returns a PaymentIntent to cancel outside the gate.</summary>
    private string? EndLocked(StoredObject subscription, long now, string reason, ObjectEventBatch batch,
        string? comment = null, string? feedback = null)
    {
        var data = subscription.Data.DeepClone().AsObject();
        var wasIncomplete = SubscriptionObjects.Status(data) == "incomplete";
        data["status"] = "canceled";
        data["ended_at"] = now;
        data["canceled_at"] ??= now;
        var details = data["cancellation_details"]!.AsObject();
        details["reason"] = reason == "payment_failed" || details["reason"] is null ? reason : details["reason"]!.ToString();
        if (comment is not null)
        {
            details["comment"] = comment;
        }

        if (feedback is not null)
        {
            details["feedback"] = feedback;
        }

        subscription.Data = data;
        store.Save(subscription);
        foreach (var kind in AllWork)
        {
            schedule.Cancel(kind, subscription.Id);
        }

        string? paymentIntent = null;
        if (data["latest_invoice"]?.ToString() is { } latest)
        {
            if (wasIncomplete)
            {
                paymentIntent = invoices.Void(latest, now, batch);
            }
            else
            {
                invoices.StopRetries(latest);
            }
        }

        batch.Add("customer.subscription.deleted", subscription);
        return paymentIntent;
    }

    /// <summary>The 23-hour limit of an incomplete subscription: <c>incomplete_expired</c>, its invoice voided. While
    /// its first payment is a processing BACS debit it waits, and expires if that debit fails.</summary>
    private void Expire(string id, long? due)
    {
        var batch = new ObjectEventBatch();
        string? paymentIntentToCancel;
        lock (store.Gate)
        {
            if (store.Find(id) is not { Kind: Kind } subscription || SubscriptionObjects.Status(subscription.Data) != "incomplete")
            {
                return;
            }

            var now = due ?? clock.NowFor(subscription.Data["customer"]!.ToString()).ToUnixTimeSeconds();
            if (due is not null && subscription.Data["latest_invoice"]?.ToString() is { } latest
                && store.Find(latest)?.Meta["payment_intent"]?.ToString() is { } paymentIntentId
                && store.Find(paymentIntentId)?.Data["status"]?.ToString() == "processing")
            {
                subscription.Meta = subscription.Meta.DeepClone().AsObject();
                subscription.Meta["expire_when_failed"] = true;
                store.Save(subscription);
                return;
            }

            paymentIntentToCancel = ExpireLocked(subscription, now, batch);
        }

        batch.Publish(events, store);
        invoices.CancelPaymentIntent(paymentIntentToCancel);
    }

    private string? ExpireLocked(StoredObject subscription, long now, ObjectEventBatch batch)
    {
        var before = subscription.Data;
        var data = before.DeepClone().AsObject();
        data["status"] = "incomplete_expired";
        data["ended_at"] = now;
        data["canceled_at"] = now;
        subscription.Data = data;
        store.Save(subscription);
        foreach (var kind in AllWork)
        {
            schedule.Cancel(kind, subscription.Id);
        }

        var paymentIntent = data["latest_invoice"]?.ToString() is { } latest ? invoices.Void(latest, now, batch) : null;
        batch.Add("customer.subscription.updated", subscription, ObjectEvents.PreviousAttributes(before, data));
        return paymentIntent;
    }

    /// <summary>(Re)schedules a live subscription's work: its period end, trial notice, expiry and <c>cancel_at</c>.</summary>
    private void ScheduleAll(StoredObject subscription)
    {
        foreach (var kind in AllWork)
        {
            schedule.Cancel(kind, subscription.Id);
        }

        var data = subscription.Data;
        if (SubscriptionObjects.HasEnded(data))
        {
            return;
        }

        var testClock = data["test_clock"]?.ToString();
        var status = SubscriptionObjects.Status(data);
        DateTimeOffset At(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);
        schedule.Schedule(PeriodEndWork, subscription.Id, At(SubscriptionObjects.PeriodEnd(data)), testClock);
        if (status == "incomplete" && subscription.Meta["expires_at"] is { } expiresAt)
        {
            schedule.Schedule(ExpiryWork, subscription.Id, At(JsonNumber.Read(expiresAt)), testClock);
        }

        if (status == "trialing" && SubscriptionObjects.Timestamp(data["trial_end"]) is { } trialEnd
            && subscription.Meta["trial_will_end_sent"] is null)
        {
            var notice = Math.Max(trialEnd - (long)settings.TrialWillEndNotice.TotalSeconds, SubscriptionObjects.Timestamp(data["created"]) ?? 0);
            schedule.Schedule(TrialWillEndWork, subscription.Id, At(notice), testClock);
        }

        if (SubscriptionObjects.Timestamp(data["cancel_at"]) is { } cancelAt)
        {
            schedule.Schedule(CancelAtWork, subscription.Id, At(cancelAt), testClock);
        }
    }

    private IResult? ApplyUpdate(ApiCaller caller, StoredObject customer, JsonObject data, JsonObject meta, StripeParams p,
        long now)
    {
        var periodEnd = SubscriptionObjects.PeriodEnd(data);
        if (p.Has("cancel_at_period_end"))
        {
            if (!p.TryBool("cancel_at_period_end", out var atPeriodEnd))
            {
                return StripeErrors.InvalidRequest($"Invalid boolean: {p.String("cancel_at_period_end")}", "cancel_at_period_end");
            }

            if (p.Has("cancel_at") && atPeriodEnd == true && p.String("cancel_at") != "")
            {
                return StripeErrors.InvalidRequest(
                    "You may only specify one of these parameters: cancel_at, cancel_at_period_end.", "cancel_at");
            }

            data["cancel_at_period_end"] = atPeriodEnd == true;
            data["cancel_at"] = atPeriodEnd == true ? periodEnd : null;
            data["canceled_at"] = atPeriodEnd == true ? now : null;
            data["cancellation_details"]!["reason"] = atPeriodEnd == true ? "cancellation_requested" : null;
        }

        if (p.String("cancel_at") is { } cancelAtText)
        {
            if (cancelAtText == "")
            {
                data["cancel_at"] = null;
                data["cancel_at_period_end"] = false;
                data["canceled_at"] = null;
                data["cancellation_details"]!["reason"] = null;
            }
            else if (!p.TryLong("cancel_at", out var cancelAt) || cancelAt <= now)
            {
                return StripeErrors.InvalidRequest("Invalid timestamp: cancel_at must be in the future.", "cancel_at");
            }
            else
            {
                data["cancel_at"] = cancelAt;
                data["cancel_at_period_end"] = cancelAt == periodEnd;
                data["canceled_at"] = now;
                data["cancellation_details"]!["reason"] = "cancellation_requested";
            }
        }

        if (p.String("default_payment_method") is { } paymentMethod)
        {
            if (paymentMethod == "")
            {
                data["default_payment_method"] = null;
            }
            else
            {
                var error = OwnPaymentMethod(caller, customer, paymentMethod, now, "default_payment_method", out var own);
                if (error is not null)
                {
                    return error;
                }

                data["default_payment_method"] = own;
            }
        }

        if (p.Node("description") is { } description)
        {
            data["description"] = description.ToString() == "" ? null : description.ToString();
        }

        if (p.Has("cancellation_details"))
        {
            foreach (var field in new[] { "comment", "feedback" })
            {
                if (p.String($"cancellation_details.{field}") is { } value)
                {
                    data["cancellation_details"]![field] = value == "" ? null : value;
                }
            }
        }

        if (p.Has("payment_settings"))
        {
            var types = IntentSupport.List(p, "payment_settings.payment_method_types");
            var error = CheckPaymentMethodTypes(caller, types, data["currency"]!.ToString());
            if (error is not null)
            {
                return error;
            }

            if (p.Has("payment_settings.payment_method_types"))
            {
                data["payment_settings"]!["payment_method_types"] = types is null or { Count: 0 }
                    ? null
                    : new JsonArray(types.Select(t => (JsonNode)JsonValue.Create(t)).ToArray());
            }

            if (p.String("payment_settings.save_default_payment_method") is { } save)
            {
                data["payment_settings"]!["save_default_payment_method"] = save;
            }
        }

        if (p.String("trial_end") is { } trialEndText && SubscriptionObjects.Status(data) == "trialing")
        {
            if (trialEndText == "now")
            {
                // The trial ends at once: the period end runs now (on the schedule).
                foreach (var item in SubscriptionObjects.Items(data))
                {
                    item["current_period_end"] = now;
                }

                data["trial_end"] = now;
                meta["anchor"] = now;
            }
            else if (!p.TryLong("trial_end", out var trialEnd) || trialEnd <= now)
            {
                return StripeErrors.InvalidRequest("Invalid timestamp: trial_end must be in the future.", "trial_end");
            }
            else
            {
                foreach (var item in SubscriptionObjects.Items(data))
                {
                    item["current_period_end"] = trialEnd;
                }

                data["trial_end"] = trialEnd;
                data["billing_cycle_anchor"] = trialEnd;
                meta["anchor"] = trialEnd;
            }
        }

        if (p.Node("items") is JsonArray changes)
        {
            for (var i = 0; i < changes.Count; i++)
            {
                var error = ApplyItemChange(caller, data, p, i);
                if (error is not null)
                {
                    return error;
                }
            }
        }

        data["metadata"] = p.MergeMetadata(data["metadata"] as JsonObject);
        return null;
    }

    private IResult? ApplyItemChange(ApiCaller caller, JsonObject data, StripeParams p, int i)
    {
        var path = $"items.{i}";
        var unknown = p.Unknown(path, "id", "price", "quantity", "metadata", "deleted");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var items = SubscriptionObjects.Items(data).ToList();
        var itemId = p.String($"{path}.id");
        var item = itemId is null ? null : items.FirstOrDefault(x => x["id"]?.ToString() == itemId);
        if (itemId is not null && item is null)
        {
            return StripeErrors.InvalidRequest($"No such subscription item: '{itemId}'", $"items[{i}][id]", "resource_missing");
        }

        if (item is null)
        {
            return StripeErrors.InvalidRequest(
                "The sandbox changes existing subscription items only: give items[][id] with the new price or quantity.",
                $"items[{i}][id]");
        }

        if (!p.TryLong($"{path}.quantity", out var quantity) || quantity is < 0)
        {
            return StripeErrors.InvalidRequest($"Invalid integer: {p.String($"{path}.quantity")}", $"items[{i}][quantity]",
                "parameter_invalid_integer");
        }

        if (quantity is { } q)
        {
            item["quantity"] = q;
        }

        if (p.String($"{path}.price") is { } priceId && priceId != item["price"]?["id"]?.ToString())
        {
            var error = ResolvePrices(caller, [new SubscriptionItemDraft(priceId, 1, [], $"items[{i}]")], true, out var prices);
            if (error is not null)
            {
                return error;
            }

            var price = prices[0];
            if (price["currency"]?.ToString() != data["currency"]?.ToString())
            {
                return StripeErrors.InvalidRequest(
                    "Currency and interval fields must match across all plans on this subscription. Found mismatch in currency field.",
                    $"items[{i}][price]");
            }

            if (BillingInterval.Of(price) != BillingInterval.Of(item["price"]!.AsObject()))
            {
                return StripeErrors.InvalidRequest(
                    "The sandbox does not change a subscription's billing interval: use a price with the same interval.",
                    $"items[{i}][price]");
            }

            // As with proration_behavior=none: the item shows the new price now, and it is billed from the next period.
            item["price"] = price.DeepClone();
            item["plan"] = SubscriptionObjects.Plan(price);
        }

        if (p.Has($"{path}.metadata"))
        {
            var merged = item["metadata"]?.DeepClone().AsObject() ?? [];
            foreach (var (key, value) in p.Object($"{path}.metadata") ?? [])
            {
                if (value?.ToString() is { Length: > 0 } text)
                {
                    merged[key] = text;
                }
                else
                {
                    merged.Remove(key);
                }
            }

            item["metadata"] = merged;
        }

        return null;
    }

    private IResult? ResolvePrices(ApiCaller caller, IReadOnlyList<SubscriptionItemDraft> drafts, bool recurring,
        out List<JsonObject> prices)
    {
        prices = [];
        foreach (var draft in drafts)
        {
            var param = $"{draft.Param}[price]";
            if (store.Find(draft.Price) is not { Kind: PricesApi.Kind } price || !caller.CanSee(price))
            {
                return PricesApi.NotFound(draft.Price, param);
            }

            var type = price.Data["type"]?.ToString();
            if (recurring && type != "recurring")
            {
                return StripeErrors.InvalidRequest(
                    "The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.",
                    param);
            }

            if (!recurring && type != "one_time")
            {
                return StripeErrors.InvalidRequest(
                    "The price specified is set to `type=recurring` but this field only accepts prices with `type=one_time`.",
                    param);
            }

            if (price.Data["active"]?.GetValue<bool>() == false)
            {
                return StripeErrors.InvalidRequest(
                    "The price specified is inactive. This field only accepts active prices.", param);
            }

            prices.Add(price.Data);
        }

        return null;
    }

    private static IResult? CheckSameTerms(SubscriptionDraft draft, List<JsonObject> prices, List<JsonObject> oneTime,
        string currency, BillingInterval interval)
    {
        for (var i = 1; i < prices.Count; i++)
        {
            var field = prices[i]["currency"]?.ToString() != currency ? "currency"
                : BillingInterval.Of(prices[i]) != interval ? "interval" : null;
            if (field is not null)
            {
                return StripeErrors.InvalidRequest(
                    $"Currency and interval fields must match across all plans on this subscription. Found mismatch in {field} field.",
                    $"{draft.Items[i].Param}[price]");
            }
        }

        for (var i = 0; i < oneTime.Count; i++)
        {
            if (oneTime[i]["currency"]?.ToString() != currency)
            {
                return StripeErrors.InvalidRequest(
                    $"The currency of add_invoice_items[{i}] ({oneTime[i]["currency"]}) must match the subscription's currency ({currency}).",
                    $"{draft.AddInvoiceItems[i].Param}[price]");
            }
        }

        return null;
    }

    /// <summary><c>payment_settings[payment_method_types]</c>: types the sandbox supports, and BACS only in GBP and
    /// only on an account that can take it (<see cref="BacsAvailability"/>).</summary>
    private IResult? CheckPaymentMethodTypes(ApiCaller caller, IReadOnlyList<string>? types, string currency)
    {
        const string Param = "payment_settings[payment_method_types]";
        foreach (var type in types ?? [])
        {
            if (!IntentSupport.SupportedTypes.Contains(type))
            {
                return StripeErrors.InvalidRequest(
                    $"The payment method type provided: {type} is invalid. Please ensure the provided type is activated in your dashboard (https://dashboard.stripe.com/account/payments/settings). The Stripe sandbox supports card and bacs_debit.",
                    Param, "payment_intent_invalid_parameter");
            }

            if (type == "bacs_debit" && currency != "gbp")
            {
                return StripeErrors.InvalidRequest(
                    $"The currency provided ({currency}) is invalid for one or more payment method types on this subscription. Payment method type bacs_debit only supports gbp.",
                    Param, "payment_method_currency_mismatch");
            }

            if (type == "bacs_debit" && !BacsAvailability.IsAvailable(store, caller))
            {
                return BacsAvailability.Refusal(Param);
            }
        }

        return null;
    }

    /// <summary>A payment method of the customer's own, by id (a <c>pm_card_*</c> id is attached first, as Stripe's test ids are).</summary>
    private IResult? OwnPaymentMethod(ApiCaller caller, StoredObject customer, string id, long now, string param, out string? own)
    {
        own = null;
        var error = PaymentMethodAttachments.Resolve(store, caller, id, now, param, out var paymentMethod);
        if (error is not null)
        {
            return error;
        }

        if (TestCards.ForPaymentMethodId(id) is not null)
        {
            var batch = new ObjectEventBatch();
            error = PaymentMethodAttachments.Attach(store, paymentMethod!, customer, batch);
            if (error is not null)
            {
                return error;
            }

            batch.Publish(events, store);
        }

        if (PaymentMethodAttachments.CustomerOf(paymentMethod!) != customer.Id)
        {
            return StripeErrors.InvalidRequest(
                $"The customer does not have a payment method with the ID {id}. The payment method must be attached to the customer.",
                param, "resource_missing");
        }

        own = paymentMethod!.Id;
        return null;
    }

    /// <summary>The name of the price's product, which lives beside the price (its id may be one only that account uses).</summary>
    private string ProductName(JsonObject price) =>
        price["product"]?.ToString() is { } product && store.Find(price["id"]?.ToString() ?? "") is { } stored
        && store.Find(product, stored.Scope)?.Data["name"]?.ToString() is { } name
            ? name
            : price["nickname"]?.ToString() ?? "Subscription";

    private string LineDescription(JsonObject price, long quantity)
    {
        var currency = price["currency"]!.ToString();
        var unit = JsonNumber.Read(price["unit_amount"]);
        return $"{quantity} × {ProductName(price)} (at {Currencies.Format(unit, currency)} / {BillingInterval.Of(price).Label})";
    }

    /// <summary>The amount of a line: unit × quantity, prorated when the period was cut short by <c>cancel_at</c>.</summary>
    private static long LineAmount(JsonObject price, long quantity, long start, long end, long naturalEnd)
    {
        var full = JsonNumber.Read(price["unit_amount"]) * quantity;
        if (end >= naturalEnd || naturalEnd <= start)
        {
            return full;
        }

        return (long)Math.Round(full * (decimal)(end - start) / (naturalEnd - start), MidpointRounding.AwayFromZero);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The renewal invoice of {SubscriptionId} could not be finalized: {Reason}")]
    private partial void LogRenewalNotFinalized(string subscriptionId, string? reason);
}
