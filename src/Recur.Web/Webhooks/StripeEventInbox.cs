using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Telemetry;

namespace Recur.Web.Webhooks;

/// <summary>
/// The one way into the inbox, for webhooks and catch-up alike: each event is stored once (its id is the key, so a
/// duplicate is harmless), readable ones queued for <see cref="StripeEventProcessor"/>, others held for the operator.
/// </summary>
public sealed partial class StripeEventInbox(AppDbContext db, TimeProvider time, RecurTelemetry telemetry, ILogger<StripeEventInbox> logger)
{
    /// <summary>Stores the event unless it is already there; true when this call stored it.</summary>
    public async Task<bool> StoreAsync(StripeEnvironment environment, SignedEvent signed, string json,
        StripeEventSource source, CancellationToken cancellationToken)
    {
        if (await db.StripeEvents.AnyAsync(e => e.Id == signed.Id, cancellationToken))
        {
            LogDuplicate(logger, signed.Id);
            telemetry.EventDuplicate(signed.Type);
            return false;
        }
        var row = new StripeEvent(signed.Id, environment, signed.Type, signed.Account, signed.Livemode,
            signed.ApiVersion, signed.Created, json, time.GetUtcNow(), source);
        db.StripeEvents.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (!await db.StripeEvents.AnyAsync(e => e.Id == signed.Id, cancellationToken))
            {
                throw;
            }
            // The same event arrived twice at once; the other request stored it.
            LogDuplicate(logger, signed.Id);
            telemetry.EventDuplicate(signed.Type);
            return false;
        }
        telemetry.EventStored(signed.Type, source.ToString());
        if (row.Status == StripeEventStatus.Held)
        {
            LogHeld(logger, signed.Id, signed.Type, signed.ApiVersion, environment);
        }
        else
        {
            LogStored(logger, signed.Id, signed.Type, environment, source);
        }
        return true;
    }

    /// <summary>Counts a genuine event that reached the route of the other mode; it is never applied.</summary>
    public async Task CountWrongModeAsync(StripeEnvironment route, SignedEvent signed, CancellationToken cancellationToken)
    {
        LogWrongMode(logger, signed.Id, signed.Livemode, route, signed.Account);
        if (await db.WrongModeEvents.AnyAsync(e => e.Id == signed.Id && e.Route == route, cancellationToken))
        {
            return;
        }
        db.WrongModeEvents.Add(new WrongModeEvent(signed.Id, route, signed.Type, signed.Account, signed.Livemode, time.GetUtcNow()));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Counted by a concurrent delivery of the same event.
            db.ChangeTracker.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} already stored")]
    private static partial void LogDuplicate(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} ({Type}) stored for the {Environment} environment from {Source}")]
    private static partial void LogStored(ILogger logger, string eventId, string type, StripeEnvironment environment, StripeEventSource source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event {EventId} ({Type}) held for the {Environment} environment: API version {ApiVersion} is not the one Recur reads")]
    private static partial void LogHeld(ILogger logger, string eventId, string type, string apiVersion, StripeEnvironment environment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} (livemode={Livemode}, account {AccountId}) reached the {Route} route of the other mode: answered, counted, not applied")]
    private static partial void LogWrongMode(ILogger logger, string eventId, bool livemode, StripeEnvironment route, string? accountId);
}
