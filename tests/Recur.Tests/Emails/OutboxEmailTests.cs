using Recur.Web.Emails;

namespace Recur.Tests.Emails;

/// <summary>How an outbox email moves between queued, sent and failed.</summary>
public sealed class OutboxEmailTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly EmailOptions Policy = new() { FirstRetryDelay = TimeSpan.FromSeconds(30), MaxRetryDelay = TimeSpan.FromMinutes(2), MaxAttempts = 4 };

    private static OutboxEmail Queued() => new(Guid.NewGuid(), EmailKind.Receipt, "evt_1", "ada@example.com", "Acme",
        new EmailContent("Subject", "Text", "<p>Html</p>"), smtpConfigured: true, T0);

    [Fact]
    public void A_failed_attempt_is_retried_after_doubling_delays_capped_then_fails_for_good()
    {
        var email = Queued();

        email.MarkAttemptFailed("timeout", permanent: false, T0, Policy);
        Assert.Equal(T0.AddSeconds(30), email.NextAttemptAt);
        email.MarkAttemptFailed("timeout", permanent: false, T0, Policy);
        Assert.Equal(T0.AddSeconds(60), email.NextAttemptAt);
        email.MarkAttemptFailed("timeout", permanent: false, T0, Policy);
        Assert.Equal(T0.AddMinutes(2), email.NextAttemptAt);
        Assert.Equal(EmailStatus.Queued, email.Status);
        email.MarkAttemptFailed("timeout", permanent: false, T0, Policy);

        Assert.Equal(EmailStatus.Failed, email.Status);
        Assert.Null(email.NextAttemptAt);
        Assert.Equal(4, email.Attempts);
    }

    [Fact]
    public void A_refused_recipient_fails_at_once_and_a_sent_email_cannot_be_sent_again()
    {
        var refused = Queued();
        refused.MarkAttemptFailed("550 no such mailbox", permanent: true, T0, Policy);
        Assert.Equal(EmailStatus.Failed, refused.Status);

        var sent = Queued();
        sent.MarkSent(T0);
        Assert.Equal(EmailStatus.Sent, sent.Status);
        Assert.Throws<InvalidOperationException>(() => sent.MarkSent(T0));
        Assert.Throws<InvalidOperationException>(() => sent.MarkAttemptFailed("late", permanent: false, T0, Policy));
    }

    [Fact]
    public void Without_an_email_server_an_email_is_kept_unsent_and_never_queued()
    {
        var email = new OutboxEmail(Guid.NewGuid(), EmailKind.Receipt, "evt_1", "ada@example.com", "Acme",
            new EmailContent("Subject", "Text", "<p>Html</p>"), smtpConfigured: false, T0);

        Assert.Equal(EmailStatus.NotSent, email.Status);
        Assert.Null(email.NextAttemptAt);
        Assert.Throws<InvalidOperationException>(() => email.MarkSent(T0));
    }
}
