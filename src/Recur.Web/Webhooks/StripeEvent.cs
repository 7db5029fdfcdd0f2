using Recur.Web.Stripe;

namespace Recur.Web.Webhooks;

/// <summary>Where an event stands in the inbox.</summary>
public enum StripeEventStatus
{
    /// <summary>Waiting for its first or next attempt.</summary>
    Pending,

    /// <summary>Applied.</summary>
    Processed,

    /// <summary>Rendered in an API version Recur does not read: kept, not applied, until the operator replays it.</summary>
    Held,

    /// <summary>Failed on every attempt for <see cref="WebhookOptions.RetryFor"/>: kept with its reason until replayed.</summary>
    Parked,
}

/// <summary>How an event reached the inbox.</summary>
public enum StripeEventSource
{
    Webhook,

    /// <summary>Found by <see cref="StripeEventCatchUp"/> in Stripe's event list after its delivery was missed.</summary>
    CatchUp,
}

/// <summary>
/// A verified Stripe event in the inbox: stored once (its id is the key), answered at once, processed later from
/// this row. Belongs to the platform, so it is not tenant-filtered. Its payload is dropped some days after it was
/// applied (<see cref="StripeEventProcessor.PruneAsync"/>); ids, type, account and times stay.
/// </summary>
public sealed class StripeEvent
{
    private StripeEvent()
    {
        Id = "";
        Type = "";
        ApiVersion = "";
        Payload = "";
    }

    public StripeEvent(string id, StripeEnvironment environment, string type, string? account, bool livemode,
        string apiVersion, DateTimeOffset createdAt, string payload, DateTimeOffset receivedAt,
        StripeEventSource source = StripeEventSource.Webhook)
    {
        Id = id;
        Environment = environment;
        Type = type;
        Account = account;
        Livemode = livemode;
        ApiVersion = apiVersion;
        CreatedAt = createdAt;
        Payload = payload;
        ReceivedAt = receivedAt;
        Source = source;
        if (StripeApiVersion.IsReadable(apiVersion))
        {
            Status = StripeEventStatus.Pending;
            NextAttemptAt = receivedAt;
        }
        else
        {
            Status = StripeEventStatus.Held;
            LastError = StripeApiVersion.Mismatch(apiVersion);
        }
    }

    /// <summary>Stripe's event id, <c>evt_…</c>.</summary>
    public string Id { get; private set; }

    public StripeEnvironment Environment { get; private set; }
    public string Type { get; private set; }

    /// <summary>The connected account the event is about (<c>event.account</c>); null for platform events.</summary>
    public string? Account { get; private set; }

    public bool Livemode { get; private set; }

    /// <summary>The API version Stripe rendered the event in (<c>event.api_version</c>).</summary>
    public string ApiVersion { get; private set; }

    /// <summary>When Stripe created the event.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The raw, verified body; empty once pruned (<see cref="PayloadPrunedAt"/>).</summary>
    public string Payload { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }
    public StripeEventSource Source { get; private set; }
    public StripeEventStatus Status { get; private set; }
    public DateTimeOffset? ProcessedAt { get; private set; }
    public DateTimeOffset? NextAttemptAt { get; private set; }
    public int Attempts { get; private set; }

    /// <summary>Why the last attempt failed, why the event is held or why it was parked.</summary>
    public string? LastError { get; private set; }

    /// <summary>When the current run of attempts began (reset by a replay); retries stop <see cref="WebhookOptions.RetryFor"/> later.</summary>
    public DateTimeOffset? FirstFailedAt { get; private set; }

    public DateTimeOffset? ParkedAt { get; private set; }
    public DateTimeOffset? ReplayedAt { get; private set; }
    public DateTimeOffset? PayloadPrunedAt { get; private set; }

    public void MarkProcessed(DateTimeOffset now)
    {
        Attempts++;
        Status = StripeEventStatus.Processed;
        ProcessedAt = now;
        NextAttemptAt = null;
        LastError = null;
    }

    /// <summary>Schedules another try with exponential backoff, or parks the event once retries have run for
    /// <see cref="WebhookOptions.RetryFor"/>.</summary>
    public void MarkFailed(string error, DateTimeOffset now, WebhookOptions policy)
    {
        Attempts++;
        LastError = error;
        FirstFailedAt ??= now;
        var next = now + policy.DelayAfter(Attempts);
        if (next - FirstFailedAt.Value > policy.RetryFor)
        {
            Status = StripeEventStatus.Parked;
            ParkedAt = now;
            NextAttemptAt = null;
            return;
        }
        NextAttemptAt = next;
    }

    /// <summary>The operator's replay of a held or parked event: attempted again now, with a fresh run of retries.
    /// A held event is then applied as Stripe rendered it, which the operator has chosen to accept.</summary>
    public bool Replay(DateTimeOffset now)
    {
        if (Status is not (StripeEventStatus.Held or StripeEventStatus.Parked) || PayloadPrunedAt is not null)
        {
            return false;
        }
        Status = StripeEventStatus.Pending;
        NextAttemptAt = now;
        FirstFailedAt = null;
        ParkedAt = null;
        ReplayedAt = now;
        return true;
    }
}
