using System.Text.Json.Nodes;
using Recur.StripeSandbox.Tests.Events;

namespace Recur.StripeSandbox.Tests.PaymentIntents;

/// <summary>
/// Compares an object the sandbox returned with Stripe's example of it in <c>fixtures3.json</c>: every key of the
/// example must be there, nested objects included where both sides have an object (a null where the example shows a
/// hash is Stripe's own "not set"; example metadata is not shape). Keys that hold one payment method type's details (<c>card</c>,
/// <c>sepa_debit</c>) are left out for objects of another type, which carry their own hash instead.
/// </summary>
public static class FixtureShapes
{
    public static void AssertShape(string resource, JsonObject actual, params string[] otherTypeKeys)
    {
        var fixture = StripeFixture.Resource(resource).DeepClone().AsObject();
        foreach (var path in otherTypeKeys)
        {
            var segments = path.Split('.');
            var parent = segments[..^1].Aggregate((JsonNode?)fixture, (node, key) => node?[key]) as JsonObject;
            parent?.Remove(segments[^1]);
        }

        ClearMetadata(fixture);
        var missing = StripeFixture.MissingKeys(fixture, actual);
        Assert.True(missing.Count == 0, $"{resource} lacks: {string.Join(", ", missing)}");
        Assert.Equal(fixture["object"]?.ToString(), actual["object"]?.ToString());
    }

    /// <summary>Metadata holds the example's own keys, not part of the shape.</summary>
    private static void ClearMetadata(JsonObject node)
    {
        foreach (var (key, value) in node.ToList())
        {
            if (key == "metadata" && value is JsonObject)
            {
                node[key] = new JsonObject();
            }
            else if (value is JsonObject child)
            {
                ClearMetadata(child);
            }
        }
    }

    /// <summary>The keys Stripe documents for a type's own hash, e.g. <c>bacs_debit</c> on a PaymentMethod.</summary>
    public static void AssertKeys(JsonNode? node, params string[] keys)
    {
        var obj = Assert.IsType<JsonObject>(node);
        var missing = keys.Where(k => !obj.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, $"missing: {string.Join(", ", missing)}");
    }
}
