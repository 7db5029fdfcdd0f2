using Recur.Tests.Infrastructure;

namespace Recur.Tests.Emails;

/// <summary>Recur with <c>Email:*</c> pointing at a real SMTP server on loopback, started before Recur.</summary>
public sealed class SmtpRecurFactory : RecurFactory
{
    public LoopbackSmtpServer Smtp { get; } = new();

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Email:Host"] = "127.0.0.1",
        ["Email:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email:Security"] = "None",
        ["Email:FromAddress"] = "billing@recur.test",
        ["Email:FirstRetryDelay"] = "00:00:00.200",
    };

    protected override ValueTask StartStripeAsync()
    {
        Smtp.Start();
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
