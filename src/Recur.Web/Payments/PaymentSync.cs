using global::Stripe;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Subscriptions;
using Payment = Recur.Web.Subscriptions.Payment;

namespace Recur.Web.Payments;

/// <summary>
/// Reads a payment's PaymentIntent from Stripe as it is now, with its latest charge, and applies it: a one-off's
/// state (succeeded, processing, failed and Stripe's decline), and for every kind the charge's method, refunded
/// amount and dispute. Reads are of the current state, so webhooks may arrive in any order or twice. Saves.
/// </summary>
public sealed partial class PaymentSync(AppDbContext db, StripeClients clients, TimeProvider time, ILogger<PaymentSync> logger)
{
    public async Task SyncAsync(Payment payment, CancellationToken cancellationToken)
    {
        if (payment.StripePaymentIntentId is not { } intentId)
        {
            // An invoice Stripe has not charged yet (or paid out of band): its subscription's sync keeps it.
            return;
        }
        var observedAt = time.GetUtcNow();
        var stripe = (await clients.GetAsync(payment.Environment, cancellationToken)).Client.V1;
        var account = new RequestOptions { StripeAccount = payment.StripeAccountId };
        var get = new PaymentIntentGetOptions();
        get.AddExpand("latest_charge");
        var intent = await stripe.PaymentIntents.GetAsync(intentId, get, account, cancellationToken);
        Apply(payment, intent, observedAt);
        await db.SaveChangesAsync(cancellationToken);
        LogSynced(logger, payment.Id, intentId, intent.Status);
    }

    public static void Apply(Payment payment, PaymentIntent intent, DateTimeOffset observedAt)
    {
        if (payment.Kind == PaymentKind.OneOff)
        {
            payment.ApplyOneOffIntent(intent.Status, intent.Amount, intent.AmountReceived, SubscriptionSync.ErrorOf(intent.LastPaymentError, observedAt), observedAt);
        }
        if (intent.LatestCharge is { } charge)
        {
            payment.ApplyCharge(charge.Id, MethodOf(charge), charge.AmountRefunded, charge.Disputed, observedAt);
        }
    }

    /// <summary>The method as the charge's <c>payment_method_details</c> describe it.</summary>
    public static PaymentMethodSummary? MethodOf(Charge charge) => charge.PaymentMethodDetails switch
    {
        null => null,
        { Type: "card", Card: { } card } => new PaymentMethodSummary(charge.PaymentMethod ?? "", "card", card.Brand, card.Last4, card.ExpMonth, card.ExpYear, null),
        { Type: "bacs_debit", BacsDebit: { } bacs } => new PaymentMethodSummary(charge.PaymentMethod ?? "", "bacs_debit", null, bacs.Last4, null, null, bacs.SortCode),
        { Type: { } type } => new PaymentMethodSummary(charge.PaymentMethod ?? "", type, null, null, null, null, null),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId} synced from PaymentIntent {PaymentIntentId}: {Status}")]
    private static partial void LogSynced(ILogger logger, Guid paymentId, string paymentIntentId, string status);
}
