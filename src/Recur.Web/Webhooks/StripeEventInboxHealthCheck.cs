using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Recur.Web.Data;

namespace Recur.Web.Webhooks;

/// <summary>
/// Degraded while events wait for the operator: held because Stripe rendered them in an API version Recur does not
/// read (a configuration problem), or parked after failing for days. Counts and versions only, no tenant data.
/// </summary>
public sealed class StripeEventInboxHealthCheck(AppDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var held = await db.StripeEvents.Where(e => e.Status == StripeEventStatus.Held)
            .GroupBy(e => e.ApiVersion)
            .Select(g => new { Version = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var parked = await db.StripeEvents.CountAsync(e => e.Status == StripeEventStatus.Parked, cancellationToken);
        var problems = new List<string>();
        if (held.Count > 0)
        {
            problems.Add($"configuration problem: {held.Sum(h => h.Count)} Stripe event(s) held, rendered in API version "
                + string.Join(", ", held.Select(h => h.Version)) + $" while Recur reads {StripeApiVersion.Current}");
        }
        if (parked > 0)
        {
            problems.Add($"{parked} Stripe event(s) parked after failing");
        }
        return problems.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded(string.Join("; ", problems) + " (see /admin/operator).");
    }
}
