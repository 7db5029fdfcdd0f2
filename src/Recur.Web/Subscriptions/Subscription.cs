using Recur.Web.Catalog;
using Recur.Web.Stripe;

namespace Recur.Web.Subscriptions;

/// <summary>Stripe's subscription statuses.</summary>
public enum SubscriptionStatus
{
    Incomplete,
    IncompleteExpired,
    Trialing,
    Active,
    PastDue,
    Unpaid,
    Paused,
    Canceled,
}

/// <summary>The payment method a subscription is billed to, as the admin sees it.</summary>
public sealed record PaymentMethodSummary(string StripePaymentMethodId, string Type, string? Brand, string? Last4,
    long? ExpMonth, long? ExpYear, string? SortCode)
{
    public override string ToString() => Type switch
    {
        "card" => $"{Brand?.ToUpperInvariant() ?? "Card"} •••• {Last4} (expires {ExpMonth:00}/{ExpYear})",
        "bacs_debit" => $"BACS Direct Debit, sort code {FormatSortCode(SortCode)}, account •••• {Last4}",
        _ => Type,
    };

    private static string FormatSortCode(string? sortCode) =>
        sortCode is { Length: 6 } ? $"{sortCode[..2]}-{sortCode[2..4]}-{sortCode[4..]}" : sortCode ?? "—";
}

/// <summary>Stripe's reason a payment failed: the code, the decline code and the customer-safe message.</summary>
public sealed record PaymentError(string? Code, string? DeclineCode, string Message, DateTimeOffset At);

/// <summary>
/// A subscription on a tenant's connected account, as Recur knows it. Stripe is the source of truth: the state
/// arrives from webhooks or is read from Stripe, and every change goes through a method that refuses impossible
/// moves (a canceled or expired subscription never comes back) and news older than what is already known.
/// </summary>
public sealed class Subscription
{
    private Subscription()
    {
        StripeAccountId = StripeSubscriptionId = PaymentType = "";
    }

    public Subscription(Guid tenantId, StripeEnvironment environment, string stripeAccountId, string stripeSubscriptionId,
        Guid customerId, Guid offerId, Guid? orderId, string paymentType, SubscriptionStatus status, DateTimeOffset observedAt)
    {
        Id = Guid.NewGuid();
        TenantId = tenantId;
        Environment = environment;
        StripeAccountId = stripeAccountId;
        StripeSubscriptionId = stripeSubscriptionId;
        CustomerId = customerId;
        OfferId = offerId;
        OrderId = orderId;
        PaymentType = paymentType;
        Status = status;
        StatusAt = observedAt;
        CreatedAt = observedAt;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public StripeEnvironment Environment { get; private set; }
    public string StripeAccountId { get; private set; }

    /// <summary><c>sub_…</c> on <see cref="StripeAccountId"/>.</summary>
    public string StripeSubscriptionId { get; private set; }

    public Guid CustomerId { get; private set; }
    public Guid OfferId { get; private set; }
    public Guid? OrderId { get; private set; }

    /// <summary><c>card</c> or <c>bacs_debit</c>: the payment type chosen at checkout.</summary>
    public string PaymentType { get; private set; }

    public SubscriptionStatus Status { get; private set; }

    /// <summary>When <see cref="Status"/> was observed at Stripe; older news is ignored.</summary>
    public DateTimeOffset StatusAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? CurrentPeriodStart { get; private set; }
    public DateTimeOffset? CurrentPeriodEnd { get; private set; }
    public DateTimeOffset? TrialEnd { get; private set; }
    public bool CancelAtPeriodEnd { get; private set; }
    public DateTimeOffset? CancelAt { get; private set; }
    public DateTimeOffset? CanceledAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }

    public PaymentMethodSummary? PaymentMethod { get; private set; }

    /// <summary>The BACS mandate behind the payment method, <c>mandate_…</c>.</summary>
    public string? StripeMandateId { get; private set; }

