using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;

namespace Recur.StripeSandbox.Subscriptions;

/// <summary>
/// A recurring price's billing period (<c>recurring.interval</c> × <c>interval_count</c>). Period ends are counted
/// from the billing cycle anchor, so a month anchored on the 31st ends on the last day of shorter months and returns
/// to the 31st afterwards, as Stripe bills.
/// </summary>
public sealed record BillingInterval(string Interval, long Count)
{
    public static BillingInterval Of(JsonObject price) => new(
        price["recurring"]?["interval"]?.ToString() ?? "month",
        price["recurring"]?["interval_count"] is { } count ? JsonNumber.Read(count) : 1);

    /// <summary>The end of the <paramref name="periods"/>-th period after <paramref name="anchor"/> (Unix seconds).</summary>
    public long After(long anchor, long periods)
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(anchor);
        var steps = Count * periods;
        var end = Interval switch
        {
            "day" => start.AddDays(steps),
            "week" => start.AddDays(7 * steps),
            "year" => start.AddYears((int)steps),
            _ => start.AddMonths((int)steps),
        };
        return end.ToUnixTimeSeconds();
    }

    /// <summary>Roughly how long one period is, to compare intervals (the test clock's advance limit).</summary>
    public TimeSpan Length => Interval switch
    {
        "day" => TimeSpan.FromDays(Count),
        "week" => TimeSpan.FromDays(7 * Count),
        "year" => TimeSpan.FromDays(365 * Count),
        _ => TimeSpan.FromDays(30 * Count),
    };

    /// <summary>As Stripe writes it in line descriptions: <c>month</c>, <c>3 months</c>.</summary>
    public string Label => Count == 1 ? Interval : $"{Count} {Interval}s";
}
