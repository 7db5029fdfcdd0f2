using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Subscriptions;
using Subscription = Recur.Web.Subscriptions.Subscription;

namespace Recur.Web.Reconciliation;

/// <summary>What the admin sees of a subscription and its invoices, taken before and after a reconciliation read, so
/// the report can say what changed in the admin's words ("Active → Canceled").</summary>
public sealed record SubscriptionState(string Status, bool CancelAtPeriodEnd, DateTimeOffset? PeriodEnd, string? LatestPayment,
    IReadOnlyDictionary<string, string> Invoices)
{
    public const string Removed = "Deleted on Stripe";

    public static async Task<SubscriptionState> ReadAsync(AppDbContext db, Subscription subscription, CancellationToken cancellationToken)
    {
        var invoices = await db.Payments.IgnoreQueryFilters().AsNoTracking()
            .Where(p => p.SubscriptionId == subscription.Id && p.StripeInvoiceId != null)
            .Select(p => new { StripeInvoiceId = p.StripeInvoiceId!, p.Status })
            .ToListAsync(cancellationToken);
        return new SubscriptionState(Label(subscription), subscription.CancelAtPeriodEnd, subscription.CurrentPeriodEnd,
            subscription.LatestPaymentStatus,
            invoices.ToDictionary(i => i.StripeInvoiceId, i => i.Status.ToString().ToLowerInvariant(), StringComparer.Ordinal));
    }

    public static string Label(Subscription subscription) => subscription.RemovedAt is not null
        ? Removed
        : subscription.Status switch
        {
            SubscriptionStatus.PastDue => "Past due",
            SubscriptionStatus.IncompleteExpired => "Incomplete, expired",
            var status => status.ToString(),
        };

    /// <summary>What differs from <paramref name="after"/>, one phrase per difference; empty when nothing does.</summary>
    public IReadOnlyList<string> DescribeChanges(SubscriptionState after)
    {
        var changes = new List<string>();
        if (Status != after.Status)
        {
            changes.Add($"{Status} → {after.Status}");
        }
        if (CancelAtPeriodEnd != after.CancelAtPeriodEnd && after.Status is not ("Canceled" or Removed))
        {
            changes.Add(after.CancelAtPeriodEnd ? "now cancels at the end of the period" : "no longer cancels at the end of the period");
        }
        if (PeriodEnd is { } end && after.PeriodEnd is { } newEnd && end != newEnd)
        {
            changes.Add($"period ends {Day(end)} → {Day(newEnd)}");
        }
        if (LatestPayment != after.LatestPayment && after.LatestPayment is not null)
        {
            changes.Add($"latest payment {LatestPayment ?? "none"} → {after.LatestPayment}");
        }
        foreach (var (invoice, status) in after.Invoices.OrderBy(i => i.Key, StringComparer.Ordinal))
        {
            if (!Invoices.TryGetValue(invoice, out var was))
            {
                changes.Add($"invoice {invoice} recorded ({status})");
            }
            else if (was != status)
            {
                changes.Add($"invoice {invoice} {was} → {status}");
            }
        }
        return changes;
    }

    private static string Day(DateTimeOffset at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
