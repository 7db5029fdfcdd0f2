using FsCheck;
using FsCheck.Fluent;
using Recur.Web.Stripe;
using Recur.Web.Subscriptions;
using StripeSubscription = global::Stripe.Subscription;

namespace Recur.Tests.Subscriptions;

/// <summary>
/// Every webhook about a subscription makes Recur read it from Stripe, and reads land in whatever order the events
/// (and the confirmation page, and "Sync from Stripe") happen to run. Property: any order of a subscription's reads,
/// with duplicates, leaves Recur where reading them in order does — Stripe's latest state.
/// </summary>
public sealed class SubscriptionHistoryProperties
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>What can happen to a subscription at Stripe; a step that does not fit the current state is skipped.</summary>
    private enum Change { Pay, StartTrial, EndTrial, Renew, RenewalFails, Recover, GiveUp, Pause, Resume, ScheduleCancel, Unschedule, CancelNow, Expire, Processing }

    /// <summary>Stripe's side of the subscription at one moment, and when Recur read it.</summary>
    private sealed record Read(DateTimeOffset At, string Status, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd,
        DateTimeOffset? TrialEnd, bool CancelAtPeriodEnd, DateTimeOffset? CanceledAt, string LatestPayment)
    {
        public StripeSubscription ToStripe() => new()
        {
            Id = "sub_1",
            Status = Status,
            TrialEnd = TrialEnd?.UtcDateTime,
            CancelAtPeriodEnd = CancelAtPeriodEnd,
            CancelAt = CancelAtPeriodEnd ? PeriodEnd.UtcDateTime : null,
            CanceledAt = CanceledAt?.UtcDateTime,
            EndedAt = CanceledAt?.UtcDateTime,
            Items = new global::Stripe.StripeList<global::Stripe.SubscriptionItem>
            {
                Data = [new global::Stripe.SubscriptionItem { CurrentPeriodStart = PeriodStart.UtcDateTime, CurrentPeriodEnd = PeriodEnd.UtcDateTime }],
            },
        };
    }

    /// <summary>Plays the changes as Stripe would, one read after each (an hour apart, periods a month long).</summary>
    private static List<Read> History(IEnumerable<Change> changes)
    {
        var read = new Read(T0, "incomplete", T0, T0.AddMonths(1), null, false, null, "requires_payment_method");
        var reads = new List<Read> { read };
        foreach (var change in changes)
        {
            var at = read.At.AddHours(1);
            Read? next = (change, read.Status) switch
            {
                (_, "canceled" or "incomplete_expired") => null,
                (Change.Pay, "incomplete") => read with { Status = "active", LatestPayment = "succeeded" },
                (Change.Processing, "incomplete") => read with { LatestPayment = "processing" },
                (Change.Expire, "incomplete") => read with { Status = "incomplete_expired", CanceledAt = at },
                (Change.StartTrial, "incomplete") => read with { Status = "trialing", TrialEnd = read.PeriodEnd, LatestPayment = "succeeded" },
                (Change.EndTrial, "trialing") => read with { Status = "active", TrialEnd = read.TrialEnd },
                (Change.Renew, "active") => read with
                {
                    PeriodStart = read.PeriodEnd, PeriodEnd = read.PeriodEnd.AddMonths(1), LatestPayment = "succeeded",
                },
                (Change.RenewalFails, "active") => read with
                {
                    Status = "past_due", PeriodStart = read.PeriodEnd, PeriodEnd = read.PeriodEnd.AddMonths(1), LatestPayment = "requires_payment_method",
                },
                (Change.Recover, "past_due" or "unpaid") => read with { Status = "active", LatestPayment = "succeeded" },
                (Change.GiveUp, "past_due") => read with { Status = "unpaid" },
                (Change.Pause, "active" or "trialing") => read with { Status = "paused" },
                (Change.Resume, "paused") => read with { Status = "active" },
                (Change.ScheduleCancel, "active" or "trialing" or "past_due") => read with { CancelAtPeriodEnd = true },
                (Change.Unschedule, "active" or "trialing" or "past_due") => read with { CancelAtPeriodEnd = false },
                (Change.CancelNow, _) => read with { Status = "canceled", CanceledAt = at, CancelAtPeriodEnd = false },
                _ => null,
            };
            if (next is not null)
            {
                read = next with { At = at };
                reads.Add(read);
            }
        }
        return reads;
    }

    private static Subscription Apply(IEnumerable<Read> reads)
    {
        var subscription = new Subscription(Guid.NewGuid(), StripeEnvironment.Test, "acct_1", "sub_1", Guid.NewGuid(), Guid.NewGuid(),
            null, "card", SubscriptionStatus.Incomplete, T0);
        foreach (var read in reads)
        {
            SubscriptionSync.ApplySubscription(subscription, read.ToStripe(), read.At);
            subscription.ApplyLatestPayment(read.LatestPayment, null, read.At);
        }
        return subscription;
    }

    private static object State(Subscription s) => new
    {
        s.Status, s.CurrentPeriodStart, s.CurrentPeriodEnd, s.TrialEnd, s.CancelAtPeriodEnd, s.CancelAt, s.CanceledAt, s.EndedAt,
        s.LatestPaymentStatus,
    };

    /// <summary>A history, and an arrival order of its reads: each read at least once, some twice or more, shuffled.</summary>
    private static readonly Gen<(List<Read> History, Read[] Arrivals)> Deliveries =
        from changes in Gen.ListOf(Gen.Elements(Enum.GetValues<Change>()))
        let history = History(changes)
        from extra in Gen.ListOf(Gen.Choose(0, history.Count - 1))
        from arrivals in Gen.Shuffle(history.Concat(extra.Select(i => history[i])))
        select (history, arrivals);

    [Fact]
    public void Reads_in_any_order_with_duplicates_end_in_the_same_state_as_in_order()
    {
        var property = Prop.ForAll(Arb.From(Deliveries), delivery =>
        {
            var inOrder = State(Apply(delivery.History));
            var shuffled = State(Apply(delivery.Arrivals));
            return inOrder.Equals(shuffled).Label($"in order: {inOrder}; as delivered: {shuffled}");
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2_000), property);
    }

    [Fact]
    public void Reads_in_order_end_in_stripes_latest_state()
    {
        var property = Prop.ForAll(Arb.From(Deliveries), delivery =>
        {
            var latest = delivery.History[^1];
            var subscription = Apply(delivery.History);
            return (Subscription.ToStripe(subscription.Status) == latest.Status
                    && subscription.CancelAtPeriodEnd == latest.CancelAtPeriodEnd
                    && subscription.CurrentPeriodEnd == latest.PeriodEnd
                    && subscription.LatestPaymentStatus == latest.LatestPayment)
                .Label($"latest at Stripe: {latest}; in Recur: {State(subscription)}");
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2_000), property);
    }
}
