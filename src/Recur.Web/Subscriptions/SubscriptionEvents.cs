using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Webhooks;
using StripeMandate = global::Stripe.Mandate;
using StripeSubscription = global::Stripe.Subscription;

namespace Recur.Web.Subscriptions;

/// <summary>
/// Applies billing events from connected accounts (<c>customer.subscription.*</c>, <c>invoice.*</c>,
/// <c>payment_intent.*</c>, <c>setup_intent.*</c>, <c>mandate.updated</c>). An event only says which subscription
/// changed: the subscription is then read from Stripe as it is now (unless a read that started after the event was
/// created already did), so duplicates and any order of arrival end in Stripe's current state. <c>mandate.updated</c> also records the mandate's status from the event, older news
/// ignored. Runs outside any request: lookups ignore the tenant filter and match the event's account and environment.
/// </summary>
public sealed partial class SubscriptionEvents(AppDbContext db, SubscriptionSync sync, ILogger<SubscriptionEvents> logger)
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(2);

    public static bool Handles(string type) =>
        type.StartsWith("customer.subscription.", StringComparison.Ordinal)
        || type is "invoice.paid" or "invoice.payment_failed" or "invoice.payment_action_required" or "invoice.finalized"
            or "invoice.payment_succeeded" or "invoice.updated" or "invoice.voided" or "invoice.marked_uncollectible"
        || type.StartsWith("payment_intent.", StringComparison.Ordinal)
        || type.StartsWith("setup_intent.", StringComparison.Ordinal)
        || type == "mandate.updated";

    public async Task ApplyAsync(StripeEvent row, CancellationToken cancellationToken)
    {
        if (row.Account is not { } account || !Handles(row.Type))
        {
            return;
        }
        var stripeEvent = EventUtility.ParseEvent(row.Payload, throwOnApiVersionMismatch: false);
        var subscriptions = db.Subscriptions.IgnoreQueryFilters().Where(s => s.StripeAccountId == account && s.Environment == row.Environment);
        List<Subscription> affected;
        switch (stripeEvent.Data.Object)
        {
            case StripeSubscription stripeSubscription:
                affected = await subscriptions.Where(s => s.StripeSubscriptionId == stripeSubscription.Id).ToListAsync(cancellationToken);
                break;
            case Invoice invoice when invoice.Parent?.SubscriptionDetails?.SubscriptionId is { } subscriptionId:
                affected = await subscriptions.Where(s => s.StripeSubscriptionId == subscriptionId).ToListAsync(cancellationToken);
                break;
            case PaymentIntent intent:
                affected = await ByIntentAsync(account, intent.Id, intent.CustomerId, cancellationToken);
                break;
            case SetupIntent intent:
                affected = await ByIntentAsync(account, intent.Id, intent.CustomerId, cancellationToken);
                break;
            case StripeMandate stripeMandate:
                affected = await ByMandateAsync(row, account, stripeMandate, cancellationToken);
                break;
            default:
                affected = [];
                break;
        }
        if (affected.Count == 0)
        {
            LogUnknown(logger, row.Id, row.Type, account);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        await db.SaveChangesAsync(cancellationToken);
        // A read that started after the event was created already saw what the event reports: no need to read again.
        // (The margin covers clock skew between Stripe and Recur.)
        var stale = affected.Where(s => s.SyncedAt is not { } syncedAt || syncedAt < row.CreatedAt + ClockSkew).Select(s => s.Id).ToList();
        if (stale.Count < affected.Count)
        {
            LogAlreadySeen(logger, row.Id, row.Type);
        }
        foreach (var id in stale)
        {
            await sync.SyncAsync(await db.Subscriptions.IgnoreQueryFilters().SingleAsync(s => s.Id == id, cancellationToken), cancellationToken);
        }
    }

    private async Task<List<Subscription>> ByIntentAsync(string account, string intentId, string? customerId, CancellationToken cancellationToken)
    {
        var subscriptionIds = await db.Orders.IgnoreQueryFilters()
            .Where(o => o.StripeAccountId == account && o.StripeIntentId == intentId && o.SubscriptionId != null)
            .Select(o => o.SubscriptionId!.Value)
            .Union(db.Payments.IgnoreQueryFilters().Where(p => p.StripeAccountId == account && p.StripePaymentIntentId == intentId && p.SubscriptionId != null).Select(p => p.SubscriptionId!.Value))
            .ToListAsync(cancellationToken);
        if (subscriptionIds.Count == 0 && customerId is not null)
        {
            // A renewal's PaymentIntent Recur has not seen yet: the customer's live subscriptions.
            subscriptionIds = await db.Subscriptions.IgnoreQueryFilters()
                .Join(db.Customers.IgnoreQueryFilters(), s => s.CustomerId, c => c.Id, (s, c) => new { s, c })
                .Where(x => x.c.StripeAccountId == account && x.c.StripeCustomerId == customerId
                    && x.s.Status != SubscriptionStatus.Canceled && x.s.Status != SubscriptionStatus.IncompleteExpired)
                .Select(x => x.s.Id)
                .ToListAsync(cancellationToken);
        }
        return await db.Subscriptions.IgnoreQueryFilters().Where(s => subscriptionIds.Contains(s.Id)).ToListAsync(cancellationToken);
    }

    private async Task<List<Subscription>> ByMandateAsync(StripeEvent row, string account, StripeMandate stripeMandate, CancellationToken cancellationToken)
    {
        var affected = await db.Subscriptions.IgnoreQueryFilters()
            .Where(s => s.StripeAccountId == account && s.Environment == row.Environment
                && (s.StripeMandateId == stripeMandate.Id || (stripeMandate.PaymentMethodId != null && s.PaymentMethod!.StripePaymentMethodId == stripeMandate.PaymentMethodId)))
            .ToListAsync(cancellationToken);
        var known = await db.Mandates.IgnoreQueryFilters().SingleOrDefaultAsync(m => m.StripeAccountId == account && m.StripeMandateId == stripeMandate.Id, cancellationToken);
        var tenantId = affected.FirstOrDefault()?.TenantId ?? known?.TenantId;
        if (tenantId is { } tenant)
        {
            await sync.ApplyMandateAsync(tenant, row.Environment, account, stripeMandate, row.CreatedAt, cancellationToken);
        }
        foreach (var subscription in affected)
        {
            subscription.ApplyMandate(stripeMandate.Id);
        }
        return affected;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stripe event {EventId} ({Type}): already seen by a later read")]
    private static partial void LogAlreadySeen(ILogger logger, string eventId, string type);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stripe event {EventId} ({Type}) on {AccountId}: no Recur subscription")]
    private static partial void LogUnknown(ILogger logger, string eventId, string type, string accountId);
}
