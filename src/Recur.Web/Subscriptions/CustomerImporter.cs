using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Customer = Recur.Web.Subscriptions.Customer;

namespace Recur.Web.Subscriptions;

/// <summary>
/// Imports the existing customers of every linked connected account once (<c>customers.list</c>, auto-paging; in
/// Test also each test clock's customers, which Stripe lists only with their clock), so that checkout can match
/// returning customers by email in Recur's database. Woken when an account is connected, and polls for accounts
/// without an import started since they were (last) connected; a failed import is tried again. Idempotent: a
/// customer Recur already has is updated (unless a newer event said otherwise), never added twice; a tombstone of
/// a deleted one stays deleted.
/// </summary>
public sealed partial class CustomerImporter(
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<CustomerImporter> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _oneRunAtATime = new(1, 1);

    /// <summary>Asks the importer to look for accounts to import now (e.g. one was just connected).</summary>
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

    /// <summary>Imports every linked account whose import has not finished; returns how many finished now.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _oneRunAtATime.WaitAsync(cancellationToken);
        try
        {
            List<(Guid TenantId, StripeEnvironment Environment, string AccountId)> pending;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                pending = (await db.StripeConnections.IgnoreQueryFilters().AsNoTracking()
                        .Where(c => c.DisconnectedAt == null && c.AccountId != "")
                        .Where(c => !db.CustomerImports.IgnoreQueryFilters().Any(i => i.TenantId == c.TenantId && i.Environment == c.Environment
                            && i.StripeAccountId == c.AccountId && i.FinishedAt != null && (c.ConnectedAt == null || i.StartedAt >= c.ConnectedAt)))
                        .Select(c => new { c.TenantId, c.Environment, c.AccountId })
                        .ToListAsync(cancellationToken))
                    .Select(c => (c.TenantId, c.Environment, c.AccountId))
                    .ToList();
            }
            var finished = 0;
            foreach (var (tenantId, environment, accountId) in pending)
            {
                try
                {
                    await ImportAsync(tenantId, environment, accountId, cancellationToken);
                    finished++;
                }
                catch (Exception exception) when (exception is StripeException or HttpRequestException or DbUpdateException)
                {
                    LogImportFailed(logger, accountId, environment, exception.GetType().Name);
                }
            }
            return finished;
        }
        finally
        {
            _oneRunAtATime.Release();
        }
    }

    private async Task ImportAsync(Guid tenantId, StripeEnvironment environment, string accountId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var clients = scope.ServiceProvider.GetRequiredService<StripeClients>();
        var import = await db.CustomerImports.IgnoreQueryFilters().SingleOrDefaultAsync(
            i => i.TenantId == tenantId && i.Environment == environment && i.StripeAccountId == accountId, cancellationToken);
        if (import is null)
        {
            import = new CustomerImport(tenantId, environment, accountId, time.GetUtcNow());
            db.CustomerImports.Add(import);
        }
        var startedAt = time.GetUtcNow();
        import.Start(startedAt);
        await db.SaveChangesAsync(cancellationToken);

        var known = (await db.Customers.IgnoreQueryFilters()
                .Where(c => c.TenantId == tenantId && c.Environment == environment && c.StripeAccountId == accountId)
                .Select(c => new { c.Id, c.StripeCustomerId })
                .ToListAsync(cancellationToken))
            .ToDictionary(c => c.StripeCustomerId, c => c.Id, StringComparer.Ordinal);
        var platform = await clients.GetAsync(environment, cancellationToken);
        var listed = 0;
        var added = 0;
        await foreach (var stripeCustomer in AllCustomersAsync(platform.Client, environment, accountId, cancellationToken))
        {
            listed++;
            // The list was read after the import started: events created before then are older news than this.
            if (known.TryGetValue(stripeCustomer.Id, out var knownId))
            {
                if (knownId == Guid.Empty)
                {
                    continue;
                }
                // Known already (checkout, an event, an earlier import): brought up to date unless an event newer
                // than this import's start says otherwise (e.g. the account was disconnected for a while).
                var customer = await db.Customers.IgnoreQueryFilters().SingleAsync(c => c.Id == knownId, cancellationToken);
                customer.ApplyFromStripe(stripeCustomer, startedAt);
            }
            else
            {
                known[stripeCustomer.Id] = Guid.Empty;
                db.Customers.Add(Customer.FromStripe(tenantId, environment, accountId, stripeCustomer, startedAt));
                added++;
            }
            if (listed % 100 == 0)
            {
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        var finished = await db.CustomerImports.IgnoreQueryFilters().SingleAsync(i => i.Id == import.Id, cancellationToken);
        finished.Finish(listed, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        LogImported(logger, accountId, environment, listed, added);
    }

    /// <summary>Every customer on the account. Stripe leaves customers on a test clock out of the plain list (they are
    /// listed only with their clock), so in Test each clock's customers are listed too.</summary>
    private static async IAsyncEnumerable<global::Stripe.Customer> AllCustomersAsync(StripeClient client, StripeEnvironment environment,
        string accountId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var onAccount = new RequestOptions { StripeAccount = accountId };
        await foreach (var customer in client.V1.Customers.ListAutoPagingAsync(new CustomerListOptions { Limit = 100 }, onAccount, cancellationToken))
        {
            yield return customer;
        }
        if (environment != StripeEnvironment.Test)
        {
            yield break;
        }
        await foreach (var clock in client.V1.TestHelpers.TestClocks.ListAutoPagingAsync(
                           new global::Stripe.TestHelpers.TestClockListOptions { Limit = 100 }, onAccount, cancellationToken))
        {
            await foreach (var customer in client.V1.Customers.ListAutoPagingAsync(new CustomerListOptions { Limit = 100, TestClock = clock.Id },
                               onAccount, cancellationToken))
            {
                yield return customer;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Customers of {AccountId} ({Environment}) imported: {Listed} listed, {Added} added")]
    private static partial void LogImported(ILogger logger, string accountId, StripeEnvironment environment, int listed, int added);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Importing the customers of {AccountId} ({Environment}) failed: {Error}")]
    private static partial void LogImportFailed(ILogger logger, string accountId, StripeEnvironment environment, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The customer import failed: {Error}")]
    private static partial void LogRunFailed(ILogger logger, string error);
}
