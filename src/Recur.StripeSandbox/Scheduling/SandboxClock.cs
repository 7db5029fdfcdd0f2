using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Scheduling;

/// <summary>
/// "Now" for an object, as Stripe sees it: the frozen time of the test clock its customer is attached to
/// (<c>customer.test_clock</c>), otherwise the sandbox's <see cref="TimeProvider"/>. Test clocks are stored objects of
/// kind <see cref="TestClockKind"/> whose JSON carries Stripe's <c>frozen_time</c> (Unix seconds).
/// </summary>
public sealed class SandboxClock(SandboxStore store, TimeProvider time)
{
    public const string TestClockKind = "test_helpers.test_clock";

    /// <summary>Real (or the sandbox's fake) time, for objects on no test clock.</summary>
    public DateTimeOffset UtcNow => time.GetUtcNow();

    /// <summary>The test clock a customer is attached to; null for none, an unknown or a deleted customer.</summary>
    public string? TestClockOf(string? customerId)
    {
        if (customerId is null || store.Find(customerId) is not { Kind: "customer" } customer)
        {
            return null;
        }

        return customer.Data["test_clock"] is { } clock && clock.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? clock.ToString()
            : null;
    }

    /// <summary>The current time for a customer's objects: its test clock's frozen time, or now.</summary>
    public DateTimeOffset NowFor(string? customerId) => NowForClock(TestClockOf(customerId));

    /// <summary>A test clock's frozen time; now when <paramref name="testClockId"/> is null or unknown.</summary>
    public DateTimeOffset NowForClock(string? testClockId)
    {
        if (testClockId is not null && store.Find(testClockId) is { Kind: TestClockKind } clock
            && clock.Data["frozen_time"] is { } frozen)
        {
            return DateTimeOffset.FromUnixTimeSeconds(JsonNumber.Read(frozen));
        }

        return time.GetUtcNow();
    }
}
