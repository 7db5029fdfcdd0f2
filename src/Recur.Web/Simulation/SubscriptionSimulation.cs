namespace Recur.Web.Simulation;

/// <summary>
/// "Simulate this subscription": a copy of a Test subscription's customer and subscription on a test clock of its own,
/// made on demand so the admin can move time for it (renewals, failures, cancellations) without touching the real
/// subscription. Each Stripe object is created with a key derived from this row's id, so a simulation interrupted
/// halfway resumes with the same objects. Recur deletes the clock (and with it the copies) when the admin is done or
/// after <see cref="SubscriptionSimulator.Lifetime"/>; Stripe may delete it first (<c>deletes_after</c>).
/// </summary>
public sealed class SubscriptionSimulation
{
    private SubscriptionSimulation()
    {
        StripeAccountId = "";
    }

    public SubscriptionSimulation(Guid tenantId, string stripeAccountId, Guid sourceSubscriptionId, DateTimeOffset now)
    {
        Id = Guid.NewGuid();
        TenantId = tenantId;
        StripeAccountId = stripeAccountId;
        SourceSubscriptionId = sourceSubscriptionId;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string StripeAccountId { get; private set; }

    /// <summary>The real subscription it copies.</summary>
    public Guid SourceSubscriptionId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public string? StripeClockId { get; private set; }

    /// <summary>Stripe's <c>deletes_after</c> of the clock.</summary>
    public DateTimeOffset? DeletesAfter { get; private set; }

    public string? StripeCustomerId { get; private set; }
    public string? StripePaymentMethodId { get; private set; }
    public string? StripeSubscriptionId { get; private set; }

    /// <summary>Recur's rows of the copies.</summary>
    public Guid? CustomerId { get; private set; }

    public Guid? SubscriptionId { get; private set; }

    /// <summary>Why Stripe refused the last attempt (shown to the admin); cleared when an attempt gets further.</summary>
    public string? Failure { get; private set; }

    /// <summary>When the clock was deleted (by Recur or by Stripe): the simulation is over.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    public bool IsReady => SubscriptionId is not null && EndedAt is null;

    public bool IsEnded => EndedAt is not null;

    public string IdempotencyKey(string step) => $"simulation-{Id}-{step}";

    public void RecordClock(string clockId, DateTimeOffset deletesAfter)
    {
        StripeClockId ??= clockId;
        DeletesAfter = deletesAfter;
    }

    public void RecordCustomer(string stripeCustomerId, Guid customerId)
    {
        StripeCustomerId = stripeCustomerId;
        CustomerId = customerId;
    }

    public void RecordPaymentMethod(string paymentMethodId) => StripePaymentMethodId ??= paymentMethodId;

    public void RecordSubscription(string stripeSubscriptionId, Guid subscriptionId)
    {
        StripeSubscriptionId = stripeSubscriptionId;
        SubscriptionId = subscriptionId;
        Failure = null;
    }

    public void RecordFailure(string message) => Failure = message;

    public void End(DateTimeOffset at) => EndedAt ??= at;
}
