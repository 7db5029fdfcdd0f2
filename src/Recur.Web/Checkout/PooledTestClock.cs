namespace Recur.Web.Checkout;

/// <summary>
/// A Stripe test clock made ahead of time on a connected account (Test environment), waiting for a checkout's new
/// customer. The row exists before the clock: the clock is created with an idempotency key derived from the row's
/// id, so a top-up interrupted halfway makes the same clock when it runs again. Taken by exactly one order.
/// </summary>
public sealed class PooledTestClock
{
    private PooledTestClock()
    {
        StripeAccountId = "";
    }

    public PooledTestClock(string stripeAccountId, DateTimeOffset now)
    {
        Id = Guid.NewGuid();
        StripeAccountId = stripeAccountId;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public string StripeAccountId { get; private set; }

    /// <summary><c>clock_…</c> once Stripe made it.</summary>
    public string? StripeClockId { get; private set; }

    /// <summary>The clock's time when it was made: a customer attached to it starts there.</summary>
    public DateTimeOffset? FrozenTime { get; private set; }

    /// <summary>Stripe's <c>deletes_after</c>: the clock, and any customer on it, is deleted then.</summary>
    public DateTimeOffset? DeletesAfter { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The order whose customer got this clock.</summary>
    public Guid? OrderId { get; private set; }

    public DateTimeOffset? TakenAt { get; private set; }

    public string IdempotencyKey => $"test-clock-pool-{Id}";

    /// <summary>A clock made for the order itself, because the pool was empty: recorded as taken, so a retry of the
    /// order finds the same clock.</summary>
    public static PooledTestClock MadeFor(Guid orderId, string stripeAccountId, string stripeClockId, DateTimeOffset frozenTime,
        DateTimeOffset deletesAfter, DateTimeOffset now)
    {
        var clock = new PooledTestClock(stripeAccountId, now) { OrderId = orderId, TakenAt = now };
        clock.RecordCreated(stripeClockId, frozenTime, deletesAfter);
        return clock;
    }

    public void RecordCreated(string stripeClockId, DateTimeOffset frozenTime, DateTimeOffset deletesAfter)
    {
        StripeClockId = stripeClockId;
        FrozenTime = frozenTime;
        DeletesAfter = deletesAfter;
    }
}
