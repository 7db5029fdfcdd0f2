using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Subscriptions;
using Payment = Recur.Web.Subscriptions.Payment;

namespace Recur.Web.Payments;

/// <summary>
/// Reads a payment's PaymentIntent from Stripe as it is now, with its latest charge, and applies it: a one-off's
/// state (succeeded, processing, failed and Stripe's decline), and for every kind the charge's method, refunded
/// amount and dispute. Reads are of the current state, so webhooks may arrive in any order or twice. Saves.
/// </summary>
public sealed partial class PaymentSync(AppDbContext db, StripeClients clients, TimeProvider time, ILogger<PaymentSync> logger)
{
    public async Task SyncAsync(Payment payment, CancellationToken cancellationToken)
    {
        if (payment.StripePaymentIntentId is not { } intentId)
        {
            // An invoice Stripe has not charged yet (or paid out of band): its subscription's sync keeps it.
            return;
        }
        var observedAt = time.GetUtcNow();
        var stripe = (await clients.GetAsync(payment.Environment, cancellationToken)).Client.V1;
        var account = new RequestOptions { StripeAccount = payment.StripeAccountId };
        var get = new PaymentIntentGetOptions();
        get.AddExpand("latest_charge");
        var intent = await stripe.PaymentIntents.GetAsync(intentId, get, account, cancellationToken);
        Apply(payment, intent, observedAt);
        if (payment.StripeChargeId is not null)
        {
            await ApplyRefundsAsync(payment, stripe.Refunds, intentId, observedAt, cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        LogSynced(logger, payment.Id, intentId, intent.Status);
    }

    /// <summary>The payment's refunds as Stripe lists them: Recur's own found by their <c>recur_refund_id</c>, others
    /// (made in the Dashboard) added.</summary>
    private async Task ApplyRefundsAsync(Payment payment, RefundService refunds, string intentId, DateTimeOffset observedAt,
        CancellationToken cancellationToken)
    {
        var listed = await refunds.ListAsync(new RefundListOptions { PaymentIntent = intentId, Limit = 100 },
            new RequestOptions { StripeAccount = payment.StripeAccountId }, cancellationToken);
        var known = await db.Refunds.IgnoreQueryFilters().Where(r => r.PaymentId == payment.Id).ToListAsync(cancellationToken);
        foreach (var stripeRefund in listed.Data)
        {
            var ownId = stripeRefund.Metadata?.GetValueOrDefault(Refund.MetadataKey) is { } value && Guid.TryParse(value, out var parsed) ? parsed : (Guid?)null;
            var row = known.FirstOrDefault(r => r.StripeRefundId == stripeRefund.Id) ?? known.FirstOrDefault(r => r.Id == ownId);
            if (row is null)
            {
                row = Refund.FromStripe(payment.TenantId, payment.Environment, payment.StripeAccountId, payment.Id, stripeRefund, observedAt);
                db.Refunds.Add(row);
                known.Add(row);
            }
            else
            {
                row.Apply(stripeRefund, observedAt);
            }
        }
    }

    public static void Apply(Payment payment, PaymentIntent intent, DateTimeOffset observedAt)
    {
        if (payment.Kind == PaymentKind.OneOff)
        {
            payment.ApplyOneOffIntent(intent.Status, intent.Amount, intent.AmountReceived, SubscriptionSync.ErrorOf(intent.LastPaymentError, observedAt), observedAt);
        }
        if (intent.LatestCharge is { } charge)
        {
            payment.ApplyCharge(charge.Id, MethodOf(charge), charge.AmountRefunded, charge.Disputed, observedAt);
        }
    }

    /// <summary>The method as the charge's <c>payment_method_details</c> describe it.</summary>
    public static PaymentMethodSummary? MethodOf(Charge charge) => charge.PaymentMethodDetails switch
    {
        null => null,
        { Type: "card", Card: { } card } => new PaymentMethodSummary(charge.PaymentMethod ?? "", "card", card.Brand, card.Last4, card.ExpMonth, card.ExpYear, null),
        { Type: "bacs_debit", BacsDebit: { } bacs } => new PaymentMethodSummary(charge.PaymentMethod ?? "", "bacs_debit", null, bacs.Last4, null, null, bacs.SortCode),
        { Type: { } type } => new PaymentMethodSummary(charge.PaymentMethod ?? "", type, null, null, null, null, null),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId} synced from PaymentIntent {PaymentIntentId}: {Status}")]
    private static partial void LogSynced(ILogger logger, Guid paymentId, string paymentIntentId, string status);
}
