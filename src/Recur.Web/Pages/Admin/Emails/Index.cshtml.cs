using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Recur.Web.Data;
using Recur.Web.Emails;

namespace Recur.Web.Pages.Admin.Emails;

/// <summary>The tenant's outbox: every email written to its customers, newest first, with what became of it.</summary>
public sealed class IndexModel(AppDbContext db, IOptions<EmailOptions> options) : PageModel
{
    public const int Shown = 200;

    public IReadOnlyList<OutboxEmail> Emails { get; private set; } = [];

    public bool SmtpConfigured => options.Value.IsConfigured;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Emails = await db.OutboxEmails.AsNoTracking().OrderByDescending(e => e.CreatedAt).Take(Shown).ToListAsync(cancellationToken);
    }

    public static string KindInWords(EmailKind kind) => kind switch
    {
        EmailKind.Receipt => "Receipt",
        EmailKind.PaymentFailed => "Payment failed",
        EmailKind.ActionRequired => "Payment needs confirming",
        EmailKind.TrialEnding => "Trial ending",
        _ => "Subscription ended",
    };

    public static string StatusInWords(OutboxEmail email) => email.Status switch
    {
        EmailStatus.NotSent => "Not sent (no email server configured)",
        EmailStatus.Sent => $"Sent {email.SentAt:yyyy-MM-dd HH:mm} UTC",
        EmailStatus.Failed => $"Failed: {email.LastError}",
        _ when email.Attempts > 0 => $"Retrying ({email.Attempts} failed attempt{(email.Attempts == 1 ? "" : "s")}): {email.LastError}",
        _ => "Sending",
    };
}
