using Microsoft.EntityFrameworkCore;
using Recur.Web.Checkout;
using Recur.Web.Data;
using Payment = Recur.Web.Subscriptions.Payment;

namespace Recur.Web.Payments;

/// <summary>
/// Records a one-off purchase as a payment: one row per checkout order, made from the order's PaymentIntent by
/// whichever comes first, the confirmation page or a <c>payment_intent.*</c> webhook (the order's unique index
/// settles a race), then kept by <see cref="PaymentSync"/>.
/// </summary>
public sealed class OneOffPayments(AppDbContext db, PaymentSync sync)
{
    /// <summary>The order's payment, made if it is missing; null when the order is not a one-off purchase with a
    /// PaymentIntent.</summary>
    public async Task<Payment?> EnsureAsync(Order order, CancellationToken cancellationToken)
    {
        if (order is not { IntentKind: IntentKind.Payment, SubscriptionId: null, StripeIntentId: { } intentId })
        {
            return null;
        }
        var existing = await db.Payments.IgnoreQueryFilters().SingleOrDefaultAsync(p => p.OrderId == order.Id, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }
        var offer = await db.Offers.IgnoreQueryFilters().AsNoTracking().SingleAsync(o => o.Id == order.OfferId, cancellationToken);
        if (offer.IsRecurringPrice())
        {
            return null;
        }
        var payment = Payment.OneOff(order.TenantId, order.Environment, order.StripeAccountId, order.Id, order.CustomerId, intentId,
            offer.Currency, order.CreatedAt);
        db.Payments.Add(payment);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return payment;
        }
        catch (DbUpdateException)
        {
            // The confirmation page and a webhook made it at the same moment: use the row that won.
            db.Entry(payment).State = EntityState.Detached;
            return await db.Payments.IgnoreQueryFilters().SingleAsync(p => p.OrderId == order.Id, cancellationToken);
        }
    }

    /// <summary>Makes the order's payment if needed and reads it from Stripe.</summary>
    public async Task<Payment?> RecordAsync(Order order, CancellationToken cancellationToken)
    {
        var payment = await EnsureAsync(order, cancellationToken);
        if (payment is not null)
        {
            await sync.SyncAsync(payment, cancellationToken);
        }
        return payment;
    }

    /// <summary>The one-off order paid with <paramref name="intentId"/> on <paramref name="accountId"/>, if any.</summary>
    public Task<Order?> OrderOfAsync(string accountId, string intentId, CancellationToken cancellationToken) =>
        db.Orders.IgnoreQueryFilters().FirstOrDefaultAsync(
            o => o.StripeAccountId == accountId && o.StripeIntentId == intentId && o.SubscriptionId == null, cancellationToken);
}