    /// <summary>Status of the PaymentIntent of the latest invoice (<c>processing</c> while BACS settles).</summary>
    public string? LatestPaymentStatus { get; private set; }

    public PaymentError? LastPaymentError { get; private set; }

    /// <summary>When Recur last read the subscription from Stripe.</summary>
    public DateTimeOffset? SyncedAt { get; private set; }

    public bool IsEnded => Status is SubscriptionStatus.Canceled or SubscriptionStatus.IncompleteExpired || RemovedAt is not null;

    /// <summary>The Test subscription this one simulates on its own test clock ("Simulate this subscription"); null for
    /// a real one.</summary>
    public Guid? SimulationOf { get; private set; }

    public bool IsSimulation => SimulationOf is not null;

    /// <summary>When Recur learned that Stripe no longer has this subscription (its test clock or its customer was
    /// deleted, or a read found it missing); it then counts as ended, whatever its last status was.</summary>
    public DateTimeOffset? RemovedAt { get; private set; }

    /// <summary>Why it is gone, in the admin's words.</summary>
    public string? RemovedReason { get; private set; }

    /// <summary>A copy of <paramref name="source"/> made on a test clock to move time for it.</summary>
    public static Subscription Simulating(Subscription source, string stripeSubscriptionId, Guid customerId, SubscriptionStatus status, DateTimeOffset observedAt) =>
        new(source.TenantId, source.Environment, source.StripeAccountId, stripeSubscriptionId, customerId, source.OfferId, null, "card", status, observedAt)
        {
            SimulationOf = source.Id,
        };

    /// <summary>Stripe deleted the subscription (with its clock or its customer) or no longer finds it: it is over,
    /// never "active" again. The first reason is kept.</summary>
    public void MarkRemoved(string reason, DateTimeOffset at)
    {
        if (RemovedAt is not null)
        {
            return;
        }
        MoveTo(SubscriptionStatus.Canceled, at);
        RemovedAt = at;
        RemovedReason = reason;
        CancelAtPeriodEnd = false;
        EndedAt ??= at;
    }

    public static bool TryParseStatus(string? status, out SubscriptionStatus parsed)
    {
        parsed = status switch
        {
            "incomplete" => SubscriptionStatus.Incomplete,
            "incomplete_expired" => SubscriptionStatus.IncompleteExpired,
            "trialing" => SubscriptionStatus.Trialing,
            "active" => SubscriptionStatus.Active,
            "past_due" => SubscriptionStatus.PastDue,
            "unpaid" => SubscriptionStatus.Unpaid,
            "paused" => SubscriptionStatus.Paused,
            "canceled" => SubscriptionStatus.Canceled,
            _ => (SubscriptionStatus)(-1),
        };
        return Enum.IsDefined(parsed);
    }

