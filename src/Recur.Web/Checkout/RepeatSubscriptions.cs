using Microsoft.EntityFrameworkCore;
using Recur.Web.Catalog;
using Recur.Web.Data;
using Recur.Web.Subscriptions;

namespace Recur.Web.Checkout;

/// <summary>
/// Whether an email already holds a live subscription to an offer, which checkout refuses unless the offer
/// <see cref="Offer.AllowsRepeatSubscriptions"/>. Live is what still bills or will: active, trialing and past due —
/// not canceled, incomplete or incomplete_expired (an unpaid first attempt), nor a simulation's copy or a
/// subscription Stripe no longer has.
/// </summary>
public sealed class RepeatSubscriptions(AppDbContext db)
{
    private static readonly SubscriptionStatus[] Live = [SubscriptionStatus.Active, SubscriptionStatus.Trialing, SubscriptionStatus.PastDue];

    /// <param name="orderId">The order being placed: its own subscription (a repeated submit) does not count.</param>
    public Task<bool> ExistAsync(Offer offer, string email, Guid? orderId, CancellationToken cancellationToken)
    {
        var normalised = Customer.NormalizeEmail(email);
        return (from subscription in db.Subscriptions.IgnoreQueryFilters()
                join customer in db.Customers.IgnoreQueryFilters() on subscription.CustomerId equals customer.Id
                where subscription.TenantId == offer.TenantId && subscription.OfferId == offer.Id && customer.Email == normalised
                    && Live.Contains(subscription.Status) && subscription.SimulationOf == null && subscription.RemovedAt == null
                    && (orderId == null || subscription.OrderId == null || subscription.OrderId != orderId)
                select subscription.Id).AnyAsync(cancellationToken);
    }
}
