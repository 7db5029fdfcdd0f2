using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Recur.Web.Data;

namespace Recur.Web.Emails;

/// <summary>
/// Sends queued outbox emails over SMTP (MailKit). Woken when an email is written, and polls for retries. Each due
/// email is first claimed in the database (its next attempt moved a lease ahead), then sent; the SMTP server's
/// acceptance is recorded at once. A refused recipient or message (5xx) fails for good; anything else (4xx, network,
/// TLS, login) is retried with doubling delays up to <see cref="EmailOptions.MaxAttempts"/>. An email the server
/// accepted is never sent again; only a crash between its acceptance and the record of it could send it twice, and
/// its Message-ID is the same on every attempt so that the receiving side can tell.
/// </summary>
public sealed partial class OutboxSender(
    IServiceScopeFactory scopes,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<OutboxSender> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private const int BatchSize = 20;

    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _oneRunAtATime = new(1, 1);

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsConfigured)
        {
            return;
        }
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

    /// <summary>Sends every queued email that is due now; returns how many the SMTP server accepted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.IsConfigured)
        {
            return 0;
        }
        await _oneRunAtATime.WaitAsync(cancellationToken);
        try
        {
            var sent = 0;
            while (true)
            {
                var due = await ClaimDueAsync(cancellationToken);
                if (due.Count == 0)
                {
                    return sent;
                }
                sent += await SendAsync(due, cancellationToken);
                if (due.Count < BatchSize)
                {
                    return sent;
                }
            }
        }
        finally
        {
            _oneRunAtATime.Release();
        }
    }

    private async Task<List<Guid>> ClaimDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow();
        var candidates = await db.OutboxEmails.IgnoreQueryFilters().AsNoTracking()
            .Where(e => e.Status == EmailStatus.Queued && e.NextAttemptAt != null && e.NextAttemptAt <= now)
            .OrderBy(e => e.CreatedAt)
            .Take(BatchSize)
            .Select(e => new { e.Id, e.NextAttemptAt })
            .ToListAsync(cancellationToken);
        var claimed = new List<Guid>();
        var until = now + Lease;
        foreach (var candidate in candidates)
        {
            var rows = await db.OutboxEmails.IgnoreQueryFilters()
                .Where(e => e.Id == candidate.Id && e.Status == EmailStatus.Queued && e.NextAttemptAt == candidate.NextAttemptAt)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.NextAttemptAt, until), cancellationToken);
            if (rows == 1)
            {
                claimed.Add(candidate.Id);
            }
        }
        return claimed;
    }

    private async Task<int> SendAsync(List<Guid> ids, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var sent = 0;
        using var smtp = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        foreach (var id in ids)
        {
            var email = await db.OutboxEmails.IgnoreQueryFilters().SingleAsync(e => e.Id == id, cancellationToken);
            try
            {
                if (!smtp.IsConnected)
                {
                    await smtp.ConnectAsync(settings.Host!, settings.Port, settings.SocketOptions, cancellationToken);
                    if (!string.IsNullOrEmpty(settings.User))
                    {
                        await smtp.AuthenticateAsync(settings.User, settings.Password ?? "", cancellationToken);
                    }
                }
                await smtp.SendAsync(Message(email, settings), cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                var permanent = exception is SmtpCommandException { StatusCode: >= (SmtpStatusCode)500 };
                email.MarkAttemptFailed(Reason(exception), permanent, time.GetUtcNow(), settings);
                await db.SaveChangesAsync(CancellationToken.None);
                LogAttemptFailed(logger, email.Id, email.Attempts, email.Status, exception.GetType().Name);
                if (exception is not SmtpCommandException)
                {
                    // The connection is in doubt: the next email starts a new one.
                    await DisconnectAsync(smtp);
                }
                continue;
            }
            // Accepted: recorded before anything else can fail, never with the caller's token.
            email.MarkSent(time.GetUtcNow());
            await db.SaveChangesAsync(CancellationToken.None);
            LogSent(logger, email.Id, email.Kind, email.Attempts);
            sent++;
        }
        await DisconnectAsync(smtp);
        return sent;
    }

    private static MimeMessage Message(OutboxEmail email, EmailOptions settings)
    {
        var from = MailboxAddress.Parse(settings.FromAddress!);
        from.Name = email.FromName;
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(email.To));
        message.Subject = email.Subject;
        message.MessageId = email.MessageId(from.Domain);
        message.Date = email.CreatedAt;
        message.Body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody }.ToMessageBody();
        return message;
    }

    private static async Task DisconnectAsync(SmtpClient smtp)
    {
        try
        {
            if (smtp.IsConnected)
            {
                await smtp.DisconnectAsync(quit: true, CancellationToken.None);
            }
        }
        catch (Exception exception) when (exception is ServiceNotConnectedException or IOException or SmtpProtocolException or SmtpCommandException)
        {
            // Whatever was accepted is recorded; a broken goodbye changes nothing.
        }
    }

    /// <summary>What the tenant's admin sees for a failed attempt: the SMTP server's status and answer (which may name
    /// the recipient: it is shown on the admin's page only, never logged), or the error's kind.</summary>
    private static string Reason(Exception exception) => exception switch
    {
        SmtpCommandException command => $"The email server refused it ({(int)command.StatusCode}): {command.Message}",
        AuthenticationException => "The email server refused Recur's login (check Email:User and Email:Password).",
        SslHandshakeException => "The secure connection to the email server failed (check Email:Security and the server's certificate).",
        _ => $"The email server could not be reached or answered unexpectedly ({exception.GetType().Name}).",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Email {EmailId} ({Kind}) accepted by the SMTP server on attempt {Attempt}")]
    private static partial void LogSent(ILogger logger, Guid emailId, EmailKind kind, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {EmailId}: attempt {Attempt} failed, now {Status}: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, Guid emailId, int attempt, EmailStatus status, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending the outbox failed: {Error}")]
    private static partial void LogRunFailed(ILogger logger, string error);
}
