using System.Globalization;
using System.Text;

namespace Recur.Web.Emails;

/// <summary>An email's subject and its two bodies, plain text and HTML, saying the same.</summary>
public sealed record EmailContent(string Subject, string Text, string Html);

/// <summary>
/// Recur's emails to a tenant's customers, in words a customer understands (never Stripe's own error text). Each is
/// written as paragraphs, a few labelled facts and at most one link, then rendered as plain text and as HTML. The
/// sender's name is the tenant's business name, so each email is signed with it.
/// </summary>
public static class EmailMessages
{
    public static EmailContent Receipt(string business, string? customerName, string item, string amount, DateTimeOffset paidAt,
        string? reference, string? invoiceUrl) =>
        Render($"Your receipt from {business}", business, customerName,
            [$"Thank you for your payment of {amount} to {business} for {item}."],
            [("Amount paid", amount), ("For", item), ("Paid on", Day(paidAt)), ("Reference", reference)],
            invoiceUrl is null ? null : ("View or download your invoice", invoiceUrl),
            "Please keep this email as your receipt.");

    public static EmailContent PaymentFailed(string business, string? customerName, string item, string amount, DateTimeOffset? nextAttempt,
        string? fixUrl) =>
        Render($"Your payment to {business} did not go through", business, customerName,
            [
                $"We could not take your payment of {amount} for {item}: your bank or card issuer declined it.",
                nextAttempt is { } next
                    ? $"We will try again on {Day(next)}. To avoid an interruption, you can pay now or use another card or account."
                    : "To keep your subscription, please pay now or use another card or account.",
            ],
            [("Amount due", amount), ("For", item)],
            fixUrl is null ? null : ("Update your payment details and pay", fixUrl),
            fixUrl is null ? $"Please contact {business} to update your payment details." : null);

    public static EmailContent ActionRequired(string business, string? customerName, string item, string amount, string? authenticateUrl) =>
        Render($"Please confirm your payment to {business}", business, customerName,
            [
                $"Your bank asks you to confirm your payment of {amount} for {item} before it is taken (a security check known as 3-D Secure).",
                "Until you confirm it, the payment is not made.",
            ],
            [("Amount", amount), ("For", item)],
            authenticateUrl is null ? null : ("Confirm the payment", authenticateUrl),
            authenticateUrl is null ? $"Please contact {business} to complete the payment." : null);

    public static EmailContent TrialEnding(string business, string? customerName, string item, DateTimeOffset trialEnd, string? price) =>
        Render($"Your free trial of {item} ends on {Day(trialEnd)}", business, customerName,
            [
                $"Your free trial of {item} with {business} ends on {Day(trialEnd)}.",
                price is null
                    ? "Your subscription then continues and the first payment is taken. There is nothing you need to do to keep it."
                    : $"Your subscription then continues at {price}, taken with the payment details you gave. There is nothing you need to do to keep it.",
            ],
            [("Trial ends", Day(trialEnd)), ("Then", price)],
            null,
            $"If you do not want to continue, please contact {business} before then.");

    public static EmailContent Cancellation(string business, string? customerName, string item, DateTimeOffset endedAt) =>
        Render($"Your subscription to {item} has ended", business, customerName,
            [
                $"Your subscription to {item} with {business} ended on {Day(endedAt)}.",
                "You will not be charged for it again.",
            ],
            [("Ended on", Day(endedAt))],
            null,
            $"Thank you for having been a customer of {business}.");

    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    private static EmailContent Render(string subject, string business, string? customerName, IReadOnlyList<string> paragraphs,
        IReadOnlyList<(string Label, string? Value)> facts, (string Label, string Url)? link, string? closing)
    {
        var greeting = string.IsNullOrWhiteSpace(customerName) ? "Hello," : $"Hello {customerName.Trim()},";
        var shownFacts = facts.Where(f => !string.IsNullOrWhiteSpace(f.Value)).ToList();

        var text = new StringBuilder();
        text.Append(greeting).Append("\n\n");
        foreach (var paragraph in paragraphs)
        {
            text.Append(paragraph).Append("\n\n");
        }
        foreach (var (label, value) in shownFacts)
        {
            text.Append(label).Append(": ").Append(value).Append('\n');
        }
        if (shownFacts.Count > 0)
        {
            text.Append('\n');
        }
        if (link is { } l)
        {
            text.Append(l.Label).Append(":\n").Append(l.Url).Append("\n\n");
        }
        if (closing is not null)
        {
            text.Append(closing).Append("\n\n");
        }
        text.Append(business).Append('\n');

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body style=\"font-family: sans-serif; line-height: 1.5; color: #1a1a1a;\">");
        html.Append("<p>").Append(Encode(greeting)).Append("</p>");
        foreach (var paragraph in paragraphs)
        {
            html.Append("<p>").Append(Encode(paragraph)).Append("</p>");
        }
        if (shownFacts.Count > 0)
        {
            html.Append("<table cellpadding=\"4\">");
            foreach (var (label, value) in shownFacts)
            {
                html.Append("<tr><th align=\"left\">").Append(Encode(label)).Append("</th><td>").Append(Encode(value!)).Append("</td></tr>");
            }
            html.Append("</table>");
        }
        if (link is { } h)
        {
            html.Append("<p><a href=\"").Append(Encode(h.Url)).Append("\">").Append(Encode(h.Label)).Append("</a></p>");
        }
        if (closing is not null)
        {
            html.Append("<p>").Append(Encode(closing)).Append("</p>");
        }
        html.Append("<p>").Append(Encode(business)).Append("</p></body></html>");
        return new EmailContent(subject, text.ToString(), html.ToString());
    }

    /// <summary>Escapes only what HTML needs escaped, so "£9.99" stays readable in the HTML part's source.</summary>
    private static string Encode(string value) => value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);
}
