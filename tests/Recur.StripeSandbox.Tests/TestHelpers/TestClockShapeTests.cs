using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.Subscriptions;

namespace Recur.StripeSandbox.Tests.TestHelpers;

/// <summary>Test clocks, listed and deleted, have every key of Stripe's, read as raw JSON.</summary>
public sealed class TestClockShapeTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Test_clocks_and_deleted_test_clocks_have_every_key_of_stripes()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var created = await shop.ClockAsync();

        var clock = await shop.GetJsonAsync($"/v1/test_helpers/test_clocks/{created.Id}");
        var list = await shop.GetJsonAsync("/v1/test_helpers/test_clocks");
        var deleted = await shop.DeleteJsonAsync($"/v1/test_helpers/test_clocks/{created.Id}");

        ShapeAssert.HasEveryKey("test_helpers.test_clock", clock);
        ShapeAssert.HasEveryKey("test_helpers.test_clock", list["data"]![0]!.AsObject());
        ShapeAssert.HasEveryKey("deleted_test_helpers.test_clock", deleted);
    }
}