    public static string ToStripe(SubscriptionStatus status) => status switch
    {
        SubscriptionStatus.IncompleteExpired => "incomplete_expired",
        SubscriptionStatus.PastDue => "past_due",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>Which statuses can follow which in one step, as Stripe moves them.</summary>
    private static bool CanStep(SubscriptionStatus from, SubscriptionStatus to) => from switch
    {
        SubscriptionStatus.Incomplete => to is SubscriptionStatus.Active or SubscriptionStatus.Trialing
            or SubscriptionStatus.IncompleteExpired or SubscriptionStatus.Canceled,
        SubscriptionStatus.Trialing => to is SubscriptionStatus.Active or SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid
            or SubscriptionStatus.Paused or SubscriptionStatus.Canceled or SubscriptionStatus.Incomplete,
        SubscriptionStatus.Active => to is SubscriptionStatus.PastDue or SubscriptionStatus.Unpaid or SubscriptionStatus.Paused
            or SubscriptionStatus.Canceled,
        SubscriptionStatus.PastDue => to is SubscriptionStatus.Active or SubscriptionStatus.Unpaid or SubscriptionStatus.Canceled,
        SubscriptionStatus.Unpaid => to is SubscriptionStatus.Active or SubscriptionStatus.Canceled,
        SubscriptionStatus.Paused => to is SubscriptionStatus.Active or SubscriptionStatus.Trialing or SubscriptionStatus.Canceled,
        _ => false, // canceled and incomplete_expired are final
    };

    /// <summary>
    /// Whether Stripe can get from one status to the other in any number of steps. Recur may miss the steps between
    /// (events arrive in any order, a read can come after several changes), so a status Stripe reports is taken
    /// whenever Stripe could have reached it; only ended subscriptions never move.
    /// </summary>
    public static bool CanMove(SubscriptionStatus from, SubscriptionStatus to)
    {
        var seen = new HashSet<SubscriptionStatus> { from };
        var next = new Queue<SubscriptionStatus>([from]);
        while (next.TryDequeue(out var status))
        {
            if (status == to)
            {
                return true;
            }
            foreach (var candidate in Enum.GetValues<SubscriptionStatus>())
            {
                if (CanStep(status, candidate) && seen.Add(candidate))
                {
                    next.Enqueue(candidate);
                }
            }
        }
        return false;
    }

    /// <summary>Takes Stripe's status if the move is possible and the news is not older than what is known.</summary>
    public bool MoveTo(SubscriptionStatus next, DateTimeOffset observedAt)
    {
        if (observedAt < StatusAt || !CanMove(Status, next))
        {
            return false;
        }
        Status = next;
        StatusAt = observedAt;
        return true;
    }

    /// <summary>A renewal failed: active (or trialing) becomes past_due.</summary>
    public bool MarkPastDue(DateTimeOffset observedAt) => MoveTo(SubscriptionStatus.PastDue, observedAt);

    public bool MarkCanceled(DateTimeOffset canceledAt, DateTimeOffset observedAt)
    {
        if (!MoveTo(SubscriptionStatus.Canceled, observedAt))
        {
            return false;
        }
        CanceledAt ??= canceledAt;
        EndedAt ??= canceledAt;
        CancelAtPeriodEnd = false;
        return true;
    }

    /// <summary>Periods, trial and the cancellation schedule as Stripe has them now; refused for news older than the
    /// status already known, and for a period that would move backwards.</summary>
    public bool ApplySchedule(DateTimeOffset observedAt, DateTimeOffset? periodStart, DateTimeOffset? periodEnd, DateTimeOffset? trialEnd,
        bool cancelAtPeriodEnd, DateTimeOffset? cancelAt, DateTimeOffset? canceledAt, DateTimeOffset? endedAt)
    {
        if (observedAt < StatusAt)
        {
            // Older than the status already known: what it says about the schedule is older too.
            return false;
        }
        if (periodEnd is not null && CurrentPeriodEnd is not null && periodEnd < CurrentPeriodEnd)
        {
            // A period never moves backwards: this is older news.
            return false;
        }
        CurrentPeriodStart = periodStart ?? CurrentPeriodStart;
        CurrentPeriodEnd = periodEnd ?? CurrentPeriodEnd;
        TrialEnd = trialEnd;
        CancelAtPeriodEnd = cancelAtPeriodEnd;
        CancelAt = cancelAt;
        CanceledAt = canceledAt ?? CanceledAt;
        EndedAt = endedAt ?? EndedAt;
        return true;
    }

    public void ApplyPaymentMethod(PaymentMethodSummary? paymentMethod)
    {
        if (paymentMethod is not null)
        {
            PaymentMethod = paymentMethod;
        }
    }

    public void ApplyMandate(string? stripeMandateId)
    {
        if (stripeMandateId is not null)
        {
            StripeMandateId = stripeMandateId;
        }
    }

    public void ApplyLatestPayment(string? paymentIntentStatus, PaymentError? error, DateTimeOffset observedAt)
    {
        if (observedAt >= StatusAt)
        {
            LatestPaymentStatus = paymentIntentStatus ?? LatestPaymentStatus;
        }
        if (error is not null && (LastPaymentError is null || error.At >= LastPaymentError.At))
        {
            LastPaymentError = error with { };
        }
    }

    public void MarkSynced(DateTimeOffset at) => SyncedAt = at;

    /// <summary>When the first invoice with money in it was paid (for BACS: settled).</summary>
    public DateTimeOffset? FirstPaidAt { get; private set; }

    public void RecordPaid(DateTimeOffset paidAt)
    {
        if (FirstPaidAt is null || paidAt < FirstPaidAt)
        {
            FirstPaidAt = paidAt;
        }
    }

    /// <summary>Resuming is possible while a cancellation at period end is pending.</summary>
    public bool CanResume => !IsEnded && CancelAtPeriodEnd;

    public bool CanCancel => !IsEnded;

    /// <summary>
    /// What the customer has, in Recur's words, taking the offer's BACS activation choice into account: a BACS
    /// subscription whose first payment is still settling is active once the mandate is active when the offer says
    /// so, and processing otherwise.
    /// </summary>
    public SubscriptionAccess Access(BacsActivation? activation, MandateStatus? mandate)
    {
        if (RemovedAt is not null)
        {
            return SubscriptionAccess.Removed;
        }
        switch (Status)
        {
            case SubscriptionStatus.Canceled:
            case SubscriptionStatus.IncompleteExpired:
                return SubscriptionAccess.Ended;
            case SubscriptionStatus.PastDue:
                return SubscriptionAccess.PastDue;
            case SubscriptionStatus.Unpaid:
            case SubscriptionStatus.Paused:
                return SubscriptionAccess.Suspended;
            case SubscriptionStatus.Trialing:
                return SubscriptionAccess.Trialing;
        }
        if (PaymentType == "bacs_debit" && FirstPaidAt is null && (LatestPaymentStatus == "processing" || Status == SubscriptionStatus.Active))
        {
            // The Direct Debit Instruction exists once a BACS payment is processing; it only stops counting when inactive.
            return activation == BacsActivation.WhenMandateCreated && mandate is not MandateStatus.Inactive
                ? SubscriptionAccess.Active
                : SubscriptionAccess.Processing;
        }
        if (Status == SubscriptionStatus.Active)
        {
            return SubscriptionAccess.Active;
        }
        return LatestPaymentStatus switch
        {
            "requires_action" => SubscriptionAccess.NeedsAuthentication,
            "processing" => SubscriptionAccess.Processing,
            _ when LastPaymentError is not null => SubscriptionAccess.PaymentFailed,
            _ => SubscriptionAccess.AwaitingPayment,
        };
    }

    public static string Describe(SubscriptionAccess access) => access switch
    {
        SubscriptionAccess.AwaitingPayment => "Awaiting payment",
        SubscriptionAccess.NeedsAuthentication => "Needs authentication",
        SubscriptionAccess.PaymentFailed => "Payment failed",
        SubscriptionAccess.Processing => "Processing",
        SubscriptionAccess.Trialing => "Trialing",
        SubscriptionAccess.Active => "Active",
        SubscriptionAccess.PastDue => "Past due",
        SubscriptionAccess.Suspended => "Suspended",
        SubscriptionAccess.Removed => "Deleted on Stripe",
        _ => "Ended",
    };
}

/// <summary>What a subscription gives the customer right now.</summary>
public enum SubscriptionAccess
{
    AwaitingPayment,
    NeedsAuthentication,
    PaymentFailed,
    Processing,
    Trialing,
    Active,
    PastDue,
    Suspended,
    Ended,

    /// <summary>Stripe no longer has it (see <see cref="Subscription.RemovedAt"/>).</summary>
    Removed,
}
