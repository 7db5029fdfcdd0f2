using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Checkout;
using Recur.Web.Data;
using Recur.Web.Simulation;
using Recur.Web.Webhooks;
using Customer = Recur.Web.Subscriptions.Customer;
using StripeCustomer = global::Stripe.Customer;

namespace Recur.Web.Subscriptions;

/// <summary>
/// Applies <c>customer.created|updated|deleted</c> from connected accounts (<c>event.account</c>) to Recur's
/// customers of every tenant linked to that account in the event's environment, so that checkout can match a
/// customer by email without asking Stripe, also for customers made outside Recur (the merchant's Dashboard). The
/// event carries the whole customer: no Stripe read. Older events than the last one applied change nothing; a
/// deleted customer stays as a tombstone (so an import that read it before the deletion does not bring it back).
/// </summary>
public sealed partial class CustomerEvents(AppDbContext db, SubscriptionSimulator simulator, ILogger<CustomerEvents> logger)
{
    public static bool Handles(string type) => type is "customer.created" or "customer.updated" or "customer.deleted" or TestClockDeleted;

    /// <summary>Stripe deleted a test clock (at its <c>deletes_after</c>, or someone deleted it): its customers and
    /// their subscriptions are gone too.</summary>
    public const string TestClockDeleted = "test_helpers.test_clock.deleted";

    public async Task ApplyAsync(StripeEvent row, CancellationToken cancellationToken)
    {
        if (row.Account is not { } account || !Handles(row.Type))
        {
            return;
        }
        var stripeEvent = EventUtility.ParseEvent(row.Payload, throwOnApiVersionMismatch: false);
        if (stripeEvent.Data.Object is global::Stripe.TestHelpers.TestClock clock && row.Type == TestClockDeleted)
        {
            await simulator.MarkClockGoneAsync(account, clock.Id, "Its test clock was deleted on Stripe, and with it its customer and subscription.",
                cancellationToken);
            LogClockGone(logger, row.Id, clock.Id, account);
            return;
        }
        if (stripeEvent.Data.Object is not StripeCustomer stripeCustomer)
        {
            return;
        }
        // A customer a checkout is making: wait until that checkout has added its own row (in this process), so the
        // two do not both add one. Across processes the unique index decides, and the loser tries again.
        var orderLock = stripeCustomer.Metadata?.GetValueOrDefault("recur_order_id") is { } order && Guid.TryParse(order, out var orderId)
            ? CheckoutOrders.LockFor(orderId)
            : null;
        if (orderLock is not null)
        {
            await orderLock.WaitAsync(cancellationToken);
        }
        try
        {
            await ApplyAsync(row, account, stripeCustomer, cancellationToken);
        }
        finally
        {
            orderLock?.Release();
        }
    }

    private async Task ApplyAsync(StripeEvent row, string account, StripeCustomer stripeCustomer, CancellationToken cancellationToken)
    {
        var tenantIds = await db.StripeConnections.IgnoreQueryFilters()
            .Where(c => c.AccountId == account && c.Environment == row.Environment && c.DisconnectedAt == null)
            .Select(c => c.TenantId)
            .ToListAsync(cancellationToken);
        foreach (var tenantId in tenantIds)
        {
            var customer = await db.Customers.IgnoreQueryFilters().SingleOrDefaultAsync(
                c => c.TenantId == tenantId && c.Environment == row.Environment && c.StripeAccountId == account
                    && c.StripeCustomerId == stripeCustomer.Id, cancellationToken);
            if (customer is null)
            {
                customer = Customer.FromStripe(tenantId, row.Environment, account, stripeCustomer, row.CreatedAt);
                db.Customers.Add(customer);
                LogAdded(logger, row.Id, stripeCustomer.Id, account);
            }
            else if (row.Type != "customer.deleted")
            {
                customer.ApplyFromStripe(stripeCustomer, row.CreatedAt);
            }
            if (row.Type == "customer.deleted")
            {
                customer.MarkDeleted(row.CreatedAt);
                // Stripe cancels a deleted customer's subscriptions; one deleted with its test clock is gone altogether.
                foreach (var subscription in await db.Subscriptions.IgnoreQueryFilters()
                             .Where(s => s.CustomerId == customer.Id && s.RemovedAt == null).ToListAsync(cancellationToken))
                {
                    subscription.MarkRemoved("Its customer was deleted on Stripe.", row.CreatedAt);
                }
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId}: test clock {ClockId} on {AccountId} deleted, its customers marked")]
    private static partial void LogClockGone(ILogger logger, string eventId, string clockId, string accountId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId}: customer {CustomerId} on {AccountId} added to Recur")]
    private static partial void LogAdded(ILogger logger, string eventId, string customerId, string accountId);
}
