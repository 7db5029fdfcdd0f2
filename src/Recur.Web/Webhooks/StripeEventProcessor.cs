using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Recur.Web.Data;
using Recur.Web.Subscriptions;
using Recur.Web.Telemetry;

namespace Recur.Web.Webhooks;

/// <summary>
/// Applies stored events from the inbox. Woken right after an event is stored, and polls for retries. Each due
/// row is first claimed in the database (a short lease), so several workers never process the same event at once.
/// A failing event is retried with backoff for days (<see cref="WebhookOptions"/>), then parked for the operator.
/// Applied events lose their payload after <see cref="WebhookOptions.PayloadRetention"/>.
/// </summary>
public sealed partial class StripeEventProcessor(
    IServiceScopeFactory scopes,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    RecurTelemetry telemetry,
    ILogger<StripeEventProcessor> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(10);

    /// <summary>How long the counts of wrong-mode events go back.</summary>
    public static readonly TimeSpan WrongModeRetention = TimeSpan.FromDays(30);

    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private const int BatchSize = 50;

    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _oneRunAtATime = new(1, 1);

    /// <summary>Asks the worker to look at the inbox now.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!started)
                {
                    await ReleaseClaimsOfEarlierRunsAsync(stoppingToken);
                    started = true;
                }
                await RunOnceAsync(stoppingToken);
                if (time.GetUtcNow() - _lastPrune >= PruneInterval)
                {
                    _lastPrune = time.GetUtcNow();
                    await PruneAsync(_lastPrune, stoppingToken);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRunFailed(logger, exception.GetType().Name);
            }
            using var poll = new CancellationTokenSource(PollInterval, time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, poll.Token);
            try
            {
                await _wake.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Poll interval elapsed.
            }
        }
    }

    /// <summary>
    /// Makes the events a previous run had claimed due now. A run killed while applying an event (a crash, an OOM kill,
    /// a redeploy) leaves its claim behind, and the event would otherwise wait out the lease. At start no claim can
    /// belong to a live worker: Recur is one process per database (SQLite). A claim is a due time at most
    /// <see cref="Lease"/> ahead; a retry that short is an early one, and trying it at start does no harm.
    /// Returns how many events were released.
    /// </summary>
    public async Task<int> ReleaseClaimsOfEarlierRunsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow();
        var leaseEnd = now + Lease;
        var released = await db.StripeEvents
            .Where(e => e.Status == StripeEventStatus.Pending && e.NextAttemptAt > now && e.NextAttemptAt <= leaseEnd)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.NextAttemptAt, now), cancellationToken);
        if (released > 0)
        {
            LogClaimsReleased(logger, released);
        }
        return released;
    }

    /// <summary>Processes every event that is due now; returns how many were processed successfully.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _oneRunAtATime.WaitAsync(cancellationToken);
        try
        {
            var processed = 0;
            while (true)
            {
                var now = time.GetUtcNow();
                List<(string Id, DateTimeOffset? DueAt)> due;
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                    due = (await db.StripeEvents.AsNoTracking()
                            .Where(e => e.Status == StripeEventStatus.Pending && e.NextAttemptAt != null && e.NextAttemptAt <= now)
                            .OrderBy(e => e.CreatedAt)
                            .Take(BatchSize)
                            .Select(e => new { e.Id, e.NextAttemptAt })
                            .ToListAsync(cancellationToken))
                        .Select(e => (e.Id, e.NextAttemptAt))
                        .ToList();
                }
                if (due.Count == 0)
                {
                    return processed;
                }
                foreach (var (id, dueAt) in due)
                {
                    if (await ProcessAsync(id, dueAt, cancellationToken))
                    {
                        processed++;
                    }
                }
                if (due.Count < BatchSize)
                {
                    return processed;
                }
            }
        }
        finally
        {
            _oneRunAtATime.Release();
        }
    }

    private async Task<bool> ProcessAsync(string id, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow();
        var claimedUntil = now + Lease;
        var claimed = await db.StripeEvents
            .Where(e => e.Id == id && e.Status == StripeEventStatus.Pending && e.NextAttemptAt == dueAt)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.NextAttemptAt, claimedUntil), cancellationToken);
        if (claimed != 1)
        {
            return false;
        }

        var row = await db.StripeEvents.SingleAsync(e => e.Id == id, cancellationToken);
        using var span = RecurTelemetry.Source.StartActivity("stripe_event apply");
        span?.SetTag("stripe.event_id", row.Id);
        span?.SetTag("stripe.event_type", row.Type);
        span?.SetTag("stripe.account", row.Account);
        span?.SetTag("attempt", row.Attempts + 1);
        try
        {
            await scope.ServiceProvider.GetRequiredService<ConnectEvents>().ApplyAsync(row, cancellationToken);
            await scope.ServiceProvider.GetRequiredService<SubscriptionEvents>().ApplyAsync(row, cancellationToken);
            await scope.ServiceProvider.GetRequiredService<Payments.PaymentEvents>().ApplyAsync(row, cancellationToken);
            await scope.ServiceProvider.GetRequiredService<CustomerEvents>().ApplyAsync(row, cancellationToken);
            await scope.ServiceProvider.GetRequiredService<Checkout.BacsMandateCheckout>().ApplyAsync(row, cancellationToken);
            await scope.ServiceProvider.GetRequiredService<Emails.EmailEvents>().ApplyAsync(row, cancellationToken);
            row.MarkProcessed(time.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            telemetry.EventApplied(row.Type, time.GetUtcNow() - row.CreatedAt);
            LogProcessed(logger, row.Id, row.Type);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            db.ChangeTracker.Clear();
            var failed = await db.StripeEvents.SingleAsync(e => e.Id == id, cancellationToken);
            failed.MarkFailed(Reason(exception), time.GetUtcNow(), options.Value);
            await db.SaveChangesAsync(cancellationToken);
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.GetType().Name);
            telemetry.EventFailed(row.Type, failed.Status == StripeEventStatus.Parked);
            if (failed.Status == StripeEventStatus.Parked)
            {
                LogParked(logger, row.Id, row.Type, failed.Attempts, exception.GetType().Name);
            }
            else
            {
                LogFailed(logger, row.Id, row.Type, failed.Attempts, exception.GetType().Name);
            }
            return false;
        }
    }

    /// <summary>What the operator sees for a failed attempt: the exception's type and message (Stripe's messages name
    /// ids, never secrets), shortened to fit.</summary>
    private static string Reason(Exception exception)
    {
        var reason = exception.GetType().Name + ": " + exception.Message;
        return reason.Length <= 1000 ? reason : reason[..1000];
    }

    /// <summary>
    /// Drops the payload of every event applied more than <see cref="WebhookOptions.PayloadRetention"/> before
    /// <paramref name="now"/> (payloads carry personal data and client secrets; id, type, account and times stay), and
    /// the wrong-mode counts older than <see cref="WrongModeRetention"/>. Returns how many payloads were dropped.
    /// </summary>
    public async Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var appliedBefore = now - options.Value.PayloadRetention;
        var pruned = await db.StripeEvents
            .Where(e => e.Status == StripeEventStatus.Processed && e.PayloadPrunedAt == null && e.ProcessedAt <= appliedBefore)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Payload, "").SetProperty(e => e.PayloadPrunedAt, now), cancellationToken);
        var countedBefore = now - WrongModeRetention;
        await db.WrongModeEvents.Where(e => e.ReceivedAt < countedBefore).ExecuteDeleteAsync(cancellationToken);
        if (pruned > 0)
        {
            LogPruned(logger, pruned);
        }
        return pruned;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} Stripe events claimed by an earlier run are due again")]
    private static partial void LogClaimsReleased(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} ({Type}) processed")]
    private static partial void LogProcessed(ILogger logger, string eventId, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event {EventId} ({Type}) failed on attempt {Attempt}: {Error}")]
    private static partial void LogFailed(ILogger logger, string eventId, string type, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe event {EventId} ({Type}) parked after {Attempts} attempts: {Error}")]
    private static partial void LogParked(ILogger logger, string eventId, string type, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped the payloads of {Count} applied Stripe events past their retention")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing the Stripe event inbox failed: {Error}")]
    private static partial void LogRunFailed(ILogger logger, string error);
}
