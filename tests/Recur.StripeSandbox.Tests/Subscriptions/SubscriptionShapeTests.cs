using Recur.StripeSandbox.Tests.Infrastructure;

namespace Recur.StripeSandbox.Tests.Subscriptions;

/// <summary>Subscriptions and subscription items have every key of Stripe's, read as raw JSON.</summary>
public sealed class SubscriptionShapeTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Subscriptions_and_their_items_have_every_key_of_stripes()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var (customer, _) = await shop.CustomerOnClockAsync();
        var trial = await shop.SubscribeAsync(customer.Id, price.Id, trialDays: 7);
        var paid = await shop.SubscribeAsync(customer.Id, price.Id);
        await shop.PayFirstInvoiceAsync(paid);

        var subscription = await shop.GetJsonAsync($"/v1/subscriptions/{paid.Id}");
        var trialing = await shop.GetJsonAsync($"/v1/subscriptions/{trial.Id}");
        var list = await shop.GetJsonAsync($"/v1/subscriptions?customer={customer.Id}");
        var items = await shop.GetJsonAsync($"/v1/subscription_items?subscription={paid.Id}");
        var item = await shop.GetJsonAsync($"/v1/subscription_items/{paid.Items.Data[0].Id}");

        ShapeAssert.HasEveryKey("subscription", subscription);
        ShapeAssert.HasEveryKey("subscription", trialing);
        ShapeAssert.HasEveryKey("subscription", list["data"]![0]!.AsObject());
        ShapeAssert.HasEveryKey("subscription_item", subscription["items"]!["data"]![0]!.AsObject());
        ShapeAssert.HasEveryKey("subscription_item", items["data"]![0]!.AsObject());
        ShapeAssert.HasEveryKey("subscription_item", item);
        Assert.Equal("active", subscription["status"]!.ToString());
        Assert.Null(subscription["current_period_end"]);
        Assert.Equal(price.Id, item["plan"]!["id"]!.ToString());
    }
}
