using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// Events about an object that belongs to a platform or lives on a connected account (customers, payments, ...): a
/// platform's own object is announced to that platform; an object on a connected account carries <c>account</c> and
/// is announced to every platform connected to the account, as Stripe's Connect webhooks are.
/// </summary>
public static class ObjectEvents
{
    /// <summary>The platforms that hear about <paramref name="stored"/>.</summary>
    public static IReadOnlyList<string> Platforms(SandboxStore store, StoredObject stored)
    {
        if (stored.Account is null)
        {
            return stored.Platform.Length == 0 ? [] : [stored.Platform];
        }

        return store.Find(stored.Account) is { Kind: "account" } account ? AccountAccess.Platforms(account) : [];
    }

    /// <summary>Publishes <paramref name="type"/> with the object's current JSON (or <paramref name="data"/>).</summary>
    public static void Publish(this SandboxEvents events, SandboxStore store, string type, StoredObject stored,
        JsonObject? previousAttributes = null, string? idempotencyKey = null, JsonObject? data = null)
    {
        var platforms = Platforms(store, stored);
        if (platforms.Count == 0)
        {
            return;
        }

        events.Publish(type, data ?? stored.Data, stored.Livemode, stored.Account, platforms, previousAttributes, idempotencyKey);
    }

    /// <summary>Top-level fields whose value differs, with their old values: an event's <c>previous_attributes</c>.</summary>
    public static JsonObject PreviousAttributes(JsonObject before, JsonObject after)
    {
        var previous = new JsonObject();
        foreach (var key in before.Select(kv => kv.Key).Union(after.Select(kv => kv.Key)))
        {
            if (!JsonNode.DeepEquals(before[key], after[key]))
            {
                previous[key] = before[key]?.DeepClone();
            }
        }

        return previous;
    }
}

/// <summary>
/// Events decided during one step under the store's gate and published once the step is over, in order, each with a
/// copy of its object as it was when the event was added.
/// </summary>
public sealed class ObjectEventBatch
{
    private readonly List<(string Type, StoredObject Stored, JsonObject Data, JsonObject? Previous)> _events = [];

    public void Add(string type, StoredObject stored, JsonObject? previousAttributes = null) =>
        _events.Add((type, stored, stored.Data.DeepClone().AsObject(), previousAttributes?.DeepClone().AsObject()));

    public void Publish(SandboxEvents events, SandboxStore store, string? idempotencyKey = null)
    {
        foreach (var (type, stored, data, previous) in _events)
        {
            events.Publish(store, type, stored, previous, idempotencyKey, data);
        }

        _events.Clear();
    }
}
