using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Webhooks;
using Payment = Recur.Web.Subscriptions.Payment;

namespace Recur.Web.Payments;

/// <summary>
/// Applies money events from connected accounts to payments: <c>payment_intent.succeeded|processing|payment_failed</c>
/// (and <c>canceled</c>, <c>requires_action</c>) record a one-off purchase and its state; <c>charge.*</c>
/// (<c>charge.refunded</c>, <c>charge.dispute.*</c>, <c>charge.refund.updated</c>) and <c>refund.*</c> keep the
/// charge, its refunds and dispute. The event only names the payment: it is then read from Stripe as it is now.
/// Runs outside any request: lookups ignore the tenant filter and match the event's account and environment.
/// </summary>
public sealed partial class PaymentEvents(AppDbContext db, OneOffPayments oneOffs, PaymentSync sync, ILogger<PaymentEvents> logger)
{
    public static bool Handles(string type) =>
        type is "payment_intent.succeeded" or "payment_intent.processing" or "payment_intent.payment_failed" or "payment_intent.canceled"
            or "payment_intent.requires_action"
        || type.StartsWith("charge.", StringComparison.Ordinal)
        || type.StartsWith("refund.", StringComparison.Ordinal);

    public async Task ApplyAsync(StripeEvent row, CancellationToken cancellationToken)
    {
        if (row.Account is not { } account || !Handles(row.Type))
        {
            return;
        }
        var stripeEvent = EventUtility.ParseEvent(row.Payload, throwOnApiVersionMismatch: false);
        var (intentId, chargeId) = stripeEvent.Data.Object switch
        {
            PaymentIntent intent => (intent.Id, null),
            Charge charge => (charge.PaymentIntentId, charge.Id),
            global::Stripe.Refund refund => (refund.PaymentIntentId, refund.ChargeId),
            Dispute dispute => (dispute.PaymentIntentId, dispute.ChargeId),
            _ => ((string?)null, (string?)null),
        };
        if (intentId is null && chargeId is null)
        {
            return;
        }
        var payments = await db.Payments.IgnoreQueryFilters()
            .Where(p => p.StripeAccountId == account && p.Environment == row.Environment
                && ((intentId != null && p.StripePaymentIntentId == intentId) || (chargeId != null && p.StripeChargeId == chargeId)))
            .ToListAsync(cancellationToken);
        if (payments.Count == 0 && intentId is not null
            && await oneOffs.OrderOfAsync(account, intentId, cancellationToken) is { } order && order.Environment == row.Environment
            && await oneOffs.EnsureAsync(order, cancellationToken) is { } made)
        {
            payments.Add(made);
        }
        if (payments.Count == 0)
        {
            LogUnknown(logger, row.Id, row.Type, account);
            return;
        }
        foreach (var payment in payments)
        {
            await sync.SyncAsync(payment, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stripe event {EventId} ({Type}) on {AccountId}: no Recur payment")]
    private static partial void LogUnknown(ILogger logger, string eventId, string type, string accountId);
}
