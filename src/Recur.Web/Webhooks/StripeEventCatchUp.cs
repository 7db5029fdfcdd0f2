using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Recur.Web.Data;
using Recur.Web.Stripe;
using global::Stripe;

namespace Recur.Web.Webhooks;

/// <summary>
/// Heals missed deliveries: at start and every <see cref="WebhookOptions.CatchUpInterval"/>, lists each connected
/// account's events at Stripe (<c>GET /v1/events</c> with <c>Stripe-Account</c>, which goes back 30 days:
/// https://docs.stripe.com/api/events/list) from a little before the newest event Recur holds for that account, and
/// stores those it lacks through <see cref="StripeEventInbox"/>, exactly as if they had been delivered.
/// </summary>
public sealed partial class StripeEventCatchUp(
    IServiceScopeFactory scopes,
    StripeClients clients,
    StripeEventProcessor processor,
    IHostApplicationLifetime lifetime,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<StripeEventCatchUp> logger) : BackgroundService
{
    /// <summary>How far back Stripe lists events.</summary>
    public static readonly TimeSpan StripeListWindow = TimeSpan.FromDays(30);

    private readonly SemaphoreSlim _oneRunAtATime = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
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
            await Task.Delay(options.Value.CatchUpInterval, time, stoppingToken);
        }
    }

    /// <summary>One pass over every connected account; returns how many missed events were stored.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _oneRunAtATime.WaitAsync(cancellationToken);
        try
        {
            List<(StripeEnvironment Environment, string Account, DateTimeOffset ConnectedAt)> accounts;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                // Connections belong to tenants; the catch-up works for the platform, across tenants, on purpose.
                accounts = (await db.StripeConnections.IgnoreQueryFilters().AsNoTracking()
                        .Where(c => c.DisconnectedAt == null && c.AccountId != "")
                        .Select(c => new { c.Environment, c.AccountId, c.ConnectedAt, c.CreatedAt })
                        .ToListAsync(cancellationToken))
                    .GroupBy(c => (c.Environment, c.AccountId))
                    .Select(g => (g.Key.Environment, g.Key.AccountId, g.Min(c => c.ConnectedAt ?? c.CreatedAt)))
                    .ToList();
            }

            var stored = 0;
            foreach (var (environment, account, connectedAt) in accounts)
            {
                try
                {
                    stored += await CatchUpAsync(environment, account, connectedAt, cancellationToken);
                }
                catch (StripeException exception)
                {
                    // A revoked or deleted account: its deauthorization arrives (or was caught up) on its own.
                    LogAccountFailed(logger, account, environment, exception.StripeError?.Code ?? exception.HttpStatusCode.ToString());
                }
                catch (HttpRequestException exception)
                {
                    LogAccountFailed(logger, account, environment, exception.GetType().Name);
                }
            }
            if (stored > 0)
            {
                processor.Wake();
            }
            return stored;
        }
        finally
        {
            _oneRunAtATime.Release();
        }
    }

    private async Task<int> CatchUpAsync(StripeEnvironment environment, string account, DateTimeOffset connectedAt,
        CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var inbox = scope.ServiceProvider.GetRequiredService<StripeEventInbox>();
        var newest = await db.StripeEvents
            .Where(e => e.Environment == environment && e.Account == account)
            .OrderByDescending(e => e.CreatedAt)
            .Select(e => (DateTimeOffset?)e.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        var now = time.GetUtcNow();
        var since = (newest ?? connectedAt) - options.Value.CatchUpOverlap;
        if (since < now - StripeListWindow)
        {
            since = now - StripeListWindow;
        }

        var platform = await clients.GetAsync(environment, cancellationToken);
        var listOptions = new EventListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = since.UtcDateTime },
            Limit = 100,
        };
        var requestOptions = new RequestOptions { StripeAccount = account };
        var page = new List<(SignedEvent Signed, string Json)>();
        var stored = 0;
        await foreach (var listed in platform.Client.V1.Events.ListAutoPagingAsync(listOptions, requestOptions, cancellationToken))
        {
            var json = listed.RawJsonElement is { ValueKind: System.Text.Json.JsonValueKind.Object } raw ? raw.GetRawText() : null;
            if (json is null || SignedEvent.Parse(json) is not { } signed || signed.Livemode != environment.IsLivemode())
            {
                continue;
            }
            page.Add((signed, json));
            if (page.Count == 100)
            {
                stored += await StoreMissingAsync(db, inbox, environment, page, cancellationToken);
                page.Clear();
            }
        }
        stored += await StoreMissingAsync(db, inbox, environment, page, cancellationToken);
        if (stored > 0)
        {
            LogCaughtUp(logger, stored, account, environment);
        }
        return stored;
    }

    private static async Task<int> StoreMissingAsync(AppDbContext db, StripeEventInbox inbox, StripeEnvironment environment,
        List<(SignedEvent Signed, string Json)> page, CancellationToken cancellationToken)
    {
        if (page.Count == 0)
        {
            return 0;
        }
        var ids = page.Select(p => p.Signed.Id).ToList();
        var known = (await db.StripeEvents.Where(e => ids.Contains(e.Id)).Select(e => e.Id).ToListAsync(cancellationToken)).ToHashSet();
        var stored = 0;
        // Oldest first, as they happened.
        foreach (var (signed, json) in page.Where(p => !known.Contains(p.Signed.Id)).OrderBy(p => p.Signed.Created))
        {
            if (await inbox.StoreAsync(environment, signed, json, StripeEventSource.CatchUp, cancellationToken))
            {
                stored++;
            }
        }
        return stored;
    }

    public override void Dispose()
    {
        base.Dispose();
        _oneRunAtATime.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Caught up {Count} missed Stripe events of account {AccountId} ({Environment})")]
    private static partial void LogCaughtUp(ILogger logger, int count, string accountId, StripeEnvironment environment);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catching up the events of account {AccountId} ({Environment}) failed: {Error}")]
    private static partial void LogAccountFailed(ILogger logger, string accountId, StripeEnvironment environment, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Catching up Stripe events failed: {Error}")]
    private static partial void LogRunFailed(ILogger logger, string error);
}
