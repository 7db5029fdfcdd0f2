using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Subscriptions;

namespace Recur.Web.Webhooks;

/// <summary>
/// Applies stored events from the inbox. Woken right after an event is stored, and polls for retries. Each due
/// row is first claimed in the database (a short lease), so several workers never process the same event at once.
/// </summary>
public sealed partial class StripeEventProcessor(
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<StripeEventProcessor> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);
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
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
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
                            .Where(e => e.ProcessedAt == null && e.NextAttemptAt != null && e.NextAttemptAt <= now)
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
            .Where(e => e.Id == id && e.ProcessedAt == null && e.NextAttemptAt == dueAt)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.NextAttemptAt, claimedUntil), cancellationToken);
        if (claimed != 1)
        {
            return false;
        }

        var row = await db.StripeEvents.SingleAsync(e => e.Id == id, cancellationToken);
        try
        {
            await scope.ServiceProvider.GetRequiredService<ConnectEvents>().ApplyAsync(row, cancellationToken);
            await scope.ServiceProvider.GetRequiredService<SubscriptionEvents>().ApplyAsync(row, cancellationToken);
            await scope.ServiceProvider.GetRequiredService<CustomerEvents>().ApplyAsync(row, cancellationToken);
            row.MarkProcessed(time.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            LogProcessed(logger, row.Id, row.Type);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            db.ChangeTracker.Clear();
            var failed = await db.StripeEvents.SingleAsync(e => e.Id == id, cancellationToken);
            failed.MarkFailed(exception.GetType().Name, time.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            LogFailed(logger, row.Id, row.Type, failed.Attempts, exception.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} ({Type}) processed")]
    private static partial void LogProcessed(ILogger logger, string eventId, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event {EventId} ({Type}) failed on attempt {Attempt}: {Error}")]
    private static partial void LogFailed(ILogger logger, string eventId, string type, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing the Stripe event inbox failed: {Error}")]
    private static partial void LogRunFailed(ILogger logger, string error);
}
