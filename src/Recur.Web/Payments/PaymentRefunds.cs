using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Catalog;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Payment = Recur.Web.Subscriptions.Payment;

namespace Recur.Web.Payments;

/// <summary>What became of a refund request: done (with what to tell the admin), or refused with the form's errors.</summary>
public sealed record RefundOutcome(string? Message, IReadOnlyDictionary<string, string> Errors)
{
    public bool Succeeded => Errors.Count == 0;

    public static RefundOutcome Done(string message) => new(message, new Dictionary<string, string>());

    public static RefundOutcome Invalid(string field, string message) => new(null, new Dictionary<string, string> { [field] = message });
}

/// <summary>
/// Refunds a payment in full or in part through Stripe's Refunds API on the connected account. The refund's row is
/// made first: its id comes from the form, so submitting the same form twice finds the row and makes nothing, and it
/// keys the Stripe request (<c>Idempotency-Key: refund-{id}</c>), so retries and a "Send again" make one refund.
/// Amounts are bounded by what is left to refund; Stripe's own refusals come back as form errors.
/// </summary>
public sealed partial class PaymentRefunds(AppDbContext db, StripeClients clients, StripeWrites writes, PaymentSync sync, TimeProvider time,
    ILogger<PaymentRefunds> logger)
{
    /// <summary>What is left to refund: Stripe's refundable amount less the refunds Recur has asked for that Stripe has
    /// not answered yet.</summary>
    public async Task<long> RefundableAsync(Payment payment, CancellationToken cancellationToken)
    {
        var awaiting = await db.Refunds.Where(r => r.PaymentId == payment.Id && r.Status == RefundStatus.Requested)
            .SumAsync(r => (long?)r.Amount, cancellationToken) ?? 0;
        return Math.Max(0, payment.Refundable - awaiting);
    }

    public async Task<RefundOutcome> RefundAsync(Payment payment, Guid refundId, string? amountText, string? reason, CancellationToken cancellationToken)
    {
        if (await db.Refunds.AnyAsync(r => r.Id == refundId, cancellationToken))
        {
            return RefundOutcome.Done("This refund was already requested: it was made once.");
        }
        if (!Refund.Reasons.Any(r => r.Value == reason))
        {
            return RefundOutcome.Invalid("reason", "Choose why you are refunding.");
        }
        var refundable = await RefundableAsync(payment, cancellationToken);
        if (refundable <= 0)
        {
            return RefundOutcome.Invalid("amount", "There is nothing left to refund on this payment.");
        }
        if (!Money.TryParseMajor(amountText, payment.Currency, out var amount))
        {
            return RefundOutcome.Invalid("amount", $"Enter the amount to refund, like {Money.ToMajorText(refundable, payment.Currency)}.");
        }
        if (amount <= 0)
        {
            return RefundOutcome.Invalid("amount", "Enter an amount above zero.");
        }
        if (amount > refundable)
        {
            return RefundOutcome.Invalid("amount", $"You can refund at most {Money.Format(refundable, payment.Currency)}: that is what is left of this payment.");
        }

        var refund = new Refund(refundId, payment.TenantId, payment.Environment, payment.StripeAccountId, payment.Id, amount, payment.Currency, reason,
            time.GetUtcNow());
        db.Refunds.Add(refund);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same form was submitted twice at once: the other submit makes the refund.
            db.Entry(refund).State = EntityState.Detached;
            return RefundOutcome.Done("This refund was already requested: it was made once.");
        }
        return await SendAsync(payment, refund, cancellationToken);
    }

    /// <summary>Asks Stripe again for a refund it has not answered (same key: at most one refund).</summary>
    public Task<RefundOutcome> SendAgainAsync(Payment payment, Refund refund, CancellationToken cancellationToken) =>
        refund.Status == RefundStatus.Requested
            ? SendAsync(payment, refund, cancellationToken)
            : Task.FromResult(RefundOutcome.Done("Stripe has already answered this refund."));

    private async Task<RefundOutcome> SendAsync(Payment payment, Refund refund, CancellationToken cancellationToken)
    {
        var stripe = (await clients.GetAsync(payment.Environment, cancellationToken)).Client.V1;
        var options = new RequestOptions { StripeAccount = payment.StripeAccountId, IdempotencyKey = refund.IdempotencyKey };
        var create = new RefundCreateOptions
        {
            PaymentIntent = payment.StripePaymentIntentId,
            Amount = refund.Amount,
            Reason = refund.Reason,
            Metadata = new Dictionary<string, string> { [Refund.MetadataKey] = refund.Id.ToString() },
        };
        global::Stripe.Refund made;
        try
        {
            made = await writes.SendAsync(options, (o, token) => stripe.Refunds.CreateAsync(create, o, token), cancellationToken);
        }
        catch (StripeException exception)
        {
            // Refused: Stripe made no refund, so neither does Recur (a corrected form is a new refund with a new key).
            LogRefused(logger, payment.Id, exception.StripeError?.Code);
            db.Refunds.Remove(refund);
            await db.SaveChangesAsync(cancellationToken);
            return exception.StripeError?.Code switch
            {
                "amount_too_large" => RefundOutcome.Invalid("amount", "Stripe says that is more than is left to refund on this payment."),
                "charge_already_refunded" => RefundOutcome.Invalid("amount", "This payment is already refunded in full."),
                "charge_disputed" => RefundOutcome.Invalid("amount", "This payment is disputed: answer the dispute in the Stripe Dashboard instead of refunding it."),
                "charge_not_refundable" => RefundOutcome.Invalid("amount", "Stripe can no longer refund this payment: " + exception.StripeError.Message),
                var code => RefundOutcome.Invalid("amount", $"Stripe refused the refund ({code ?? "error"}): {exception.StripeError?.Message}"),
            };
        }
        catch (Exception exception) when (exception is StripeWriteFailedException or HttpRequestException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogUnanswered(logger, payment.Id, refund.Id);
            return RefundOutcome.Invalid("amount",
                "Stripe did not answer. The refund is kept as sent: press Send again below in a minute; it is never made twice.");
        }

        refund.Apply(made, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        LogMade(logger, payment.Id, made.Id, made.Status);
        await sync.SyncAsync(payment, cancellationToken);
        var amount = Money.Format(refund.Amount, refund.Currency);
        return RefundOutcome.Done(refund.Status switch
        {
            RefundStatus.Succeeded => $"Refunded {amount}.",
            RefundStatus.Failed => $"The refund of {amount} failed: {refund.Describe(false)}.",
            _ => $"Refund of {amount} made. {refund.Describe(payment.PaymentMethod?.Type == "bacs_debit")}.",
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId}: refund {RefundId} made, {Status}")]
    private static partial void LogMade(ILogger logger, Guid paymentId, string refundId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId}: Stripe refused the refund ({Code})")]
    private static partial void LogRefused(ILogger logger, Guid paymentId, string? code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId}: Stripe did not answer refund {RefundId}; kept for Send again")]
    private static partial void LogUnanswered(ILogger logger, Guid paymentId, Guid refundId);
}
