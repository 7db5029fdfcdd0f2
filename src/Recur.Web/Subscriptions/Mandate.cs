using Recur.Web.Stripe;

namespace Recur.Web.Subscriptions;

/// <summary>Stripe's mandate statuses.</summary>
public enum MandateStatus
{
    Pending,
    Active,
    Inactive,
}

/// <summary>
/// A BACS Direct Debit Instruction (a Stripe <c>mandate</c>) for one payment method: pending while the bank sets
/// it up, active once it can be debited, inactive when refused, cancelled or revoked (a reactivation makes it active
/// again). Older news than what is known is ignored.
/// </summary>
public sealed class Mandate
{
    private Mandate()
    {
        StripeAccountId = StripeMandateId = "";
    }

    public Mandate(Guid tenantId, StripeEnvironment environment, string stripeAccountId, string stripeMandateId,
        string? stripePaymentMethodId, MandateStatus status, DateTimeOffset observedAt)
    {
        Id = Guid.NewGuid();
        TenantId = tenantId;
        Environment = environment;
        StripeAccountId = stripeAccountId;
        StripeMandateId = stripeMandateId;
        StripePaymentMethodId = stripePaymentMethodId;
        Status = status;
        StatusAt = observedAt;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public StripeEnvironment Environment { get; private set; }
    public string StripeAccountId { get; private set; }
    public string StripeMandateId { get; private set; }
    public string? StripePaymentMethodId { get; private set; }
    public MandateStatus Status { get; private set; }

    /// <summary>When the current status was observed at Stripe (event created, or read time).</summary>
    public DateTimeOffset StatusAt { get; private set; }

    public DateTimeOffset? ActivatedAt { get; private set; }
    public DateTimeOffset? InactivatedAt { get; private set; }

    public static bool TryParse(string? status, out MandateStatus parsed) =>
        Enum.TryParse(status, ignoreCase: true, out parsed) && Enum.IsDefined(parsed);

    /// <summary>Moves to <paramref name="next"/> if that is a possible move and the news is not older than what is
    /// known. Pending never comes back once the mandate was active or inactive.</summary>
    public bool MoveTo(MandateStatus next, DateTimeOffset observedAt)
    {
        if (observedAt < StatusAt || next == Status)
        {
            if (next == Status && observedAt > StatusAt)
            {
                StatusAt = observedAt;
            }
            return false;
        }
        if (next == MandateStatus.Pending)
        {
            return false;
        }
        Status = next;
        StatusAt = observedAt;
        if (next == MandateStatus.Active)
        {
            ActivatedAt ??= observedAt;
        }
        else
        {
            InactivatedAt = observedAt;
        }
        return true;
    }
}
