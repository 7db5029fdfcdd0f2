using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Checkout;
using Recur.Web.Data;
using Recur.Web.Stripe;
using StripeMandate = global::Stripe.Mandate;
using StripeSubscription = global::Stripe.Subscription;

namespace Recur.Web.Subscriptions;

/// <summary>
/// Reads a subscription from Stripe as it is now — status, periods (from its item), cancellation, default payment
/// method, invoices, the latest payment's state and decline, the BACS mandate — and applies it through the entities'
/// guarded methods. Used for every webhook about the subscription (so events may arrive in any order), by the
/// confirmation page and by "Sync from Stripe". Saves.
/// </summary>
public sealed partial class SubscriptionSync(AppDbContext db, StripeClients clients, TimeProvider time, ILogger<SubscriptionSync> logger)
{
    /// <summary>Syncs and saves; returns the subscription as saved. When another sync (a webhook, the confirmation
    /// page) recorded the same invoice or mandate at the same moment, the read is done again on fresh rows (a few
    /// times: the confirmation page, the webhook and the catch-up may all race on the first invoice).</summary>
    public async Task<Subscription> SyncAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SyncOnceAsync(subscription, cancellationToken);
                return subscription;
            }
            catch (DbUpdateException) when (attempt < attempts)
            {
                db.ChangeTracker.Clear();
                subscription = await db.Subscriptions.IgnoreQueryFilters().SingleAsync(s => s.Id == subscription.Id, cancellationToken);
            }
        }
    }

    private async Task SyncOnceAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var observedAt = time.GetUtcNow();
        var stripe = (await clients.GetAsync(subscription.Environment, cancellationToken)).Client.V1;
        var account = new RequestOptions { StripeAccount = subscription.StripeAccountId };

        var get = new SubscriptionGetOptions();
        get.AddExpand("default_payment_method");
        get.AddExpand("pending_setup_intent");
        StripeSubscription stripeSubscription;
        try
        {
            stripeSubscription = await stripe.Subscriptions.GetAsync(subscription.StripeSubscriptionId, get, account, cancellationToken);
        }
        catch (StripeException exception) when (exception.StripeError?.Code == "resource_missing")
        {
            // Deleted on Stripe (with its test clock, or its customer): marked, never left as it was.
            subscription.MarkRemoved("Stripe no longer has this subscription (deleted with its test clock or its customer).", observedAt);
            subscription.MarkSynced(observedAt);
            await db.SaveChangesAsync(cancellationToken);
            LogMissing(logger, subscription.Id, subscription.StripeSubscriptionId);
            return;
        }
        ApplySubscription(subscription, stripeSubscription, observedAt);

        // invoice.payments is includable: Stripe leaves it out unless asked for (https://docs.stripe.com/api/invoices/object).
        var invoices = await stripe.Invoices.ListAsync(new InvoiceListOptions
        {
            Subscription = stripeSubscription.Id, Limit = 24, Expand = ["data.payments"],
        }, account, cancellationToken);
        var payments = await db.Payments.IgnoreQueryFilters().Where(p => p.SubscriptionId == subscription.Id).ToListAsync(cancellationToken);
        foreach (var invoice in invoices.Data)
        {
            var payment = payments.FirstOrDefault(p => p.StripeInvoiceId == invoice.Id);
            if (payment is null)
            {
                payment = new Payment(subscription.TenantId, subscription.Environment, subscription.StripeAccountId, subscription.Id,
                    invoice.Id, invoice.Currency, CheckoutOrders.Utc(invoice.Created) ?? observedAt);
                db.Payments.Add(payment);
                payments.Add(payment);
            }
            ApplyInvoice(payment, invoice, observedAt);
            if (payment.Status == InvoiceStatus.Paid && payment.AmountPaid > 0 && payment.PaidAt is { } paidAt)
            {
                subscription.RecordPaid(paidAt);
            }
        }

        // The latest invoice's payment: its PaymentIntent carries the state (processing while BACS settles) and the decline.
        var latest = invoices.Data.FirstOrDefault(i => i.Id == stripeSubscription.LatestInvoiceId) ?? invoices.Data.FirstOrDefault();
        string? mandateId = null;
        if (latest is { AmountDue: > 0 } && await PaymentIntentIdAsync(subscription, latest, cancellationToken) is { } paymentIntentId)
        {
            var getIntent = new PaymentIntentGetOptions();
            getIntent.AddExpand("payment_method");
            getIntent.AddExpand("latest_charge");
            var intent = await stripe.PaymentIntents.GetAsync(paymentIntentId, getIntent, account, cancellationToken);
            var error = ErrorOf(intent.LastPaymentError, observedAt);
            payments.FirstOrDefault(p => p.StripeInvoiceId == latest.Id)?.ApplyPaymentIntent(intent.Id, intent.Status, error);
            subscription.ApplyLatestPayment(intent.Status, error, observedAt);
            subscription.ApplyPaymentMethod(Summarize(intent.PaymentMethod));
            mandateId = intent.LatestCharge?.PaymentMethodDetails?.BacsDebit?.Mandate;
        }
        else if (stripeSubscription.PendingSetupIntent is { } setupIntent)
        {
            subscription.ApplyLatestPayment(setupIntent.Status, ErrorOf(setupIntent.LastSetupError, observedAt), observedAt);
            mandateId = setupIntent.MandateId;
            if (setupIntent.PaymentMethodId is { } setupMethod && subscription.PaymentMethod is null)
            {
                subscription.ApplyPaymentMethod(Summarize(await stripe.PaymentMethods.GetAsync(setupMethod, null, account, cancellationToken)));
            }
        }

        mandateId ??= subscription.StripeMandateId;
        if (mandateId is not null && subscription.PaymentType == "bacs_debit")
        {
            var stripeMandate = await stripe.Mandates.GetAsync(mandateId, null, account, cancellationToken);
            await ApplyMandateAsync(subscription.TenantId, subscription.Environment, subscription.StripeAccountId, stripeMandate, observedAt, cancellationToken);
            subscription.ApplyMandate(mandateId);
        }

        subscription.MarkSynced(observedAt);
        await db.SaveChangesAsync(cancellationToken);
        LogSynced(logger, subscription.Id, subscription.StripeSubscriptionId, Subscription.ToStripe(subscription.Status));
    }

    /// <summary>Records a mandate's state (from a read or a <c>mandate.updated</c> event). Does not save.</summary>
    public async Task<Mandate> ApplyMandateAsync(Guid tenantId, StripeEnvironment environment, string accountId, StripeMandate stripeMandate,
        DateTimeOffset observedAt, CancellationToken cancellationToken)
    {
        Mandate.TryParse(stripeMandate.Status, out var status);
        var mandate = db.Mandates.Local.FirstOrDefault(m => m.StripeAccountId == accountId && m.StripeMandateId == stripeMandate.Id)
            ?? await db.Mandates.IgnoreQueryFilters().SingleOrDefaultAsync(m => m.StripeAccountId == accountId && m.StripeMandateId == stripeMandate.Id, cancellationToken);
        if (mandate is null)
        {
            mandate = new Mandate(tenantId, environment, accountId, stripeMandate.Id, stripeMandate.PaymentMethodId, status, observedAt);
            db.Mandates.Add(mandate);
        }
        else
        {
            mandate.MoveTo(status, observedAt);
        }
        return mandate;
    }

    /// <summary>Status, periods, cancellation and default payment method from a subscription read at
    /// <paramref name="observedAt"/>; older reads change nothing.</summary>
    public static void ApplySubscription(Subscription subscription, StripeSubscription stripe, DateTimeOffset observedAt)
    {
        if (Subscription.TryParseStatus(stripe.Status, out var status))
        {
            if (status == SubscriptionStatus.Canceled)
            {
                subscription.MarkCanceled(CheckoutOrders.Utc(stripe.CanceledAt) ?? observedAt, observedAt);
            }
            else
            {
                subscription.MoveTo(status, observedAt);
            }
        }
        var item = stripe.Items?.Data?.FirstOrDefault();
        subscription.ApplySchedule(observedAt, CheckoutOrders.Utc(item?.CurrentPeriodStart), CheckoutOrders.Utc(item?.CurrentPeriodEnd),
            CheckoutOrders.Utc(stripe.TrialEnd), stripe.CancelAtPeriodEnd, CheckoutOrders.Utc(stripe.CancelAt),
            CheckoutOrders.Utc(stripe.CanceledAt), CheckoutOrders.Utc(stripe.EndedAt));
        subscription.ApplyPaymentMethod(Summarize(stripe.DefaultPaymentMethod));
    }

    private static void ApplyInvoice(Payment payment, Invoice invoice, DateTimeOffset observedAt)
    {
        if (!Payment.TryParseStatus(invoice.Status, out var status))
        {
            return;
        }
        var line = invoice.Lines?.Data?.FirstOrDefault(l => l.Period is not null && l.Period.End > l.Period.Start) ?? invoice.Lines?.Data?.FirstOrDefault();
        payment.Apply(status, observedAt, invoice.Number, invoice.AmountDue, invoice.AmountPaid, invoice.BillingReason, invoice.AttemptCount,
            CheckoutOrders.Utc(invoice.NextPaymentAttempt),
            CheckoutOrders.Utc(line?.Period?.Start) ?? CheckoutOrders.Utc(invoice.PeriodStart),
            CheckoutOrders.Utc(line?.Period?.End) ?? CheckoutOrders.Utc(invoice.PeriodEnd),
            CheckoutOrders.Utc(invoice.StatusTransitions?.PaidAt), invoice.HostedInvoiceUrl);
    }

    /// <summary>The invoice's PaymentIntent: from <c>invoice.payments</c> (expanded by the list above); before Stripe
    /// lists a payment, the one the checkout confirmed for the first invoice, or the one already recorded for it. Never
    /// guessed from amounts and times: null when Stripe names none.</summary>
    private async Task<string?> PaymentIntentIdAsync(Subscription subscription, Invoice invoice, CancellationToken cancellationToken)
    {
        var fromInvoice = invoice.Payments?.Data?.OrderByDescending(p => p.IsDefault).Select(p => p.Payment?.PaymentIntentId).FirstOrDefault(id => id is not null);
        if (fromInvoice is not null)
        {
            return fromInvoice;
        }
        var order = subscription.OrderId is { } orderId
            ? await db.Orders.IgnoreQueryFilters().SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken)
            : null;
        if (order is { IntentKind: IntentKind.Payment, StripeIntentId: { } checkoutIntent } && invoice.BillingReason == "subscription_create")
        {
            return checkoutIntent;
        }
        return await db.Payments.IgnoreQueryFilters()
            .Where(p => p.StripeInvoiceId == invoice.Id && p.StripeAccountId == subscription.StripeAccountId)
            .Select(p => p.StripePaymentIntentId).FirstOrDefaultAsync(cancellationToken);
    }

    public static PaymentError? ErrorOf(StripeError? error, DateTimeOffset at) =>
        error is null ? null : new PaymentError(error.Code, error.DeclineCode, error.Message ?? "The payment failed.", at);

    public static PaymentMethodSummary? Summarize(PaymentMethod? method) => method switch
    {
        null => null,
        { Type: "card", Card: { } card } => new PaymentMethodSummary(method.Id, "card", card.Brand, card.Last4, card.ExpMonth, card.ExpYear, null),
        { Type: "bacs_debit", BacsDebit: { } bacs } => new PaymentMethodSummary(method.Id, "bacs_debit", null, bacs.Last4, null, null, bacs.SortCode),
        _ => new PaymentMethodSummary(method.Id, method.Type, null, null, null, null, null),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {SubscriptionId} ({StripeSubscriptionId}) is missing on Stripe: marked removed")]
    private static partial void LogMissing(ILogger logger, Guid subscriptionId, string stripeSubscriptionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} ({StripeSubscriptionId}) synced from Stripe: {Status}")]
    private static partial void LogSynced(ILogger logger, Guid subscriptionId, string stripeSubscriptionId, string status);
}
