using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Subscriptions;

namespace Recur.Web.Integrations;

/// <summary>Reads connected accounts from Stripe and acts on a tenant's connection: refresh, disconnect, dashboard.</summary>
public sealed partial class ConnectedAccounts(
    AppDbContext db,
    StripeClients clients,
    TimeProvider time,
    ILogger<ConnectedAccounts> logger)
{
    public Task<StripeConnection?> FindAsync(StripeEnvironment environment, CancellationToken cancellationToken) =>
        db.StripeConnections.SingleOrDefaultAsync(c => c.Environment == environment, cancellationToken);

    /// <summary>Whether another tenant has <paramref name="accountId"/> connected in <paramref name="environment"/>:
    /// one Stripe account belongs to one tenant at a time.</summary>
    public Task<bool> IsLinkedToAnotherTenantAsync(StripeEnvironment environment, string accountId, Guid tenantId, CancellationToken cancellationToken) =>
        db.StripeConnections.IgnoreQueryFilters().AnyAsync(
            c => c.Environment == environment && c.AccountId == accountId && c.TenantId != tenantId && c.DisconnectedAt == null,
            cancellationToken);

    /// <summary>Reads the account from Stripe into the connection (or records why it could not). Does not save.</summary>
    public async Task<bool> ReadAccountAsync(StripeConnection connection, CancellationToken cancellationToken)
    {
        if (connection.AccountId.Length == 0)
        {
            return false;
        }
        try
        {
            var platform = await clients.GetAsync(connection.Environment, cancellationToken);
            var account = await platform.Client.V1.Accounts.GetAsync(connection.AccountId, cancellationToken: cancellationToken);
            connection.Apply(AccountSnapshot.From(account), time.GetUtcNow());
            return true;
        }
        catch (StripeException exception)
        {
            LogReadFailed(logger, connection.Id, connection.AccountId, exception.StripeError?.Code ?? exception.StripeError?.Error);
            connection.RecordReadFailure(exception.StripeError?.Message ?? exception.StripeError?.ErrorDescription ?? "Stripe answered with an error.");
            return false;
        }
        catch (HttpRequestException)
        {
            LogReadFailed(logger, connection.Id, connection.AccountId, "network");
            connection.RecordReadFailure("Stripe could not be reached.");
            return false;
        }
    }

    public async Task<ConnectOutcome> RefreshAsync(StripeConnection connection, CancellationToken cancellationToken)
    {
        if (connection.AccountId.Length == 0)
        {
            return ConnectOutcome.NotConnected;
        }
        var read = await ReadAccountAsync(connection, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return read ? ConnectOutcome.Refreshed : ConnectOutcome.StripeError;
    }

    /// <summary>
    /// OAuth-linked accounts are deauthorized at Stripe; accounts Recur created are only unlinked. The connection is
    /// closed in Recur first, so the <c>account.application.deauthorized</c> event Stripe sends for it finds it closed
    /// and leaves the reason as the merchant's; if Stripe refuses, the link is restored.
    /// </summary>
    public async Task<ConnectOutcome> DisconnectAsync(StripeConnection connection, CancellationToken cancellationToken)
    {
        if (!connection.IsLinked)
        {
            return ConnectOutcome.NotConnected;
        }
        connection.Unlink(time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        if (connection.LinkMethod == ConnectionLinkMethod.OAuth)
        {
            var platform = await clients.GetAsync(connection.Environment, cancellationToken);
            try
            {
                await new OAuthTokenService(platform.Client).DeauthorizeAsync(
                    new OAuthDeauthorizeOptions { ClientId = platform.ClientId, StripeUserId = connection.AccountId },
                    cancellationToken: cancellationToken);
            }
            catch (StripeException exception) when (exception.StripeError?.Error is "invalid_client")
            {
                // Already not connected to this platform: unlinking locally is all that is left to do.
                LogAlreadyDeauthorized(logger, connection.Id, connection.AccountId);
            }
            catch (StripeException)
            {
                connection.UndoUnlink();
                await db.SaveChangesAsync(CancellationToken.None);
                return ConnectOutcome.StripeError;
            }
        }
        LogDisconnected(logger, connection.Id, connection.AccountId);
        return ConnectOutcome.Disconnected;
    }

    /// <summary>The subscription statuses that still bill, or may bill again, on the account they live on.</summary>
    public static readonly IReadOnlyList<SubscriptionStatus> RunningSubscriptionStatuses =
    [
        SubscriptionStatus.Trialing, SubscriptionStatus.Active, SubscriptionStatus.PastDue, SubscriptionStatus.Unpaid,
        SubscriptionStatus.Paused,
    ];

    /// <summary>How many of the tenant's subscriptions still run on the connection's account: after a disconnection
    /// they keep billing in Stripe, but Recur no longer hears about them, so the card flags them.</summary>
    public Task<int> CountRunningSubscriptionsAsync(StripeConnection connection, CancellationToken cancellationToken)
    {
        var running = RunningSubscriptionStatuses.ToList();
        return db.Subscriptions.CountAsync(
            s => s.Environment == connection.Environment && s.StripeAccountId == connection.AccountId && running.Contains(s.Status),
            cancellationToken);
    }

    /// <summary>Standard: the dashboard URL; Express: a fresh single-use login link (never logged).</summary>
    public async Task<Uri?> DashboardUrlAsync(StripeConnection connection, CancellationToken cancellationToken)
    {
        if (connection.AccountId.Length == 0)
        {
            return null;
        }
        var platform = await clients.GetAsync(connection.Environment, cancellationToken);
        if (connection.AccountType == StripeAccountType.Express)
        {
            var loginLink = await platform.Client.V1.Accounts.LoginLinks.CreateAsync(connection.AccountId, cancellationToken: cancellationToken);
            return new Uri(loginLink.Url);
        }
        return new Uri(platform.DashboardUrl(connection.AccountId));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading account {AccountId} of connection {ConnectionId} failed: {Code}")]
    private static partial void LogReadFailed(ILogger logger, Guid connectionId, string accountId, string? code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId} of connection {ConnectionId} was already deauthorized")]
    private static partial void LogAlreadyDeauthorized(ILogger logger, Guid connectionId, string accountId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} to account {AccountId} disconnected")]
    private static partial void LogDisconnected(ILogger logger, Guid connectionId, string accountId);
}
