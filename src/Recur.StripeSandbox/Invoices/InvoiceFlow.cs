using System.Globalization;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Customers;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.PaymentIntents;
using Recur.StripeSandbox.Scheduling;
using Recur.StripeSandbox.Subscriptions;

namespace Recur.StripeSandbox.Invoices;

public enum InvoiceOutcomeKind
{
    Paid,
    PaymentFailed,
    ActionRequired,

    /// <summary>A BACS debit is on its way: the invoice stays open until it settles.</summary>
    Processing,

    /// <summary>The last automatic retry failed too; no more attempts are scheduled.</summary>
    RetriesExhausted,
}

/// <summary>What happened to an invoice's payment. <see cref="Invoice"/> is a copy taken at that moment.</summary>
public sealed record InvoiceOutcome(InvoiceOutcomeKind Kind, StoredObject Invoice, string? PaymentMethodId)
{
    public string? SubscriptionId => Invoice.Meta["subscription"]?.ToString();

    public string BillingReason => Invoice.Data["billing_reason"]?.ToString() ?? "manual";
}

/// <summary>Subscribe here to react to invoice payments (subscriptions do).</summary>
public sealed class InvoiceOutcomes(ILogger<InvoiceOutcomes> logger) : OutcomeHooks<InvoiceOutcome>(logger);

/// <summary>Who started a payment attempt: Stripe's own schedule (renewals, retries) or a call (<c>pay</c>).</summary>
public enum AttemptKind
{
    Automatic,
    Manual,
}

/// <summary>An invoice to make: for whom, what for, and how it is collected.</summary>
/// <param name="Items">Invoice items it takes: new ones (not saved yet, e.g. <c>add_invoice_items</c>) and pending ones.</param>
/// <param name="AutoRetry">Failed automatic payments are retried on <see cref="BillingSettings.RetryDelays"/>.</param>
/// <param name="SetupFutureUsage">The PaymentIntent's <c>setup_future_usage</c>.</param>
public sealed record InvoiceDraft(
    StoredObject Customer,
    string Currency,
    string BillingReason,
    IReadOnlyList<InvoiceLine> Lines,
    IReadOnlyList<StoredObject> Items,
    long PeriodStart,
    long PeriodEnd,
    long Now,
    StoredObject? Subscription = null,
    JsonArray? PaymentMethodTypes = null,
    string CollectionMethod = "charge_automatically",
    long? DaysUntilDue = null,
    bool AutoRetry = false,
    string? SetupFutureUsage = null);

