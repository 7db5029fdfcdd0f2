using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.WebhookEndpoints;

namespace Recur.StripeSandbox.Events;

/// <summary>
/// Creates Stripe <c>event</c> objects and hands them to <see cref="WebhookDelivery"/>. An event about a connected
/// account carries <c>account</c> and is delivered to the Connect endpoints of the platforms named; a platform's own
/// event is delivered to its account endpoints.
/// </summary>
public sealed class SandboxEvents(SandboxStore store, TimeProvider time, WebhookDelivery delivery, SandboxOptions options)
{
    /// <summary>The newest API version the sandbox knows (Stripe.net 53's). Events are created in the platform's
    /// default version, <see cref="SandboxOptions.DefaultApiVersion"/>.</summary>
    public const string ApiVersion = "2026-10-28.endive";

    public StoredObject Publish(string type, JsonObject dataObject, bool livemode, string? account,
        IReadOnlyList<string> platforms, JsonObject? previousAttributes = null, string? idempotencyKey = null)
    {
        var id = Ids.New("evt");
        var payload = dataObject.DeepClone().AsObject();
        var previous = previousAttributes?.DeepClone().AsObject();
        IncludableFields.StripForEvent(payload, previous);
        var data = new JsonObject { ["object"] = payload };
        if (previous is not null)
        {
            data["previous_attributes"] = previous;
        }

        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var body = new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = options.DefaultApiVersion,
            ["created"] = created,
            ["data"] = data,
            ["livemode"] = livemode,
            ["pending_webhooks"] = 0,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = idempotencyKey },
            ["type"] = type,
        };
        if (account is not null)
        {
            body["account"] = account;
        }

        var stored = store.Save(new StoredObject
        {
            Id = id,
            Kind = "event",
            Platform = platforms.Count == 1 ? platforms[0] : "",
            Livemode = livemode,
            Account = account,
            Created = created,
            Data = body,
            Meta = new JsonObject { ["platforms"] = new JsonArray(platforms.Select(p => (JsonNode)p).ToArray()) },
        });
        delivery.Enqueue(stored);
        return stored;
    }
}
