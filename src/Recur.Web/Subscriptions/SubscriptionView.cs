using Microsoft.EntityFrameworkCore;
using Recur.Web.Catalog;
using Recur.Web.Data;
using Recur.Web.Integrations;

namespace Recur.Web.Subscriptions;

/// <summary>A subscription with what the admin panel shows next to it.</summary>
public sealed record SubscriptionView(Subscription Subscription, Customer Customer, Offer Offer, Mandate? Mandate, bool AccountDisconnected)
{
    public SubscriptionAccess Access => Subscription.Access(Offer.BacsActivation, Mandate?.Status);

    public string AccessText => Subscription.Describe(Access);

    /// <summary>When the next payment is due, or why there is none.</summary>
    public string NextRenewal => Subscription switch
    {
        { IsEnded: true } => "None (ended)",
        { CancelAtPeriodEnd: true, CurrentPeriodEnd: { } end } => $"None (cancels on {end:yyyy-MM-dd})",
        { CancelAt: { } cancelAt, CurrentPeriodEnd: { } end } when cancelAt <= end => $"None (the fixed term ends on {cancelAt:yyyy-MM-dd})",
        { Status: SubscriptionStatus.Trialing, TrialEnd: { } trialEnd } => $"{trialEnd:yyyy-MM-dd HH:mm} UTC (trial ends)",
        { Status: SubscriptionStatus.Incomplete } => "After the first payment",
        { CurrentPeriodEnd: { } end } => $"{end:yyyy-MM-dd HH:mm} UTC",
        _ => "—",
    };

    public string CurrentPeriod => Subscription.CurrentPeriodStart is { } start && Subscription.CurrentPeriodEnd is { } end
        ? $"{start:yyyy-MM-dd} → {end:yyyy-MM-dd}"
        : "—";

    /// <summary>The tenant's subscriptions (tenant-filtered), newest first, with their customers and offers.</summary>
    public static async Task<List<SubscriptionView>> ListAsync(AppDbContext db, IQueryable<Subscription> subscriptions, CancellationToken cancellationToken)
    {
        var list = await subscriptions.OrderByDescending(s => s.CreatedAt).ToListAsync(cancellationToken);
        var customerIds = list.Select(s => s.CustomerId).Distinct().ToList();
        var offerIds = list.Select(s => s.OfferId).Distinct().ToList();
        var mandateIds = list.Where(s => s.StripeMandateId != null).Select(s => s.StripeMandateId!).Distinct().ToList();
        var customers = await db.Customers.Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        var offers = await db.Offers.Where(o => offerIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, cancellationToken);
        var mandates = await db.Mandates.Where(m => mandateIds.Contains(m.StripeMandateId)).ToListAsync(cancellationToken);
        var connections = await db.StripeConnections.ToListAsync(cancellationToken);
        return list.Select(s => new SubscriptionView(s, customers[s.CustomerId], offers[s.OfferId],
            mandates.FirstOrDefault(m => m.StripeMandateId == s.StripeMandateId && m.StripeAccountId == s.StripeAccountId),
            !connections.Any(c => c.Environment == s.Environment && c.AccountId == s.StripeAccountId && c.IsLinked))).ToList();
    }
}
