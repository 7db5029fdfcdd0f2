using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Recur.Web.Emails;

/// <summary>How the SMTP connection is secured (<c>Email:Security</c>).</summary>
public enum SmtpSecurity
{
    /// <summary>TLS on connect for port 465, STARTTLS when the server offers it otherwise.</summary>
    Auto,

    /// <summary>STARTTLS, required.</summary>
    StartTls,

    /// <summary>TLS from the first byte (usually port 465).</summary>
    SslOnConnect,

    /// <summary>Plain text: only for a server on the same machine (tests, a local relay).</summary>
    None,
}

/// <summary>
/// The SMTP server Recur sends its emails through (section <c>Email</c>). With no <see cref="Host"/>, nothing is sent:
/// every email stays in the outbox the admin reads under Admin → Emails. <see cref="Password"/> comes from the
/// environment (<c>Email__Password</c>) or user-secrets, never from a committed file.
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The address emails are sent from; the display name is the tenant's business name.</summary>
    public string? FromAddress { get; set; }

    /// <summary>The first retry of a failed send waits this long; each next one twice as long, up to
    /// <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>After this many failed attempts an email is marked failed and no longer retried.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>How long a connection attempt or a command may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    public SecureSocketOptions SocketOptions => Security switch
    {
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.Auto,
    };
}

public sealed class EmailOptionsValidation : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var failures = new List<string>();
        if (options.IsConfigured)
        {
            if (options.Port is < 1 or > 65535)
            {
                failures.Add($"{EmailOptions.Section}:Port must be between 1 and 65535.");
            }
            if (string.IsNullOrWhiteSpace(options.FromAddress) || !MailboxAddress.TryParse(options.FromAddress, out var from) || !from.Address.Contains('@'))
            {
                failures.Add($"{EmailOptions.Section}:FromAddress must be an email address (e.g. billing@example.com) when {EmailOptions.Section}:Host is set.");
            }
            if (!string.IsNullOrEmpty(options.User) && string.IsNullOrEmpty(options.Password))
            {
                failures.Add($"{EmailOptions.Section}:Password must be set (environment or user-secrets) when {EmailOptions.Section}:User is.");
            }
        }
        if (options.FirstRetryDelay < TimeSpan.FromMilliseconds(10) || options.MaxRetryDelay < options.FirstRetryDelay)
        {
            failures.Add($"{EmailOptions.Section}:FirstRetryDelay must be at least 10 ms and at most MaxRetryDelay.");
        }
        if (options.MaxAttempts < 1)
        {
            failures.Add($"{EmailOptions.Section}:MaxAttempts must be at least 1.");
        }
        if (options.Timeout < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{EmailOptions.Section}:Timeout must be at least one second.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
