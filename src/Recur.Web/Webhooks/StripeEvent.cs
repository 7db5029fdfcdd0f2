using Recur.Web.Stripe;

namespace Recur.Web.Webhooks;

/// <summary>
/// A verified Stripe event in the inbox: stored once (its id is the key), answered at once, processed later from
/// this row. Belongs to the platform, so it is not tenant-filtered.
/// </summary>
public sealed class StripeEvent
{
    public const int MaxAttempts = 8;

    private StripeEvent()
    {
        Id = "";
        Type = "";
        Payload = "";
    }

    public StripeEvent(string id, StripeEnvironment environment, string type, string? account, bool livemode,
        DateTimeOffset createdAt, string payload, DateTimeOffset receivedAt)
    {
        Id = id;
        Environment = environment;
        Type = type;
        Account = account;
        Livemode = livemode;
        CreatedAt = createdAt;
        Payload = payload;
        ReceivedAt = receivedAt;
        NextAttemptAt = receivedAt;
    }

    /// <summary>Stripe's event id, <c>evt_…</c>.</summary>
    public string Id { get; private set; }

    public StripeEnvironment Environment { get; private set; }
    public string Type { get; private set; }

    /// <summary>The connected account the event is about (<c>event.account</c>); null for platform events.</summary>
    public string? Account { get; private set; }

    public bool Livemode { get; private set; }

    /// <summary>When Stripe created the event.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The raw, verified body.</summary>
    public string Payload { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }
    public DateTimeOffset? ProcessedAt { get; private set; }
    public DateTimeOffset? NextAttemptAt { get; private set; }
    public int Attempts { get; private set; }
    public string? LastError { get; private set; }

    public void MarkProcessed(DateTimeOffset now)
    {
        Attempts++;
        ProcessedAt = now;
        NextAttemptAt = null;
        LastError = null;
    }

    /// <summary>Schedules another try with exponential backoff, or gives up after <see cref="MaxAttempts"/>.</summary>
    public void MarkFailed(string error, DateTimeOffset now)
    {
        Attempts++;
        LastError = error;
        NextAttemptAt = Attempts >= MaxAttempts ? null : now + TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Attempts), 600));
    }
}