/// <summary>
/// The invoice status machine: <c>draft</c> → <c>open</c> (finalized: numbered, a PaymentIntent made for the amount
/// due, <c>confirmation_secret</c> and an <c>invoice_payment</c>) → <c>paid</c> when its PaymentIntent succeeds, or
/// <c>void</c>. A zero invoice is paid when finalized. Payment attempts are confirmations of the invoice's
/// PaymentIntent; their outcomes come back through <see cref="PaymentIntentOutcomes"/> and update
/// <c>attempted</c>, <c>attempt_count</c> and <c>next_payment_attempt</c>. Failed automatic payments of renewal
/// invoices are retried on <see cref="BillingSettings.RetryDelays"/>. Events: <c>invoice.created|finalized|paid|
/// payment_succeeded|payment_failed|payment_action_required|voided</c>, <c>invoice_payment.paid</c>,
/// <c>invoiceitem.created</c>; outcomes are raised on <see cref="InvoiceOutcomes"/>.
/// </summary>
public sealed class InvoiceFlow(SandboxStore store, SandboxEvents events, SandboxSchedule schedule, SandboxClock clock,
    PaymentIntentFlow paymentIntents, InvoiceOutcomes outcomes, BillingSettings settings, SandboxOrigin origin)
{
    public const string Kind = InvoiceObjects.InvoiceKind;
    public const string RetryWork = "invoice.payment_retry";
    public const string HostedPageKind = "hosted_invoice_page";

    /// <summary>A draft invoice, not saved yet, with lines for <paramref name="draft"/>'s lines and items.</summary>
    public StoredObject Draft(InvoiceDraft draft)
    {
        var id = Ids.New("in");
        var lines = draft.Lines.ToList();
        foreach (var item in draft.Items)
        {
            lines.Add(LineOf(item));
        }

        var customer = draft.Customer;
        var accountCountry = customer.Account is not null && store.Find(customer.Account) is { Kind: "account" } account
            ? account.Data["country"]?.ToString()
            : null;
        var data = InvoiceObjects.Invoice(id, customer, draft.Currency, draft.BillingReason, draft.CollectionMethod, lines,
            draft.PeriodStart, draft.PeriodEnd, draft.Now, draft.Subscription, draft.PaymentMethodTypes, accountCountry,
            customer.Livemode);
        // Until it is finalized, an invoice's starting_balance is the customer's current balance
        // (https://docs.stripe.com/api/invoices/object#invoice_object-starting_balance).
        data["starting_balance"] = CustomerBalance.Of(customer, draft.Currency);
        var invoice = customer.NewInSameScope(Kind, id, draft.Now, data);
        invoice.Meta["auto_retry"] = draft.AutoRetry;
        invoice.Meta["outcomes"] = 0;
        if (draft.Subscription is not null)
        {
            invoice.Meta["subscription"] = draft.Subscription.Id;
        }

        if (draft.SetupFutureUsage is not null)
        {
            invoice.Meta["setup_future_usage"] = draft.SetupFutureUsage;
        }

        if (draft.DaysUntilDue is { } days)
        {
            invoice.Meta["days_until_due"] = days;
        }

        return invoice;
    }

    /// <summary>
    /// Under the gate: saves a draft from <see cref="Draft"/> and finalizes it (<c>open</c>, or <c>paid</c> when nothing
    /// is due). Its invoice items are saved with the invoice. Returns the error that stopped finalization (the
    /// PaymentIntent could not be made), in which case nothing is saved.
    /// </summary>
    public IResult? Open(StoredObject invoice, IReadOnlyList<StoredObject> items, ObjectEventBatch batch)
    {
        var data = invoice.Data;
        var now = InvoiceObjects.Amount(data["created"]);
        var balance = CustomerBalance.Plan(store, data);
        var amount = InvoiceObjects.Amount(data["amount_remaining"]);
        var currency = data["currency"]!.ToString();
        var customerId = data["customer"]!.ToString();
        StoredObject? paymentIntent = null;
        if (amount > 0)
        {
            var types = data["payment_settings"]?["payment_method_types"] is JsonArray array
                ? array.Select(t => t!.ToString()).ToList()
                : null;
            var result = paymentIntents.CreateForInvoice(new InvoicePaymentRequest(invoice, amount, currency, customerId,
                types, data["billing_reason"]?.ToString() switch
                {
                    "subscription_create" => "Subscription creation",
                    "subscription_cycle" or "subscription_update" => "Subscription update",
                    _ => null,
                }, null, invoice.Meta["setup_future_usage"]?.ToString()));
            if (result.Error is not null)
            {
                return result.Error;
            }

            paymentIntent = result.Intent!;
        }

        foreach (var item in items)
        {
            var isNew = store.Find(item.Id) is null;
            var itemData = item.Data.DeepClone().AsObject();
            itemData["invoice"] = invoice.Id;
            item.Data = itemData;
            store.Save(item);
            if (isNew)
            {
                batch.Add("invoiceitem.created", item);
            }
        }

        store.Save(invoice);
        batch.Add("invoice.created", invoice);
        Finalize(invoice, paymentIntent, now, batch);
        if (balance is not null)
        {
            CustomerBalance.Commit(store, balance, invoice, now, batch);
        }

        return null;
    }

    /// <summary>
    /// Finalizes a draft invoice (an unpaid subscription's renewal): numbered, <c>open</c>, its PaymentIntent made.
    /// Returns the error that stopped it, if any.
    /// </summary>
    public IResult? FinalizeDraft(string invoiceId, string? idempotencyKey)
    {
        var batch = new ObjectEventBatch();
        lock (store.Gate)
        {
            if (store.Find(invoiceId) is not { Kind: Kind } invoice)
            {
                return StripeErrors.NotFound("invoice", invoiceId);
            }

            if (invoice.Data["status"]?.ToString() != "draft")
            {
                return StripeErrors.InvalidRequest(
                    $"This invoice is already finalized, you can't re-finalize a non-draft invoice.", null,
                    "invoice_not_editable");
            }

            var planned = invoice.Data.DeepClone().AsObject();
            var balance = CustomerBalance.Plan(store, planned);
            var amount = InvoiceObjects.Amount(planned["amount_remaining"]);
            StoredObject? paymentIntent = null;
            if (amount > 0)
            {
                var result = paymentIntents.CreateForInvoice(new InvoicePaymentRequest(invoice, amount,
                    invoice.Data["currency"]!.ToString(), invoice.Data["customer"]?.ToString(),
                    invoice.Data["payment_settings"]?["payment_method_types"] is JsonArray types
                        ? types.Select(t => t!.ToString()).ToList()
                        : null));
                if (result.Error is not null)
                {
                    return result.Error;
                }

                paymentIntent = result.Intent;
            }

            invoice.Data = planned;
            Finalize(invoice, paymentIntent, Now(invoice), batch);
            if (balance is not null)
            {
                CustomerBalance.Commit(store, balance, invoice, Now(invoice), batch);
            }

            if (invoice.Data["status"]?.ToString() == "open")
            {
                // Finalized by a call: collected by the next call to pay, not on a schedule.
                var data = invoice.Data.DeepClone().AsObject();
                data["next_payment_attempt"] = null;
                invoice.Data = data;
                store.Save(invoice);
            }
        }

        batch.Publish(events, store, idempotencyKey);
        return null;
    }

    /// <summary>Marks an open invoice uncollectible: no more attempts (<c>invoice.marked_uncollectible</c>).</summary>
    public IResult? MarkUncollectible(string invoiceId, string? idempotencyKey)
    {
        var batch = new ObjectEventBatch();
        lock (store.Gate)
        {
            if (store.Find(invoiceId) is not { Kind: Kind } invoice)
            {
                return StripeErrors.NotFound("invoice", invoiceId);
            }

            if (invoice.Data["status"]?.ToString() != "open")
            {
                return StripeErrors.InvalidRequest(
                    "You can only mark an open invoice as uncollectible.", null, "invoice_not_editable");
            }

            var data = invoice.Data.DeepClone().AsObject();
            data["status"] = "uncollectible";
            data["next_payment_attempt"] = null;
            data["status_transitions"]!["marked_uncollectible_at"] = Now(invoice);
            invoice.Data = data;
            store.Save(invoice);
            schedule.Cancel(RetryWork, invoice.Id);
            batch.Add("invoice.marked_uncollectible", invoice);
        }

        batch.Publish(events, store, idempotencyKey);
        return null;
    }

    /// <summary>
    /// Tries to collect an open invoice by confirming its PaymentIntent with <paramref name="paymentMethodId"/>, or the
    /// invoice's, subscription's or customer's default. Not under the gate: the outcome comes back through
    /// <see cref="OnPaymentIntent"/>. Returns null when there was nothing to attempt (not open, already processing).
    /// </summary>
    public IntentResult? Attempt(string invoiceId, string? paymentMethodId, AttemptKind kind)
    {
        string paymentIntentId;
        long outcomesBefore;
        lock (store.Gate)
        {
            if (store.Find(invoiceId) is not { Kind: Kind } invoice || invoice.Data["status"]?.ToString() != "open"
                || invoice.Meta["payment_intent"]?.ToString() is not { } id
                || paymentIntents.Find(id) is not { } paymentIntent
                || paymentIntent.Data["status"]?.ToString() is "processing" or "succeeded" or "canceled")
            {
                return null;
            }

            paymentIntentId = id;
            paymentMethodId ??= DefaultPaymentMethod(invoice);
            var meta = invoice.Meta.DeepClone().AsObject();
            meta["last_attempt"] = kind == AttemptKind.Automatic ? "automatic" : "manual";
            outcomesBefore = JsonNumber.Read(meta["outcomes"]);
            invoice.Meta = meta;
            store.Save(invoice);
        }

        var result = paymentIntents.ConfirmForInvoice(paymentIntentId, paymentMethodId);
        if (result.Error is not null)
        {
            // Refused before the PaymentIntent changed (no payment method, a wrong type): a failed attempt all the same.
            var batch = new ObjectEventBatch();
            InvoiceOutcome? outcome = null;
            lock (store.Gate)
            {
                if (store.Find(invoiceId) is { Kind: Kind } invoice && JsonNumber.Read(invoice.Meta["outcomes"]) == outcomesBefore
                    && invoice.Data["status"]?.ToString() == "open")
                {
                    var data = invoice.Data.DeepClone().AsObject();
                    var meta = invoice.Meta.DeepClone().AsObject();
                    outcome = RecordFailure(invoice, data, meta, paymentMethodId, "invoice.payment_failed",
                        InvoiceOutcomeKind.PaymentFailed, batch);
                }
            }

            batch.Publish(events, store);
            if (outcome is not null)
            {
                outcomes.Raise(outcome);
            }
        }

        return result;
    }

    /// <summary>Marks an open invoice paid without a payment (<c>pay</c> with <c>paid_out_of_band=true</c>).</summary>
    public StoredObject? PayOutOfBand(string invoiceId, string? idempotencyKey)
    {
        var batch = new ObjectEventBatch();
        InvoiceOutcome? outcome;
        string? paymentIntentId;
        StoredObject invoice;
        lock (store.Gate)
        {
            if (store.Find(invoiceId) is not { Kind: Kind } found || found.Data["status"]?.ToString() != "open")
            {
                return null;
            }

            invoice = found;
            var data = invoice.Data.DeepClone().AsObject();
            var meta = invoice.Meta.DeepClone().AsObject();
            var now = Now(invoice);
            data["status"] = "paid";
            data["amount_remaining"] = 0;
            data["next_payment_attempt"] = null;
            data["status_transitions"]!["paid_at"] = now;
            meta["paid_out_of_band"] = true;
            paymentIntentId = meta["payment_intent"]?.ToString();
            invoice.Data = data;
            invoice.Meta = meta;
            store.Save(invoice);
            schedule.Cancel(RetryWork, invoice.Id);
            batch.Add("invoice.paid", invoice);
            outcome = new InvoiceOutcome(InvoiceOutcomeKind.Paid, invoice.Copy(), null);
        }

        batch.Publish(events, store, idempotencyKey);
        if (paymentIntentId is not null)
        {
            paymentIntents.CancelForInvoice(paymentIntentId);
        }

        outcomes.Raise(outcome);
        return store.Find(invoice.Id);
    }

    /// <summary>
    /// Under the gate: voids an open (or draft) invoice; its retries stop. Returns the PaymentIntent to cancel once the
    /// gate is released (<see cref="CancelPaymentIntent"/>), if any.
    /// </summary>
    public string? Void(string invoiceId, long now, ObjectEventBatch batch)
    {
        if (store.Find(invoiceId) is not { Kind: Kind } invoice
            || invoice.Data["status"]?.ToString() is not ("open" or "draft"))
        {
            return null;
        }

        var data = invoice.Data.DeepClone().AsObject();
        data["status"] = "void";
        data["next_payment_attempt"] = null;
        data["auto_advance"] = false;
        data["status_transitions"]!["voided_at"] = now;
        invoice.Data = data;
        store.Save(invoice);
        schedule.Cancel(RetryWork, invoice.Id);
        batch.Add("invoice.voided", invoice);
        CustomerBalance.Unapply(store, invoice, now, batch);
        return invoice.Meta["payment_intent"]?.ToString();
    }

    /// <summary>Cancels a voided invoice's PaymentIntent (outside the gate: its outcome comes back here).</summary>
    public void CancelPaymentIntent(string? paymentIntentId)
    {
        if (paymentIntentId is not null && paymentIntents.Find(paymentIntentId) is { } paymentIntent
            && paymentIntent.Data["status"]?.ToString() is "requires_payment_method" or "requires_confirmation" or "requires_action")
        {
            paymentIntents.CancelForInvoice(paymentIntentId);
        }
    }

    /// <summary>Under the gate: no more automatic attempts for an invoice (its subscription ended).</summary>
    public void StopRetries(string invoiceId)
    {
        if (store.Find(invoiceId) is not { Kind: Kind } invoice || invoice.Data["next_payment_attempt"] is null)
        {
            return;
        }

        var data = invoice.Data.DeepClone().AsObject();
        data["next_payment_attempt"] = null;
        invoice.Data = data;
        store.Save(invoice);
        schedule.Cancel(RetryWork, invoice.Id);
    }

    /// <summary>Reacts to a change of an invoice's PaymentIntent: paid, failed, needs action, processing.</summary>
    public void OnPaymentIntent(PaymentIntentOutcome outcome)
    {
        if (outcome.InvoiceId is not { } invoiceId)
        {
            return;
        }

        var batch = new ObjectEventBatch();
        InvoiceOutcome? raised = null;
        lock (store.Gate)
        {
            if (store.Find(invoiceId) is not { Kind: Kind } invoice)
            {
                return;
            }

            var data = invoice.Data.DeepClone().AsObject();
            var meta = invoice.Meta.DeepClone().AsObject();
            meta["outcomes"] = JsonNumber.Read(meta["outcomes"]) + 1;
            var open = data["status"]?.ToString() == "open";
            switch (outcome.Kind)
            {
                case PaymentIntentOutcomeKind.Succeeded when open:
                    raised = MarkPaid(invoice, data, meta, outcome, batch);
                    break;
                case PaymentIntentOutcomeKind.Failed when open:
                    raised = RecordFailure(invoice, data, meta, outcome.PaymentMethodId, "invoice.payment_failed",
                        InvoiceOutcomeKind.PaymentFailed, batch);
                    break;
                case PaymentIntentOutcomeKind.RequiresAction when open:
                    raised = RecordFailure(invoice, data, meta, outcome.PaymentMethodId, "invoice.payment_action_required",
                        InvoiceOutcomeKind.ActionRequired, batch);
                    break;
                case PaymentIntentOutcomeKind.Processing when open:
                    // The attempt is counted when the debit settles (paid or failed).
                    data["attempted"] = true;
                    data["next_payment_attempt"] = null;
                    schedule.Cancel(RetryWork, invoice.Id);
                    invoice.Data = data;
                    invoice.Meta = meta;
                    store.Save(invoice);
                    raised = new InvoiceOutcome(InvoiceOutcomeKind.Processing, invoice.Copy(),
                        outcome.PaymentMethodId);
                    break;
                case PaymentIntentOutcomeKind.Canceled:
                    invoice.Meta = meta;
                    store.Save(invoice);
                    CancelPayment(invoice, Now(invoice));
                    break;
                default:
                    invoice.Meta = meta;
                    store.Save(invoice);
                    break;
            }
        }

        batch.Publish(events, store);
        if (raised is not null)
        {
            outcomes.Raise(raised);
        }
    }

    /// <summary>A scheduled retry: attempts the invoice again if it still waits for this attempt.</summary>
    internal void Retry(ScheduledWork work)
    {
        lock (store.Gate)
        {
            if (store.Find(work.TargetId) is not { Kind: Kind } invoice || invoice.Data["status"]?.ToString() != "open"
                || invoice.Data["next_payment_attempt"] is not { } next
                || JsonNumber.Read(next) > work.DueAt.ToUnixTimeSeconds())
            {
                return;
            }
        }

        Attempt(work.TargetId, null, AttemptKind.Automatic);
    }

    /// <summary>The pending invoice items a customer's next invoice takes (same currency; for this subscription or none).</summary>
    public List<StoredObject> PendingItems(StoredObject customer, string currency, string? subscriptionId) =>
        store.All(InvoiceObjects.ItemKind, i =>
                i.Platform == customer.Platform && i.Account == customer.Account && i.Livemode == customer.Livemode
                && i.Meta["deleted"] is null
                && i.Data["customer"]?.ToString() == customer.Id && i.Data["invoice"] is null
                && i.Data["currency"]?.ToString() == currency
                && (i.Data["parent"]?["subscription_details"]?["subscription"]?.ToString() is not { } owner || owner == subscriptionId))
            .AsEnumerable().Reverse().ToList();

    /// <summary>The invoice behind a hosted invoice page token.</summary>
    public StoredObject? FindByPage(string token) =>
        store.Find(token) is { Kind: HostedPageKind } page && store.Find(page.Meta["invoice"]!.ToString()) is { Kind: Kind } invoice
            ? invoice
            : null;

    private InvoiceLine LineOf(StoredObject item)
    {
        var data = item.Data;
        var priceId = data["pricing"]?["price_details"]?["price"]?.ToString();
        var price = priceId is not null && store.Find(priceId) is { Kind: "price" } stored ? stored.Data : null;
        return new InvoiceLine(
            InvoiceObjects.Amount(data["amount"]),
            InvoiceObjects.Amount(data["quantity"]),
            data["description"]?.ToString() ?? "",
            InvoiceObjects.Amount(data["period"]?["start"]),
            InvoiceObjects.Amount(data["period"]?["end"]),
            price,
            SubscriptionId: data["parent"]?["subscription_details"]?["subscription"]?.ToString(),
            InvoiceItemId: item.Id,
            Metadata: data["metadata"] as JsonObject);
    }

    /// <summary>Under the gate: numbers and opens a saved draft; a zero invoice is paid at once.</summary>
    private void Finalize(StoredObject invoice, StoredObject? paymentIntent, long now, ObjectEventBatch batch)
    {
        var data = invoice.Data.DeepClone().AsObject();
        var meta = invoice.Meta.DeepClone().AsObject();
        data["number"] = NextNumber(data["customer"]!.ToString());
        data["status"] = "open";
        data["effective_at"] = now;
        data["ending_balance"] ??= 0;
        data["webhooks_delivered_at"] = now;
        data["status_transitions"]!["finalized_at"] = now;
        data["hosted_invoice_url"] = HostedPage(invoice, now);
        if (meta["days_until_due"] is { } days)
        {
            data["due_date"] = now + JsonNumber.Read(days) * 86_400;
        }

        if (paymentIntent is not null)
        {
            var payment = invoice.NewInSameScope(InvoiceObjects.PaymentKind, Ids.New("inpay"), now,
                InvoiceObjects.Payment("", invoice.Id, paymentIntent.Id, InvoiceObjects.Amount(data["amount_due"]),
                    data["currency"]!.ToString(), now, invoice.Livemode));
            payment.Data["id"] = payment.Id;
            store.Save(payment);
            meta["payment_intent"] = paymentIntent.Id;
            meta["payment"] = payment.Id;
            data["confirmation_secret"] = new JsonObject
            {
                ["client_secret"] = paymentIntent.Data["client_secret"]?.DeepClone(),
                ["type"] = "payment_intent",
            };
            SetPayments(data, payment);
            data["next_payment_attempt"] = data["collection_method"]?.ToString() == "charge_automatically"
                                           && meta["auto_retry"]?.GetValue<bool>() == true
                ? now
                : null;
        }

        invoice.Data = data;
        invoice.Meta = meta;
        store.Save(invoice);
        batch.Add("invoice.finalized", invoice);
        if (InvoiceObjects.Amount(data["amount_remaining"]) == 0)
        {
            data = invoice.Data.DeepClone().AsObject();
            data["status"] = "paid";
            data["status_transitions"]!["paid_at"] = now;
            invoice.Data = data;
            store.Save(invoice);
            batch.Add("invoice.paid", invoice);
            batch.Add("invoice.payment_succeeded", invoice);
        }
    }

    private InvoiceOutcome MarkPaid(StoredObject invoice, JsonObject data, JsonObject meta, PaymentIntentOutcome outcome,
        ObjectEventBatch batch)
    {
        var now = Now(invoice);
        var amount = InvoiceObjects.Amount(data["amount_remaining"]);
        data["amount_paid"] = InvoiceObjects.Amount(data["amount_paid"]) + amount;
        data["amount_remaining"] = 0;
        data["attempted"] = true;
        data["attempt_count"] = Math.Max(1, JsonNumber.Read(data["attempt_count"]));
        data["next_payment_attempt"] = null;
        data["status"] = "paid";
        data["status_transitions"]!["paid_at"] = now;
        meta["last_attempt"] = "customer";
        StoredObject? payment = null;
        if (meta["payment"]?.ToString() is { } paymentId && store.Find(paymentId) is { Kind: InvoiceObjects.PaymentKind } found)
        {
            payment = found;
            var paymentData = payment.Data.DeepClone().AsObject();
            paymentData["amount_paid"] = amount;
            paymentData["status"] = "paid";
            paymentData["status_transitions"]!["paid_at"] = now;
            payment.Data = paymentData;
            store.Save(payment);
            SetPayments(data, payment);
        }

        invoice.Data = data;
        invoice.Meta = meta;
        store.Save(invoice);
        schedule.Cancel(RetryWork, invoice.Id);
        if (payment is not null)
        {
            batch.Add("invoice_payment.paid", payment);
        }

        batch.Add("invoice.paid", invoice);
        batch.Add("invoice.payment_succeeded", invoice);
        return new InvoiceOutcome(InvoiceOutcomeKind.Paid, invoice.Copy(), outcome.PaymentMethodId);
    }

    /// <summary>
    /// Under the gate: a failed (or authentication-needing) attempt. An automatic attempt on a renewal invoice counts
    /// towards the retry schedule and schedules the next retry; when none is left the outcome says so.
    /// </summary>
    private InvoiceOutcome RecordFailure(StoredObject invoice, JsonObject data, JsonObject meta, string? paymentMethodId,
        string eventType, InvoiceOutcomeKind kind, ObjectEventBatch batch)
    {
        var now = Now(invoice);
        var automatic = meta["last_attempt"]?.ToString() == "automatic";
        var autoRetry = meta["auto_retry"]?.GetValue<bool>() == true;
        var count = JsonNumber.Read(data["attempt_count"]);
        var exhausted = false;
        data["attempted"] = true;
        if (autoRetry && automatic)
        {
            count++;
            var first = meta["first_failed_at"] is { } firstNode ? JsonNumber.Read(firstNode) : now;
            meta["first_failed_at"] = first;
            schedule.Cancel(RetryWork, invoice.Id);
            if (count <= settings.RetryDelays.Count)
            {
                var next = first + (long)settings.RetryDelays[(int)count - 1].TotalSeconds;
                data["next_payment_attempt"] = next;
                schedule.Schedule(RetryWork, invoice.Id, DateTimeOffset.FromUnixTimeSeconds(next),
                    clock.TestClockOf(data["customer"]?.ToString()));
            }
            else
            {
                data["next_payment_attempt"] = null;
                exhausted = true;
            }
        }
        else if (autoRetry)
        {
            count = Math.Max(1, count);
        }
        else
        {
            count++;
            data["next_payment_attempt"] = null;
        }

        data["attempt_count"] = count;
        meta["last_attempt"] = "customer";
        invoice.Data = data;
        invoice.Meta = meta;
        store.Save(invoice);
        batch.Add(eventType, invoice);
        return new InvoiceOutcome(exhausted ? InvoiceOutcomeKind.RetriesExhausted : kind, invoice.Copy(),
            paymentMethodId);
    }

    private void CancelPayment(StoredObject invoice, long now)
    {
        if (invoice.Meta["payment"]?.ToString() is not { } paymentId
            || store.Find(paymentId) is not { Kind: InvoiceObjects.PaymentKind } payment
            || payment.Data["status"]?.ToString() != "open")
        {
            return;
        }

        var paymentData = payment.Data.DeepClone().AsObject();
        paymentData["status"] = "canceled";
        paymentData["status_transitions"]!["canceled_at"] = now;
        payment.Data = paymentData;
        store.Save(payment);
        var data = invoice.Data.DeepClone().AsObject();
        SetPayments(data, payment);
        invoice.Data = data;
        store.Save(invoice);
    }

    private static void SetPayments(JsonObject invoiceData, StoredObject payment)
    {
        invoiceData["payments"] = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(payment.Data.DeepClone()),
            ["has_more"] = false,
            ["total_count"] = 1,
            ["url"] = "/v1/invoice_payments",
        };
    }

    /// <summary>The payment method a renewal or retry uses before the customer's default: the invoice's, then the
    /// subscription's <c>default_payment_method</c>.</summary>
    private string? DefaultPaymentMethod(StoredObject invoice)
    {
        if (invoice.Data["default_payment_method"]?.ToString() is { } own)
        {
            return own;
        }

        return invoice.Meta["subscription"]?.ToString() is { } subscriptionId
               && store.Find(subscriptionId)?.Data["default_payment_method"]?.ToString() is { } fromSubscription
            ? fromSubscription
            : null;
    }

    /// <summary>Under the gate: the customer's next invoice number (<c>{invoice_prefix}-{sequence}</c>).</summary>
    private string? NextNumber(string customerId)
    {
        if (store.Find(customerId) is not { Kind: CustomersApi.Kind } customer || CustomersApi.IsDeleted(customer))
        {
            return null;
        }

        var data = customer.Data.DeepClone().AsObject();
        var sequence = data["next_invoice_sequence"] is { } next ? JsonNumber.Read(next) : 1;
        data["next_invoice_sequence"] = sequence + 1;
        customer.Data = data;
        store.Save(customer);
        return $"{data["invoice_prefix"]}-{sequence.ToString("D4", CultureInfo.InvariantCulture)}";
    }

    private string HostedPage(StoredObject invoice, long now)
    {
        var token = Ids.Secret("invpage");
        store.Save(invoice.NewInSameScope(HostedPageKind, token, now, [], meta: new JsonObject { ["invoice"] = invoice.Id }));
        return $"{origin.Url}/invoices/{token}";
    }

    private long Now(StoredObject invoice) => clock.NowFor(invoice.Data["customer"]?.ToString()).ToUnixTimeSeconds();
}
