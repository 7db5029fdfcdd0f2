using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Recur.Web.Data;

namespace Recur.Web.Reconciliation;

/// <summary>
/// Runs <see cref="TenantReconciliation"/>: for one tenant when an admin presses "Reconcile now", and for every tenant
/// with a connected account every <see cref="ReconciliationOptions.Interval"/> when
/// <see cref="ReconciliationOptions.Enabled"/>, so a subscription whose webhook was lost (and not caught up) is
/// repaired within minutes. One run per tenant at a time; runs older than
/// <see cref="ReconciliationOptions.KeepRunsFor"/> are deleted.
/// </summary>
public sealed partial class ReconciliationService(
    IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime,
    IOptions<ReconciliationOptions> options,
    TimeProvider time,
    ILogger<ReconciliationService> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _tenantGates = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
        // The catch-up of missed events runs at start; reconciliation follows one interval later, and then every interval.
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.Interval, time, stoppingToken);
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogPassFailed(logger, exception.GetType().Name);
            }
        }
    }

    /// <summary>Every tenant with a connected account, as the background does; returns the runs made.</summary>
    public async Task<IReadOnlyList<ReconciliationRun>> RunOnceAsync(CancellationToken cancellationToken)
    {
        List<Guid> tenants;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            // Background work for the platform, across tenants on purpose; each run names its tenant.
            tenants = await db.StripeConnections.IgnoreQueryFilters()
                .Where(c => c.DisconnectedAt == null && c.AccountId != "")
                .Select(c => c.TenantId).Distinct().ToListAsync(cancellationToken);
            var expired = time.GetUtcNow() - options.Value.KeepRunsFor;
            await db.ReconciliationRuns.IgnoreQueryFilters().Where(r => r.StartedAt < expired).ExecuteDeleteAsync(cancellationToken);
        }
        var runs = new List<ReconciliationRun>();
        foreach (var tenant in tenants)
        {
            runs.Add(await ReconcileTenantAsync(tenant, ReconciliationRun.Background, cancellationToken));
        }
        return runs;
    }

    /// <summary>One run for <paramref name="tenantId"/>, after any run of the same tenant in progress.</summary>
    public async Task<ReconciliationRun> ReconcileTenantAsync(Guid tenantId, string startedBy, CancellationToken cancellationToken)
    {
        var gate = _tenantGates.GetOrAdd(tenantId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<TenantReconciliation>().RunAsync(tenantId, startedBy, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        foreach (var gate in _tenantGates.Values)
        {
            gate.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A background reconciliation pass failed: {Error}")]
    private static partial void LogPassFailed(ILogger logger, string error);
}
