using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Events;

/// <summary>
/// <c>GET /v1/events</c> and <c>GET /v1/events/{id}</c>. Without <c>Stripe-Account</c> a platform sees its own
/// events; with it, the events of that connected account that were sent to the platform (as Stripe does, connected
/// accounts' events are not mixed into the platform's list). Newest first, with <c>created</c> bounds and cursor
/// pagination; only events of the last 30 days are listed or retrieved (https://docs.stripe.com/api/events/list).
/// </summary>
public static class EventsApi
{
    public const string Kind = "event";
    private const string Url = "/v1/events";

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup(Url);
        events.MapGet("", List);
        events.MapGet("/{id}", Retrieve);
        return app;
    }

    /// <summary>The platforms an event was sent to.</summary>
    public static IReadOnlyList<string> Platforms(StoredObject storedEvent) =>
        storedEvent.Meta["platforms"] is JsonArray platforms ? platforms.Select(p => p!.ToString()).ToList() : [];

    /// <summary>How far back Stripe keeps events for the API.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    private static bool Visible(StripeRequest request, StoredObject storedEvent) =>
        storedEvent.Livemode == request.Caller.Livemode && storedEvent.Account == request.Caller.StripeAccount
        && Platforms(storedEvent).Contains(request.Caller.Platform)
        && storedEvent.Created >= request.Now - (long)Retention.TotalSeconds;

    private static IResult Retrieve(string id, StripeRequest request)
    {
        var stored = request.Store.Find(id);
        return stored is { Kind: Kind } && Visible(request, stored)
            ? request.Respond(stored.Data)
            : StripeErrors.NotFound("event", id);
    }

    private static IResult List(StripeRequest request)
    {
        var parameters = request.Params;
        var type = parameters.String("type");
        var types = parameters.Strings("types");
        if (type is not null && types.Count > 0)
        {
            return StripeErrors.InvalidRequest("You may only specify one of these parameters: type, types.", "types");
        }

        if (types.Count > 20)
        {
            return StripeErrors.InvalidRequest("You may pass at most 20 event types in types.", "types");
        }

        var created = CreatedFilter.Parse(parameters);
        if (created.Error is not null)
        {
            return created.Error;
        }

        if (!parameters.TryBool("delivery_success", out var deliverySuccess))
        {
            return StripeErrors.InvalidRequest($"Invalid boolean: {parameters.String("delivery_success")}", "delivery_success");
        }

        var typePattern = type is null ? null : TypePattern(type);
        var events = request.Store.All(Kind, e =>
        {
            if (!Visible(request, e) || !created.Matches(e.Created))
            {
                return false;
            }

            var eventType = e.Data["type"]?.ToString() ?? "";
            if (typePattern is not null && !typePattern.IsMatch(eventType))
            {
                return false;
            }

            if (types.Count > 0 && !types.Contains(eventType))
            {
                return false;
            }

            var pending = JsonNumber.Read(e.Data["pending_webhooks"]);
            return deliverySuccess is null || deliverySuccess == (pending == 0);
        });
        return request.RespondList(events, Url);
    }

    /// <summary><c>type</c> may name one event type or a group with <c>*</c> as a wildcard, e.g. <c>account.*</c>.</summary>
    private static Regex TypePattern(string type) =>
        new("^" + string.Join(".*", type.Split('*').Select(Regex.Escape)) + "$", RegexOptions.CultureInvariant);
}
