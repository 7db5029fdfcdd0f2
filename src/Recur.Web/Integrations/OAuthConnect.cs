using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Checkout;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Subscriptions;
using Recur.Web.Tenants;

namespace Recur.Web.Integrations;

/// <summary>What Stripe sends back to the OAuth redirect URI.</summary>
public sealed record OAuthCallback(string? Code, string? State, string? Error, string? ErrorDescription);

/// <summary>
/// Connects an existing Standard account through Stripe OAuth: a single-use <c>state</c> bound to tenant, admin
/// and environment; the authorization code exchanged at most once, never retried; <c>livemode</c> checked.
/// </summary>
public sealed partial class OAuthConnect(
    AppDbContext db,
    CurrentTenant currentTenant,
    StripeClients clients,
    ConnectedAccounts accounts,
    RecurUrls urls,
    TimeProvider time,
    CustomerImporter customerImporter,
    ILogger<OAuthConnect> logger)
{
    public const string CallbackPath = "/integrations/stripe/oauth/callback";

    public sealed record Start(Uri? AuthorizeUrl, ConnectOutcome? Refused);

    public async Task<Start> StartAsync(StripeEnvironment environment, CancellationToken cancellationToken)
    {
        var tenant = await db.Tenants.SingleAsync(cancellationToken);
        if (tenant.StripeAccountType != StripeAccountType.Standard)
        {
            return new Start(null, ConnectOutcome.OAuthStandardOnly);
        }
        var existing = await accounts.FindAsync(environment, cancellationToken);
        if (existing is { IsLinked: true })
        {
            return new Start(null, ConnectOutcome.AlreadyConnected);
        }

        var platform = await clients.GetAsync(environment, cancellationToken);
        var (row, state) = OAuthState.Issue(tenant.Id, currentTenant.RequiredUserId, environment, time.GetUtcNow());
        db.OAuthStates.Add(row);
        await db.SaveChangesAsync(cancellationToken);

        var url = new OAuthTokenService(platform.Client).AuthorizeUrl(new OAuthAuthorizeUrlOptions
        {
            ResponseType = "code",
            Scope = "read_write",
            State = state,
            RedirectUri = urls.Absolute(CallbackPath),
            StripeUser = new OAuthAuthorizeUrlStripeUserOptions { Email = tenant.Email, BusinessName = tenant.Name },
        });
        LogStarted(logger, row.Id, environment);
        return new Start(url, null);
    }

    public async Task<(ConnectOutcome Outcome, StripeEnvironment? Environment)> CompleteAsync(OAuthCallback callback, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(callback.State))
        {
            return (ConnectOutcome.StateUnknown, null);
        }
        var hash = OAuthState.Hash(callback.State);
        // Filtered to the signed-in tenant: another tenant's state is as unknown as a made-up one.
        var row = await db.OAuthStates.SingleOrDefaultAsync(s => s.StateHash == hash, cancellationToken);
        if (row is null)
        {
            LogRefused(logger, "unknown");
            return (ConnectOutcome.StateUnknown, null);
        }
        if (row.UserId != currentTenant.UserId)
        {
            LogRefused(logger, "other_user");
            return (ConnectOutcome.StateOtherUser, row.Environment);
        }
        if (row.UsedAt is not null)
        {
            LogRefused(logger, "used");
            return (ConnectOutcome.StateUsed, row.Environment);
        }
        var now = time.GetUtcNow();
        if (now > row.ExpiresAt)
        {
            LogRefused(logger, "expired");
            return (ConnectOutcome.StateExpired, row.Environment);
        }
        // Consume the state atomically: of two concurrent callbacks only one gets here.
        var consumed = await db.OAuthStates
            .Where(s => s.Id == row.Id && s.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.UsedAt, now), cancellationToken);
        if (consumed != 1)
        {
            return (ConnectOutcome.StateUsed, row.Environment);
        }

        var environment = row.Environment;
        if (!string.IsNullOrEmpty(callback.Error))
        {
            LogStripeRefused(logger, row.Id, callback.Error);
            return (callback.Error == "access_denied" ? ConnectOutcome.AccessDenied : ConnectOutcome.StripeError, environment);
        }
        if (string.IsNullOrEmpty(callback.Code))
        {
            return (ConnectOutcome.MissingCode, environment);
        }

        var platform = await clients.GetAsync(environment, cancellationToken);
        OAuthToken token;
        try
        {
            // Exchanged once: the client never retries, and a sent exchange is not cancelled halfway, because a
            // second use of the code would make Stripe revoke the connection.
            token = await new OAuthTokenService(platform.ClientWithoutRetries).CreateAsync(
                new OAuthTokenCreateOptions { GrantType = "authorization_code", Code = callback.Code },
                cancellationToken: CancellationToken.None);
        }
        catch (StripeException exception)
        {
            var error = exception.StripeError?.Error ?? exception.StripeError?.Code;
            LogExchangeFailed(logger, row.Id, error);
            return (error == "invalid_grant" ? ConnectOutcome.InvalidGrant : ConnectOutcome.StripeError, environment);
        }
        catch (HttpRequestException)
        {
            LogExchangeFailed(logger, row.Id, "network");
            return (ConnectOutcome.StripeUnavailable, environment);
        }

        if (token.Livemode != environment.IsLivemode())
        {
            LogExchangeFailed(logger, row.Id, "livemode_mismatch");
            return (ConnectOutcome.LivemodeMismatch, environment);
        }

        // The same Stripe account authorizing Recur again gives back the same account id; if another tenant holds
        // it, linking it here would hand that tenant's customers to this one, and this tenant's Disconnect would
        // deauthorize Recur for both. Refused, and nothing is deauthorized: the other tenant keeps its connection.
        if (await accounts.IsLinkedToAnotherTenantAsync(environment, token.StripeUserId, row.TenantId, cancellationToken))
        {
            LogLinkedElsewhere(logger, row.Id, token.StripeUserId);
            return (ConnectOutcome.AccountOfAnotherTenant, environment);
        }

        var connection = await accounts.FindAsync(environment, cancellationToken);
        if (connection is null)
        {
            connection = new StripeConnection(row.TenantId, environment, now);
            db.StripeConnections.Add(connection);
        }
        else if (connection.IsLinked && connection.AccountId != token.StripeUserId)
        {
            return (ConnectOutcome.AlreadyConnected, environment);
        }
        connection.Link(token.StripeUserId, StripeAccountType.Standard, ConnectionLinkMethod.OAuth, time.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique index on linked accounts: another tenant linked the same account a moment ago.
            LogLinkedElsewhere(logger, row.Id, token.StripeUserId);
            return (ConnectOutcome.AccountOfAnotherTenant, environment);
        }
        LogConnected(logger, connection.Id, token.StripeUserId, environment);

        await accounts.ReadAccountAsync(connection, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        // In the background: import the account's existing customers, and make test clocks ready for checkout.
        customerImporter.Wake();
        return (ConnectOutcome.Connected, environment);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "OAuth state {StateId} issued for the {Environment} environment")]
    private static partial void LogStarted(ILogger logger, Guid stateId, StripeEnvironment environment);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OAuth callback refused: state {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "OAuth attempt {StateId} came back with error {Error}")]
    private static partial void LogStripeRefused(ILogger logger, Guid stateId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OAuth code exchange for attempt {StateId} failed: {Error}")]
    private static partial void LogExchangeFailed(ILogger logger, Guid stateId, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OAuth attempt {StateId} refused: account {AccountId} is connected to another tenant")]
    private static partial void LogLinkedElsewhere(ILogger logger, Guid stateId, string accountId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} linked to account {AccountId} by OAuth in the {Environment} environment")]
    private static partial void LogConnected(ILogger logger, Guid connectionId, string accountId, StripeEnvironment environment);
}
