using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Integrations;
using global::Stripe;

namespace Recur.Web.Webhooks;

/// <summary>
/// Applies Connect events to the connections of the account they are about (<c>event.account</c>, in the event's
/// environment). Runs outside any request, so the lookup ignores the tenant filter on purpose.
/// </summary>
public sealed partial class ConnectEvents(AppDbContext db, ConnectedAccounts accounts, ILogger<ConnectEvents> logger)
{
    public async Task ApplyAsync(StripeEvent row, CancellationToken cancellationToken)
    {
        if (row.Account is null)
        {
            return;
        }
        var handled = row.Type is "account.updated" or "account.application.authorized" or "account.application.deauthorized"
            or "capability.updated" || row.Type.StartsWith("account.external_account.", StringComparison.Ordinal);
        if (!handled)
        {
            return;
        }

        var connections = await db.StripeConnections.IgnoreQueryFilters()
            .Where(c => c.AccountId == row.Account && c.Environment == row.Environment)
            .ToListAsync(cancellationToken);
        if (connections.Count == 0)
        {
            LogNoConnection(logger, row.Id, row.Account);
            return;
        }

        var stripeEvent = EventUtility.ParseEvent(row.Payload, throwOnApiVersionMismatch: false);
        foreach (var connection in connections)
        {
            connection.RecordEventArrived(row.ReceivedAt);
            switch (row.Type)
            {
                case "account.updated" when connection.IsLinked && stripeEvent.Data.Object is Account account:
                    // Events arrive in any order: one older than what was last read changes nothing.
                    var readAt = connection.SnapshotAt is { } at ? at.AddTicks(-(at.Ticks % TimeSpan.TicksPerSecond)) : DateTimeOffset.MinValue;
                    if (row.CreatedAt >= readAt)
                    {
                        connection.Apply(AccountSnapshot.From(account), row.CreatedAt);
                    }
                    break;
                case "account.application.deauthorized":
                    if (connection.MarkDeauthorized(row.CreatedAt))
                    {
                        LogDeauthorized(logger, connection.Id, row.Account);
                    }
                    break;
                default:
                    // authorized, capability.updated, account.external_account.*: read the account as it is now.
                    if (connection.IsLinked)
                    {
                        await accounts.ReadAccountAsync(connection, cancellationToken);
                    }
                    break;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId}: no connection for account {AccountId}")]
    private static partial void LogNoConnection(ILogger logger, string eventId, string accountId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId}: account {AccountId} deauthorized Recur")]
    private static partial void LogDeauthorized(ILogger logger, Guid connectionId, string accountId);
}
