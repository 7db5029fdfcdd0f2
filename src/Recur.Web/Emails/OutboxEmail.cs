namespace Recur.Web.Emails;

/// <summary>What an email is about.</summary>
public enum EmailKind
{
    Receipt,
    PaymentFailed,
    ActionRequired,
    TrialEnding,
    Cancellation,
}

/// <summary>Where an email stands.</summary>
public enum EmailStatus
{
    /// <summary>No SMTP server was configured when it was written: kept for the admin to read, never sent.</summary>
    NotSent,

    /// <summary>Waiting for the sender (the first attempt, or a retry after a failure).</summary>
    Queued,

    /// <summary>The SMTP server accepted it.</summary>
    Sent,

    /// <summary>Refused for good, or still failing after the last attempt.</summary>
    Failed,
}

/// <summary>
/// One email to a tenant's customer, written from one Stripe event. Stored before any attempt to send it, so a crash
/// loses nothing; one per (event, kind), so a duplicate or replayed event writes nothing more. Once the SMTP server
/// accepted it, it is never sent again.
/// </summary>
public sealed class OutboxEmail
{
    private OutboxEmail()
    {
        StripeEventId = To = FromName = Subject = TextBody = HtmlBody = "";
    }

    public OutboxEmail(Guid tenantId, EmailKind kind, string stripeEventId, string to, string fromName, EmailContent content,
        bool smtpConfigured, DateTimeOffset now)
    {
        Id = Guid.NewGuid();
        TenantId = tenantId;
        Kind = kind;
        StripeEventId = stripeEventId;
        To = to;
        FromName = fromName;
        Subject = content.Subject;
        TextBody = content.Text;
        HtmlBody = content.Html;
        CreatedAt = now;
        Status = smtpConfigured ? EmailStatus.Queued : EmailStatus.NotSent;
        NextAttemptAt = smtpConfigured ? now : null;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public EmailKind Kind { get; private set; }

    /// <summary>The Stripe event (<c>evt_…</c>) it was written for.</summary>
    public string StripeEventId { get; private set; }

    public string To { get; private set; }

    /// <summary>The sender's display name: the tenant's business name when the email was written.</summary>
    public string FromName { get; private set; }

    public string Subject { get; private set; }
    public string TextBody { get; private set; }
    public string HtmlBody { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public EmailStatus Status { get; private set; }

    /// <summary>When the sender tries next (also its short claim while it sends); null when nothing is left to do.</summary>
    public DateTimeOffset? NextAttemptAt { get; private set; }

    public int Attempts { get; private set; }

    /// <summary>Why the last attempt failed (the SMTP server's answer or the network error), for the admin.</summary>
    public string? LastError { get; private set; }

    public DateTimeOffset? SentAt { get; private set; }

    public void MarkSent(DateTimeOffset now)
    {
        if (Status != EmailStatus.Queued)
        {
            throw new InvalidOperationException($"An email that is {Status} cannot be sent.");
        }
        Attempts++;
        Status = EmailStatus.Sent;
        SentAt = now;
        NextAttemptAt = null;
        LastError = null;
    }

    /// <summary>A failed attempt: retried after a doubling delay, unless <paramref name="permanent"/> (the server
    /// refused the message or its recipient for good) or the attempts are used up.</summary>
    public void MarkAttemptFailed(string reason, bool permanent, DateTimeOffset now, EmailOptions policy)
    {
        if (Status != EmailStatus.Queued)
        {
            throw new InvalidOperationException($"An email that is {Status} cannot fail an attempt.");
        }
        Attempts++;
        LastError = reason.Length <= 500 ? reason : reason[..500];
        if (permanent || Attempts >= policy.MaxAttempts)
        {
            Status = EmailStatus.Failed;
            NextAttemptAt = null;
            return;
        }
        var delay = policy.FirstRetryDelay * Math.Pow(2, Math.Min(Attempts - 1, 20));
        NextAttemptAt = now + (delay < policy.MaxRetryDelay ? delay : policy.MaxRetryDelay);
    }

    /// <summary>The <c>Message-ID</c>, the same on every attempt, so a receiving server can tell a resend.</summary>
    public string MessageId(string domain) => $"{Id:N}@{domain}";
}
