using Recur.Web.Stripe;
using Recur.Web.Webhooks;

namespace Recur.Tests.Webhooks;

public sealed class StripeEventRetryTests
{
    [Fact]
    public void A_failing_event_is_retried_with_growing_delays_for_three_days_then_parked_and_a_replay_starts_again()
    {
        var options = new WebhookOptions();
        var start = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        var row = new StripeEvent("evt_retry", StripeEnvironment.Test, "customer.created", "acct_1", false,
            WebhookEndpointRegistration.ApiVersion, start, "{}", start);
        var now = start;
        var delays = new List<TimeSpan>();

        while (row.Status == StripeEventStatus.Pending)
        {
            row.MarkFailed("TimeoutException: Stripe did not answer", now, options);
            if (row.NextAttemptAt is { } next)
            {
                delays.Add(next - now);
                now = next;
            }
        }

        Assert.Equal(StripeEventStatus.Parked, row.Status);
        Assert.InRange(now - start, TimeSpan.FromDays(2.5), TimeSpan.FromDays(3));
        Assert.Equal(TimeSpan.FromSeconds(30), delays[0]);
        Assert.Equal(TimeSpan.FromMinutes(1), delays[1]);
        Assert.Equal(TimeSpan.FromHours(6), delays[^1]);
        Assert.All(delays.Zip(delays.Skip(1)), pair => Assert.True(pair.Second >= pair.First));
        Assert.Equal("TimeoutException: Stripe did not answer", row.LastError);
        Assert.Equal(now, row.ParkedAt);

        Assert.True(row.Replay(now));
        Assert.Equal(StripeEventStatus.Pending, row.Status);
        Assert.Equal(now, row.NextAttemptAt);
        row.MarkFailed("again", now, options);
        Assert.Equal(StripeEventStatus.Pending, row.Status);
    }

    [Fact]
    public void An_event_of_another_release_train_is_held_and_one_of_the_same_train_is_queued()
    {
        var now = DateTimeOffset.UtcNow;

        var other = new StripeEvent("evt_a", StripeEnvironment.Test, "account.updated", "acct_1", false, "2025-03-31.basil", now, "{}", now);
        var sameTrain = new StripeEvent("evt_b", StripeEnvironment.Test, "account.updated", "acct_1", false, "2026-09-30.endive", now, "{}", now);

        Assert.Equal(StripeEventStatus.Held, other.Status);
        Assert.Null(other.NextAttemptAt);
        Assert.Contains("2025-03-31.basil", other.LastError);
        Assert.Equal(StripeEventStatus.Pending, sameTrain.Status);
        Assert.Equal(now, sameTrain.NextAttemptAt);
    }
}
