using global::Stripe;
using global::Stripe.TestHelpers;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Stripe;

namespace Recur.Web.Checkout;

/// <summary>
/// Keeps <see cref="Size"/> ready, unused Stripe test clocks per connected account in the Test environment, so that
/// checkout attaches a new customer to one without creating a clock while the customer waits. Topped up in the
/// background: when an account is connected, after each clock is taken, and on a poll. Clocks that are about to be
/// deleted by Stripe (<c>deletes_after</c>) or whose frozen time has fallen too far behind are never handed out;
/// they are deleted and replaced. Idempotent: each clock is created with a key derived from its pool row.
/// </summary>
public sealed partial class TestClockPool(
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<TestClockPool> logger) : BackgroundService
{
    public const int Size = 3;
    public static readonly TimeSpan PollInterval = TimeSpan.FromMinutes(5);

    /// <summary>A clock closer than this to Stripe's deletion is skipped: its customer would vanish soon after.</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromDays(1);

    /// <summary>A waiting clock stays frozen where it was made, and a customer put on it starts there; older than
    /// this it is replaced. A day keeps the background cost at a few requests per account per day, at the price of
    /// a Test subscription that may start up to a day before the checkout (Test only; the clock is what moves).</summary>
    public static readonly TimeSpan MaxIdle = TimeSpan.FromDays(1);

    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _oneRunAtATime = new(1, 1);

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

    /// <summary>Tops up the pool of every account linked in Test; returns how many clocks were made.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _oneRunAtATime.WaitAsync(cancellationToken);
        try
        {
            List<string> accounts;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                accounts = await db.StripeConnections.IgnoreQueryFilters().AsNoTracking()
                    .Where(c => c.Environment == StripeEnvironment.Test && c.DisconnectedAt == null && c.AccountId != "")
                    .Select(c => c.AccountId)
                    .Distinct()
                    .ToListAsync(cancellationToken);
            }
            var made = 0;
            foreach (var account in accounts)
            {
                try
                {
                    made += await TopUpAsync(account, cancellationToken);
                }
                catch (Exception exception) when (exception is StripeException or HttpRequestException or DbUpdateException)
                {
                    LogTopUpFailed(logger, account, exception.GetType().Name);
                }
            }
            return made;
        }
        finally
        {
            _oneRunAtATime.Release();
        }
    }

    /// <summary>
    /// Takes a ready clock for the order: the one it took before (a retry must send Stripe the same customer), or an
    /// unused one claimed atomically. Null when the pool is empty: the caller then creates a clock itself.
    /// </summary>
    public async Task<string?> TakeAsync(AppDbContext db, Guid orderId, string accountId, CancellationToken cancellationToken)
    {
        var taken = await db.PooledTestClocks.AsNoTracking()
            .Where(c => c.OrderId == orderId && c.StripeAccountId == accountId)
            .Select(c => c.StripeClockId)
            .FirstOrDefaultAsync(cancellationToken);
        if (taken is not null)
        {
            return taken;
        }
        var now = time.GetUtcNow();
        var (notBefore, freshSince) = (now + ExpiryMargin, now - MaxIdle);
        var candidates = await db.PooledTestClocks.AsNoTracking()
            .Where(c => c.StripeAccountId == accountId && c.OrderId == null && c.StripeClockId != null
                && c.DeletesAfter > notBefore && c.FrozenTime >= freshSince)
            .OrderBy(c => c.CreatedAt)
            .Select(c => new { c.Id, c.StripeClockId })
            .Take(Size)
            .ToListAsync(cancellationToken);
        foreach (var candidate in candidates)
        {
            // Two checkouts may pick the same clock: only one update finds it still free.
            var claimed = await db.PooledTestClocks
                .Where(c => c.Id == candidate.Id && c.OrderId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.OrderId, orderId).SetProperty(c => c.TakenAt, now), cancellationToken);
            if (claimed == 1)
            {
                Wake();
                return candidate.StripeClockId;
            }
        }
        Wake();
        return null;
    }

    /// <summary>Creates a clock for the order while the customer waits (the pool was empty); correct, one request
    /// slower. Keyed by the order, and recorded as the order's, so a retry uses the same clock.</summary>
    public async Task<string> MakeForOrderAsync(AppDbContext db, global::Stripe.StripeClient client, Order order, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var clock = await client.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions
        {
            FrozenTime = now.UtcDateTime,
            Name = "Recur order " + order.Id,
        }, new RequestOptions { StripeAccount = order.StripeAccountId, IdempotencyKey = order.IdempotencyKey("clock") }, cancellationToken);
        db.PooledTestClocks.Add(PooledTestClock.MadeFor(order.Id, order.StripeAccountId, clock.Id, Utc(clock.FrozenTime), Utc(clock.DeletesAfter), now));
        await db.SaveChangesAsync(cancellationToken);
        LogPoolEmpty(logger, order.StripeAccountId, order.Id);
        return clock.Id;
    }

    private async Task<int> TopUpAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var stripe = (await scope.ServiceProvider.GetRequiredService<StripeClients>().GetAsync(StripeEnvironment.Test, cancellationToken)).Client.V1;
        var onAccount = new RequestOptions { StripeAccount = accountId };
        var now = time.GetUtcNow();

        var waiting = await db.PooledTestClocks.Where(c => c.StripeAccountId == accountId && c.OrderId == null).ToListAsync(cancellationToken);
        foreach (var stale in waiting.Where(c => c.StripeClockId is not null && !IsUsable(c, now)).ToList())
        {
            // Claimed away from checkout first, so a clock being handed out is never deleted.
            var removed = await db.PooledTestClocks.Where(c => c.Id == stale.Id && c.OrderId == null).ExecuteDeleteAsync(cancellationToken);
            waiting.Remove(stale);
            if (removed == 1)
            {
                await DeleteOnStripeAsync(stripe, stale.StripeClockId!, onAccount, cancellationToken);
            }
        }

        for (var missing = Size - waiting.Count; missing > 0; missing--)
        {
            var row = new PooledTestClock(accountId, now);
            db.PooledTestClocks.Add(row);
            waiting.Add(row);
        }
        await db.SaveChangesAsync(cancellationToken);

        var made = 0;
        foreach (var row in waiting.Where(c => c.StripeClockId is null))
        {
            var clock = await stripe.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions
            {
                FrozenTime = now.UtcDateTime,
                Name = "Recur checkout",
            }, new RequestOptions { StripeAccount = accountId, IdempotencyKey = row.IdempotencyKey }, cancellationToken);
            row.RecordCreated(clock.Id, Utc(clock.FrozenTime), Utc(clock.DeletesAfter));
            await db.SaveChangesAsync(cancellationToken);
            made++;
        }
        if (made > 0)
        {
            LogToppedUp(logger, accountId, made);
        }
        return made;
    }

    private static bool IsUsable(PooledTestClock clock, DateTimeOffset now) =>
        clock.DeletesAfter > now + ExpiryMargin && clock.FrozenTime >= now - MaxIdle;

    private async Task DeleteOnStripeAsync(global::Stripe.V1Services stripe, string clockId, RequestOptions onAccount, CancellationToken cancellationToken)
    {
        try
        {
            await stripe.TestHelpers.TestClocks.DeleteAsync(clockId, null, onAccount, cancellationToken);
        }
        catch (StripeException exception) when (exception.StripeError?.Code == "resource_missing")
        {
            // Stripe deleted it already (deletes_after).
        }
        LogRetired(logger, clockId);
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    [LoggerMessage(Level = LogLevel.Information, Message = "Test clock pool of {AccountId}: {Made} clocks made")]
    private static partial void LogToppedUp(ILogger logger, string accountId, int made);

    [LoggerMessage(Level = LogLevel.Information, Message = "Test clock pool of {AccountId} was empty: order {OrderId} made its own clock")]
    private static partial void LogPoolEmpty(ILogger logger, string accountId, Guid orderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Test clock {ClockId} retired from the pool")]
    private static partial void LogRetired(ILogger logger, string clockId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topping up the test clock pool of {AccountId} failed: {Error}")]
    private static partial void LogTopUpFailed(ILogger logger, string accountId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The test clock pool failed: {Error}")]
    private static partial void LogRunFailed(ILogger logger, string error);
}
