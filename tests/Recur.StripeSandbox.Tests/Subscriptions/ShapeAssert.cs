using System.Text.Json.Nodes;
using Recur.StripeSandbox.Tests.Events;

namespace Recur.StripeSandbox.Tests.Subscriptions;

/// <summary>An object has every key of Stripe's example of it in <c>fixtures3.json</c>, nested objects included.</summary>
public static class ShapeAssert
{
    public static void HasEveryKey(string resource, JsonObject actual)
    {
        var fixture = StripeFixture.Resource(resource);
        var missing = StripeFixture.MissingKeys(fixture, actual);
        Assert.True(missing.Count == 0, $"{resource} lacks: {string.Join(", ", missing)}");
        if (fixture["object"] is { } type)
        {
            Assert.Equal(type.ToString(), actual["object"]!.ToString());
        }
    }
}
