using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Scheduling;
using Recur.StripeSandbox.Tests.PaymentIntents;

namespace Recur.StripeSandbox.Tests.Scheduling;

/// <summary>
/// Test clocks as stored objects (kind <c>test_helpers.test_clock</c> with Stripe's <c>frozen_time</c>), for tests that
/// need a clock before the test clocks API exists: what <see cref="SandboxClock"/> reads.
/// </summary>
public static class TestClocks
{
    public sealed record Clock(string Id, DateTimeOffset FrozenTime);

    public static Clock Create(IServiceProvider services, ConnectedShop shop, DateTimeOffset frozenTime)
    {
        var frozen = DateTimeOffset.FromUnixTimeSeconds(frozenTime.ToUnixTimeSeconds());
        var id = Ids.New("clock");
        services.GetRequiredService<SandboxStore>().Save(new StoredObject
        {
            Id = id,
            Kind = SandboxClock.TestClockKind,
            Platform = shop.Platform.Name,
            Livemode = false,
            Account = shop.AccountId,
            Created = frozen.ToUnixTimeSeconds(),
            Data = new JsonObject
            {
                ["id"] = id,
                ["object"] = "test_helpers.test_clock",
                ["frozen_time"] = frozen.ToUnixTimeSeconds(),
                ["livemode"] = false,
                ["status"] = "ready",
            },
        });
        return new Clock(id, frozen);
    }

    /// <summary>Moves a clock's frozen time on; returns the new time.</summary>
    public static DateTimeOffset Advance(IServiceProvider services, string clockId, TimeSpan by)
    {
        var store = services.GetRequiredService<SandboxStore>();
        var clock = store.Find(clockId)!;
        var data = clock.Data.DeepClone().AsObject();
        var frozen = DateTimeOffset.FromUnixTimeSeconds(JsonNumber.Read(data["frozen_time"])) + by;
        data["frozen_time"] = frozen.ToUnixTimeSeconds();
        clock.Data = data;
        store.Save(clock);
        return frozen;
    }
}
