using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Checkout;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Subscriptions;

namespace Recur.Web.Integrations;

/// <summary>
/// Creates a new connected account (controller properties: Standard ≙ full Stripe Dashboard, Express ≙ Express
/// Dashboard) and sends the admin through Stripe-hosted onboarding with single-use account links.
/// </summary>
public sealed partial class AccountOnboarding(
    AppDbContext db,
    StripeClients clients,
    ConnectedAccounts accounts,
    RecurUrls urls,
    TimeProvider time,
    CustomerImporter customerImporter,
    ILogger<AccountOnboarding> logger)
{
    public const string ReturnPath = "/integrations/stripe/onboarding/return";
    public const string RefreshPath = "/integrations/stripe/onboarding/refresh";

    public sealed record Redirect(Uri? Url, ConnectOutcome? Refused);

    public async Task<Redirect> CreateAccountAsync(StripeEnvironment environment, CancellationToken cancellationToken)
    {
        var tenant = await db.Tenants.SingleAsync(cancellationToken);
        var connection = await accounts.FindAsync(environment, cancellationToken);
        if (connection is { IsLinked: true })
        {
            return new Redirect(null, ConnectOutcome.AlreadyConnected);
        }

        var platform = await clients.GetAsync(environment, cancellationToken);
        var accountType = tenant.StripeAccountType;
        // The operator chooses who pays Stripe's fees on Express accounts; the one who pays them also carries the
        // account's negative balances (Stripe requires losses=application with fees=application, and losses=stripe
        // with fees=account on the Express Dashboard).
        var feePayer = clients.Options(environment).FeePayer;
        var options = new AccountCreateOptions
        {
            Controller = accountType == StripeAccountType.Express
                ? new AccountControllerOptions
                {
                    StripeDashboard = new AccountControllerStripeDashboardOptions { Type = "express" },
                    Fees = new AccountControllerFeesOptions { Payer = feePayer },
                    Losses = new AccountControllerLossesOptions { Payments = feePayer == FeePayers.Account ? "stripe" : "application" },
                }
                : new AccountControllerOptions
                {
                    StripeDashboard = new AccountControllerStripeDashboardOptions { Type = "full" },
                },
            Email = tenant.Email,
            BusinessProfile = new AccountBusinessProfileOptions { Name = tenant.Name },
            Metadata = new Dictionary<string, string> { ["recur_tenant_id"] = tenant.Id.ToString() },
        };
        Account account;
        try
        {
            if (accountType == StripeAccountType.Express)
            {
                // Express accounts get the capabilities they are asked for; full-Dashboard accounts get cards and
                // transfers by themselves and turn Bacs on in their own Dashboard. A new account is in the platform's
                // country (Stripe's default for `country`): in GB, Bacs Direct Debit is requested too, so Stripe asks
                // for what it needs during onboarding (https://docs.stripe.com/payments/bacs-debit).
                var platformCountry = (await platform.Client.V1.Accounts.GetSelfAsync(cancellationToken: cancellationToken)).Country;
                options.Capabilities = new AccountCapabilitiesOptions
                {
                    CardPayments = new AccountCapabilitiesCardPaymentsOptions { Requested = true },
                    Transfers = new AccountCapabilitiesTransfersOptions { Requested = true },
                    BacsDebitPayments = platformCountry == "GB" ? new AccountCapabilitiesBacsDebitPaymentsOptions { Requested = true } : null,
                };
            }

            // Keyed from Recur's own ids: a retried or double-submitted creation returns the same account instead of
            // making a second one; after a disconnect the key changes, so a new account can be made.
            var idempotencyKey = $"recur-account-create:{tenant.Id:N}:{environment.ToSlug()}:{connection?.DisconnectedAt?.ToUnixTimeMilliseconds() ?? 0}";
            account = await platform.Client.V1.Accounts.CreateAsync(options, new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken);
        }
        catch (StripeException exception)
        {
            LogStripeFailed(logger, "create account", exception.StripeError?.Code);
            return new Redirect(null, ConnectOutcome.StripeError);
        }

        var now = time.GetUtcNow();
        if (connection is null)
        {
            connection = new StripeConnection(tenant.Id, environment, now);
            db.StripeConnections.Add(connection);
        }
        connection.Link(account.Id, accountType, ConnectionLinkMethod.PlatformCreated, now);
        connection.Apply(AccountSnapshot.From(account), now);
        await db.SaveChangesAsync(cancellationToken);
        LogAccountCreated(logger, connection.Id, account.Id, environment);
        customerImporter.Wake();

        return await LinkAsync(connection, cancellationToken);
    }

    /// <summary>A fresh onboarding link for the connected account (Resume onboarding, or <c>refresh_url</c>).</summary>
    public async Task<Redirect> LinkAsync(StripeConnection connection, CancellationToken cancellationToken)
    {
        if (!connection.IsLinked)
        {
            return new Redirect(null, ConnectOutcome.NotConnected);
        }
        var platform = await clients.GetAsync(connection.Environment, cancellationToken);
        var query = "?environment=" + connection.Environment.ToSlug();
        try
        {
            var link = await platform.Client.V1.AccountLinks.CreateAsync(new AccountLinkCreateOptions
            {
                Account = connection.AccountId,
                Type = "account_onboarding",
                ReturnUrl = urls.Absolute(ReturnPath + query),
                RefreshUrl = urls.Absolute(RefreshPath + query),
            }, cancellationToken: cancellationToken);
            LogLinkCreated(logger, connection.Id, connection.AccountId);
            return new Redirect(new Uri(link.Url), null);
        }
        catch (StripeException exception)
        {
            LogStripeFailed(logger, "create account link", exception.StripeError?.Code);
            return new Redirect(null, ConnectOutcome.StripeError);
        }
    }

    /// <summary>Back from onboarding: reaching the return URL says nothing about the account, so read it.</summary>
    public async Task<ConnectOutcome> ReturnAsync(StripeEnvironment environment, CancellationToken cancellationToken)
    {
        var connection = await accounts.FindAsync(environment, cancellationToken);
        if (connection is not { IsLinked: true })
        {
            return ConnectOutcome.NotConnected;
        }
        await accounts.ReadAccountAsync(connection, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return ConnectOutcome.OnboardingReturned;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId}: account {AccountId} created in the {Environment} environment")]
    private static partial void LogAccountCreated(ILogger logger, Guid connectionId, string accountId, StripeEnvironment environment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId}: onboarding link created for account {AccountId}")]
    private static partial void LogLinkCreated(ILogger logger, Guid connectionId, string accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe refused to {Operation}: {Code}")]
    private static partial void LogStripeFailed(ILogger logger, string operation, string? code);
}
