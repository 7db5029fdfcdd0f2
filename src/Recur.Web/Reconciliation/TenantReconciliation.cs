using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Subscriptions;
using Subscription = Recur.Web.Subscriptions.Subscription;

namespace Recur.Web.Reconciliation;

/// <summary>
/// Reconciles one tenant: on each of its connected accounts (per environment) reads from Stripe what may have changed
/// since the tenant's last complete run, repairs Recur's rows through <see cref="SubscriptionSync"/> (the same read
/// and the same guarded entity methods as a webhook), and records the run with a line per subscription that changed.
/// <para>
/// Stripe's list endpoints filter by <c>created</c> only; nothing lists "updated since"
/// (https://docs.stripe.com/api/subscriptions/list, https://docs.stripe.com/api/invoices/list). So a run is bounded
/// like this: it lists the subscriptions (<c>status=all</c>) and invoices <em>created</em> since the previous run
/// (less <see cref="ReconciliationOptions.Overlap"/>; everything on the first run), which finds what Recur never
/// heard of and ended subscriptions with new invoices; and it re-reads by id every subscription Recur holds that has
/// not ended, since only those can still change at Stripe (canceled and incomplete_expired are final). A re-read
/// brings the subscription's status, schedule, invoices (with their payments), latest PaymentIntent and mandate.
/// </para>
/// Runs outside the tenant's request scope (background) too: every query names the tenant explicitly.
/// </summary>
public sealed partial class TenantReconciliation(
    AppDbContext db,
    StripeClients clients,
    SubscriptionSync sync,
    TimeProvider time,
    IOptions<ReconciliationOptions> options,
    ILogger<TenantReconciliation> logger)
{
    public async Task<ReconciliationRun> RunAsync(Guid tenantId, string startedBy, CancellationToken cancellationToken)
    {
        var previous = await db.ReconciliationRuns.IgnoreQueryFilters().AsNoTracking()
            .Where(r => r.TenantId == tenantId && r.FinishedAt != null && r.Failed == 0)
            .OrderByDescending(r => r.StartedAt)
            .Select(r => (DateTimeOffset?)r.StartedAt)
            .FirstOrDefaultAsync(cancellationToken);
        var run = new ReconciliationRun(tenantId, startedBy, time.GetUtcNow(), previous - options.Value.Overlap);

        var accounts = await db.StripeConnections.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.TenantId == tenantId && c.DisconnectedAt == null && c.AccountId != "")
            .Select(c => new { c.Environment, c.AccountId })
            .ToListAsync(cancellationToken);
        foreach (var account in accounts)
        {
            try
            {
                await ReconcileAccountAsync(run, account.Environment, account.AccountId, cancellationToken);
            }
            catch (StripeException exception)
            {
                run.Record(new ReconciliationFinding(FindingKind.Failed, account.Environment, account.AccountId, null,
                    "Stripe refused to list this account's subscriptions: " + (exception.StripeError?.Message ?? exception.Message)));
                LogAccountFailed(logger, tenantId, account.AccountId, exception.StripeError?.Code ?? exception.HttpStatusCode.ToString());
            }
            catch (HttpRequestException exception)
            {
                run.Record(new ReconciliationFinding(FindingKind.Failed, account.Environment, account.AccountId, null,
                    "Stripe could not be reached; the next run tries again."));
                LogAccountFailed(logger, tenantId, account.AccountId, exception.GetType().Name);
            }
        }

        run.Finish(time.GetUtcNow());
        // Added last: a sync that meets a concurrent write clears the change tracker, which would drop it.
        db.ReconciliationRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        LogRun(logger, tenantId, run.Id, run.Read, run.Changed, run.MissingOnStripe, run.UnknownToRecur, run.Failed);
        return run;
    }

    private async Task ReconcileAccountAsync(ReconciliationRun run, StripeEnvironment environment, string accountId, CancellationToken cancellationToken)
    {
        var stripe = (await clients.GetAsync(environment, cancellationToken)).Client.V1;
        var onAccount = new RequestOptions { StripeAccount = accountId };
        var created = run.Since is { } since ? new DateRangeOptions { GreaterThanOrEqual = since.UtcDateTime } : null;

        var listed = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var subscription in stripe.Subscriptions.ListAutoPagingAsync(
            new SubscriptionListOptions { Status = "all", Created = created, Limit = 100 }, onAccount, cancellationToken))
        {
            run.CountRead();
            listed.Add(subscription.Id);
        }
        var invoiced = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var invoice in stripe.Invoices.ListAutoPagingAsync(
            new InvoiceListOptions { Created = created, Limit = 100 }, onAccount, cancellationToken))
        {
            run.CountRead();
            if (invoice.Parent?.SubscriptionDetails?.SubscriptionId is { } subscriptionId)
            {
                invoiced.Add(subscriptionId);
            }
        }

        var held = await db.Subscriptions.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.TenantId == run.TenantId && s.Environment == environment && s.StripeAccountId == accountId)
            .Select(s => new { s.Id, s.StripeSubscriptionId, s.Status, s.RemovedAt })
            .ToListAsync(cancellationToken);
        var known = held.Select(s => s.StripeSubscriptionId).ToHashSet(StringComparer.Ordinal);
        foreach (var unknown in listed.Union(invoiced).Where(id => !known.Contains(id)).Order(StringComparer.Ordinal))
        {
            run.Record(new ReconciliationFinding(FindingKind.UnknownToRecur, environment, unknown, null,
                "On Stripe, but not made through Recur: left as it is."));
        }

        var toRead = held
            .Where(s => s.RemovedAt is null)
            .Where(s => run.Since is null
                || (s.Status is not (SubscriptionStatus.Canceled or SubscriptionStatus.IncompleteExpired))
                || listed.Contains(s.StripeSubscriptionId) || invoiced.Contains(s.StripeSubscriptionId))
            .Select(s => s.Id)
            .ToList();
        foreach (var id in toRead)
        {
            await ReconcileSubscriptionAsync(run, id, cancellationToken);
        }
    }

    private async Task ReconcileSubscriptionAsync(ReconciliationRun run, Guid id, CancellationToken cancellationToken)
    {
        // Loaded afresh each time: a sync that met a concurrent write clears the change tracker.
        var subscription = await db.Subscriptions.IgnoreQueryFilters().SingleAsync(s => s.Id == id, cancellationToken);
        var before = await SubscriptionState.ReadAsync(db, subscription, cancellationToken);
        try
        {
            subscription = await sync.SyncAsync(subscription, cancellationToken);
        }
        catch (StripeException exception)
        {
            run.Record(new ReconciliationFinding(FindingKind.Failed, subscription.Environment, subscription.StripeSubscriptionId, id,
                "Stripe refused to read it: " + (exception.StripeError?.Message ?? exception.Message)));
            LogSubscriptionFailed(logger, id, exception.StripeError?.Code ?? exception.HttpStatusCode.ToString());
            return;
        }
        run.CountRead();
        var after = await SubscriptionState.ReadAsync(db, subscription, cancellationToken);
        var changes = before.DescribeChanges(after);
        if (changes.Count == 0)
        {
            return;
        }
        var kind = before.Status != SubscriptionState.Removed && after.Status == SubscriptionState.Removed
            ? FindingKind.MissingOnStripe
            : FindingKind.Changed;
        run.Record(new ReconciliationFinding(kind, subscription.Environment, subscription.StripeSubscriptionId, id, string.Join("; ", changes)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} reconciled (run {RunId}): {Read} read, {Changed} changed, {Missing} missing on Stripe, {Unknown} unknown to Recur, {Failed} failed")]
    private static partial void LogRun(ILogger logger, Guid tenantId, Guid runId, int read, int changed, int missing, int unknown, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling tenant {TenantId}: account {AccountId} could not be listed ({Error})")]
    private static partial void LogAccountFailed(ILogger logger, Guid tenantId, string accountId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling subscription {SubscriptionId} failed ({Error})")]
    private static partial void LogSubscriptionFailed(ILogger logger, Guid subscriptionId, string error);
}
