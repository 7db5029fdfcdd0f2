using Recur.Web.Stripe;

namespace Recur.Web.Payments;

/// <summary>Where a refund stands: Stripe's refund statuses, and <see cref="Requested"/> before Stripe has answered.</summary>
public enum RefundStatus
{
    /// <summary>Recur has asked Stripe (or is about to); Stripe's answer is not recorded yet.</summary>
    Requested,
    Pending,
    RequiresAction,
    Succeeded,
    Failed,
    Canceled,
}

/// <summary>
/// A refund of a payment. Recur makes the row before it asks Stripe, and its id is the refund's idempotency key
/// (<c>refund-{id}</c>) and Stripe metadata (<c>recur_refund_id</c>), so a repeated or retried request makes one
/// refund and the <c>refund.*</c> event of a refund Recur is making finds its row. Refunds made elsewhere (the
/// merchant's Dashboard) get a row when Stripe reports them. Status moves as Stripe's does: pending → succeeded,
/// failed or canceled (requires_action in between); a succeeded refund can still fail (the bank returns it); failed and
/// canceled are final; older reads change nothing.
/// </summary>
public sealed class Refund
{
    /// <summary>Stripe's refund reasons (https://docs.stripe.com/api/refunds/create#create_refund-reason).</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Reasons =
    [
        ("requested_by_customer", "Requested by the customer"),
        ("duplicate", "Duplicate payment"),
        ("fraudulent", "Fraudulent payment"),
    ];

    public const string MetadataKey = "recur_refund_id";

    private Refund()
    {
        StripeAccountId = Currency = "";
    }

    public Refund(Guid id, Guid tenantId, StripeEnvironment environment, string stripeAccountId, Guid paymentId, long amount, string currency,
        string? reason, DateTimeOffset now)
    {
        Id = id;
        TenantId = tenantId;
        Environment = environment;
        StripeAccountId = stripeAccountId;
        PaymentId = paymentId;
        Amount = amount;
        Currency = currency;
        Reason = reason;
        Status = RefundStatus.Requested;
        CreatedAt = now;
        StatusAt = DateTimeOffset.MinValue;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public StripeEnvironment Environment { get; private set; }
    public string StripeAccountId { get; private set; }
    public Guid PaymentId { get; private set; }

    /// <summary><c>re_…</c>, once Stripe has answered.</summary>
    public string? StripeRefundId { get; private set; }

    public long Amount { get; private set; }
    public string Currency { get; private set; }

    /// <summary><c>duplicate</c>, <c>fraudulent</c>, <c>requested_by_customer</c> or none.</summary>
    public string? Reason { get; private set; }

    public RefundStatus Status { get; private set; }

    /// <summary>Stripe's <c>failure_reason</c> of a failed refund.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>Stripe's <c>pending_reason</c> (<c>processing</c>, <c>charge_pending</c>, <c>insufficient_funds</c>).</summary>
    public string? PendingReason { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the status last applied was read from Stripe.</summary>
    public DateTimeOffset StatusAt { get; private set; }

    public string IdempotencyKey => $"refund-{Id}";

    public static bool TryParse(string? status, out RefundStatus parsed)
    {
        parsed = status switch
        {
            "pending" => RefundStatus.Pending,
            "requires_action" => RefundStatus.RequiresAction,
            "succeeded" => RefundStatus.Succeeded,
            "failed" => RefundStatus.Failed,
            "canceled" => RefundStatus.Canceled,
            _ => RefundStatus.Requested,
        };
        return parsed != RefundStatus.Requested;
    }

    public static bool CanMove(RefundStatus from, RefundStatus to) => from == to || from switch
    {
        RefundStatus.Requested => to != RefundStatus.Requested,
        RefundStatus.Pending => to is RefundStatus.RequiresAction or RefundStatus.Succeeded or RefundStatus.Failed or RefundStatus.Canceled,
        RefundStatus.RequiresAction => to is RefundStatus.Pending or RefundStatus.Succeeded or RefundStatus.Failed or RefundStatus.Canceled,
        RefundStatus.Succeeded => to is RefundStatus.Failed,
        _ => false,
    };

    /// <summary>A refund made outside Recur, as Stripe reports it.</summary>
    public static Refund FromStripe(Guid tenantId, StripeEnvironment environment, string stripeAccountId, Guid paymentId, global::Stripe.Refund stripe,
        DateTimeOffset observedAt)
    {
        var refund = new Refund(Guid.NewGuid(), tenantId, environment, stripeAccountId, paymentId, stripe.Amount, stripe.Currency, stripe.Reason,
            observedAt);
        refund.Apply(stripe, observedAt);
        return refund;
    }

    /// <summary>Takes the refund as Stripe has it at <paramref name="observedAt"/>, unless that is older news or an
    /// impossible move.</summary>
    public bool Apply(global::Stripe.Refund stripe, DateTimeOffset observedAt)
    {
        if (StripeRefundId is not null && StripeRefundId != stripe.Id)
        {
            throw new InvalidOperationException("The refund is already another Stripe refund.");
        }
        StripeRefundId = stripe.Id;
        if (!TryParse(stripe.Status, out var status) || observedAt < StatusAt || !CanMove(Status, status))
        {
            return false;
        }
        Status = status;
        StatusAt = observedAt;
        Amount = stripe.Amount;
        Reason = stripe.Reason ?? Reason;
        FailureReason = status == RefundStatus.Failed ? stripe.FailureReason : null;
        PendingReason = status == RefundStatus.Pending ? stripe.PendingReason : null;
        return true;
    }

    /// <summary>The refund's state in words; <paramref name="bacs"/> says why a Direct Debit refund waits.</summary>
    public string Describe(bool bacs) => Status switch
    {
        RefundStatus.Requested => "Sent to Stripe, waiting for its answer",
        RefundStatus.Pending when PendingReason == "charge_pending" => "Pending: it goes ahead once the payment itself has settled",
        RefundStatus.Pending when bacs => "Pending: Direct Debit refunds take a few business days to reach the customer",
        RefundStatus.Pending when PendingReason == "insufficient_funds" => "Pending: the Stripe balance is too low to pay it yet",
        RefundStatus.Pending => "Pending",
        RefundStatus.RequiresAction => "Needs action in the Stripe Dashboard",
        RefundStatus.Succeeded => "Refunded",
        RefundStatus.Failed => "Failed: " + FailureReason switch
        {
            "lost_or_stolen_card" => "the card was reported lost or stolen",
            "expired_or_canceled_card" => "the card has expired or was canceled",
            "charge_for_pending_refund_disputed" => "the payment was disputed before the refund went through",
            "insufficient_funds" => "the Stripe balance was too low",
            "declined" => "the customer's bank refused it",
            "merchant_request" => "it was canceled on request",
            null => "the money went back to the Stripe balance",
            var other => other.Replace('_', ' '),
        },
        _ => "Canceled",
    };

    public string ReasonText => Reasons.FirstOrDefault(r => r.Value == Reason).Label ?? "—";

    /// <summary>Whether the refund still takes money from what can be refunded.</summary>
    public bool Counts => Status is RefundStatus.Requested or RefundStatus.Pending or RefundStatus.RequiresAction or RefundStatus.Succeeded;
}
