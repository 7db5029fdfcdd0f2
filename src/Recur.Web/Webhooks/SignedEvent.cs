using System.Text.Json;
using System.Text.Json.Nodes;

namespace Recur.Web.Webhooks;

/// <summary>
/// The envelope of a Stripe event, read from a verified body whatever API version it is rendered in: what the inbox
/// keeps in its columns. The object itself stays in the payload, parsed by Stripe.net when the event is applied.
/// </summary>
public sealed record SignedEvent(string Id, string Type, string? Account, bool Livemode, string ApiVersion, DateTimeOffset Created)
{
    /// <summary>Null unless the body has every field a Stripe event has (so nothing can fail half-way later) and
    /// its id fits the events table.</summary>
    public static SignedEvent? Parse(string json)
    {
        try
        {
            if (JsonNode.Parse(json) is not JsonObject e
                || e["id"] is not JsonValue id || !id.TryGetValue<string>(out var eventId) || eventId.Length is 0 or > 255
                || e["type"] is not JsonValue type || !type.TryGetValue<string>(out var eventType) || eventType.Length is 0 or > 255
                || e["api_version"] is not JsonValue version || !version.TryGetValue<string>(out var apiVersion) || apiVersion.Length > 50
                || e["created"] is not JsonValue created || !created.TryGetValue<long>(out var createdAt)
                || createdAt is < 0 or > 253_402_300_799
                || e["livemode"] is not JsonValue livemode || !livemode.TryGetValue<bool>(out var isLive)
                || e["data"] is not JsonObject data || data["object"] is not JsonObject)
            {
                return null;
            }
            string? account = null;
            if (e["account"] is JsonValue accountValue && (!accountValue.TryGetValue(out account) || account.Length > 255))
            {
                return null;
            }
            return new SignedEvent(eventId, eventType, account, isLive, apiVersion, DateTimeOffset.FromUnixTimeSeconds(createdAt));
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
