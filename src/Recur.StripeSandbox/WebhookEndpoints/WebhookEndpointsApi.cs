using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.WebhookEndpoints;

/// <summary>
/// <c>/v1/webhook_endpoints</c>: a platform's endpoints, each either an account endpoint (the platform's own events)
/// or, with <c>connect=true</c>, a Connect endpoint (events of its connected accounts). The signing secret is returned
/// once, on create. Whether an endpoint is a Connect endpoint is kept in its bookkeeping, since Stripe's object does
/// not show it. Endpoints belong to platforms only: the sandbox refuses <c>Stripe-Account</c> here.
/// </summary>
public static class WebhookEndpointsApi
{
    public const string Kind = "webhook_endpoint";
    private const string Url = "/v1/webhook_endpoints";

    private static readonly string[] CreateParameters =
        ["url", "enabled_events", "connect", "api_version", "description", "metadata", "expand"];

    private static readonly string[] UpdateParameters =
        ["url", "enabled_events", "disabled", "description", "metadata", "expand"];

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var endpoints = app.MapGroup(Url);
        endpoints.MapPost("", Create);
        endpoints.MapGet("", List);
        endpoints.MapGet("/{id}", Retrieve);
        endpoints.MapPost("/{id}", Update);
        endpoints.MapDelete("/{id}", Delete);
        return app;
    }

    /// <summary>The endpoint's signing secret, <c>whsec_…</c>.</summary>
    public static string Secret(StoredObject endpoint) => endpoint.Meta["secret"]!.ToString();

    public static bool IsConnect(StoredObject endpoint) => endpoint.Meta["connect"]?.GetValue<bool>() == true;

    public static bool IsEnabled(StoredObject endpoint) => endpoint.Data["status"]?.ToString() == "enabled";

    public static bool Subscribes(StoredObject endpoint, string eventType) =>
        endpoint.Data["enabled_events"] is JsonArray events
        && events.Any(e => e?.ToString() is EventTypes.All || e?.ToString() == eventType);

    private static IResult Create(StripeRequest request)
    {
        var error = RefuseConnectedAccount(request) ?? CheckParameters(request, CreateParameters);
        if (error is not null)
        {
            return error;
        }

        var url = request.Params.String("url");
        if (string.IsNullOrEmpty(url))
        {
            return StripeErrors.MissingParameter("url");
        }

        var enabledEvents = request.Params.Strings("enabled_events");
        if (enabledEvents.Count == 0)
        {
            return StripeErrors.MissingParameter("enabled_events");
        }

        if (!request.Params.TryBool("connect", out var connect))
        {
            return StripeErrors.InvalidRequest($"Invalid boolean: {request.Params.String("connect")}", "connect");
        }

        var apiVersion = request.Params.String("api_version");
        if (apiVersion is not null && !StripeApiVersions.Known.Contains(apiVersion))
        {
            return StripeErrors.InvalidRequest($"Invalid api_version: {apiVersion}", "api_version");
        }

        error = CheckUrl(url) ?? CheckEvents(enabledEvents);
        if (error is not null)
        {
            return error;
        }

        var id = Ids.New("we");
        var secret = Ids.Secret("whsec");
        var data = new JsonObject
        {
            ["id"] = id,
            ["object"] = "webhook_endpoint",
            ["api_version"] = apiVersion,
            ["application"] = null,
            ["created"] = request.Now,
            ["description"] = NullIfEmpty(request.Params.String("description")),
            ["enabled_events"] = ToArray(enabledEvents),
            ["livemode"] = request.Caller.Livemode,
            ["metadata"] = request.Params.MergeMetadata(null),
            ["status"] = "enabled",
            ["url"] = url,
        };
        var stored = request.NewObject(Kind, id, data);
        stored.Meta = new JsonObject { ["secret"] = secret, ["connect"] = connect ?? false };
        request.Store.Save(stored);

        var created = new JsonObject();
        foreach (var (name, value) in data)
        {
            if (name == "status")
            {
                created["secret"] = secret;
            }

            created[name] = value?.DeepClone();
        }

        return request.Respond(created);
    }

    private static IResult List(StripeRequest request) =>
        request.RespondList(request.Store.All(Kind, request.Caller.CanSee), Url);

    private static IResult Retrieve(string id, StripeRequest request) =>
        request.Find(id, Kind) is { } endpoint ? request.Respond(endpoint.Data) : NotFound(id);

    private static IResult Update(string id, StripeRequest request)
    {
        var error = CheckParameters(request, UpdateParameters);
        if (error is not null)
        {
            return error;
        }

        if (!request.Params.TryBool("disabled", out var disabled))
        {
            return StripeErrors.InvalidRequest($"Invalid boolean: {request.Params.String("disabled")}", "disabled");
        }

        var url = request.Params.String("url");
        var enabledEvents = request.Params.Has("enabled_events") ? request.Params.Strings("enabled_events") : null;
        error = (url is null ? null : CheckUrl(url)) ?? (enabledEvents is null ? null : CheckEvents(enabledEvents));
        if (error is not null)
        {
            return error;
        }

        lock (request.Store.Gate)
        {
            if (request.Find(id, Kind) is not { } endpoint)
            {
                return NotFound(id);
            }

            var data = endpoint.Data.DeepClone().AsObject();
            if (url is not null)
            {
                data["url"] = url;
            }

            if (enabledEvents is { Count: > 0 })
            {
                data["enabled_events"] = ToArray(enabledEvents);
            }

            if (request.Params.Has("description"))
            {
                data["description"] = NullIfEmpty(request.Params.String("description"));
            }

            if (request.Params.Has("metadata"))
            {
                data["metadata"] = request.Params.MergeMetadata(data["metadata"] as JsonObject);
            }

            if (disabled is not null)
            {
                data["status"] = disabled.Value ? "disabled" : "enabled";
            }

            endpoint.Data = data;
            request.Store.Save(endpoint);
            return request.Respond(data);
        }
    }

    private static IResult Delete(string id, StripeRequest request)
    {
        lock (request.Store.Gate)
        {
            if (request.Find(id, Kind) is null)
            {
                return NotFound(id);
            }

            request.Store.Delete(id);
        }

        return new StripeJsonResult(new JsonObject { ["id"] = id, ["object"] = "webhook_endpoint", ["deleted"] = true });
    }

    private static IResult? RefuseConnectedAccount(StripeRequest request) =>
        request.Caller.StripeAccount is null
            ? null
            : StripeErrors.InvalidRequest(
                "The sandbox keeps webhook endpoints on platforms only: create them without the Stripe-Account header, with connect=true to receive your connected accounts' events.");

    private static IResult? CheckParameters(StripeRequest request, string[] allowed)
    {
        var unknown = request.Params.Root.Select(p => p.Key).FirstOrDefault(name => !allowed.Contains(name));
        return unknown is null
            ? null
            : StripeErrors.InvalidRequest($"Received unknown parameter: {unknown}", unknown, "parameter_unknown");
    }

    private static IResult? CheckUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? null
            : StripeErrors.InvalidRequest($"Invalid URL: {url}. URLs must be absolute and use http or https.", "url", "url_invalid");

    private static IResult? CheckEvents(IReadOnlyList<string> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] != EventTypes.All && !EventTypes.Known.Contains(events[i]))
            {
                return StripeErrors.InvalidRequest(
                    $"Invalid enabled_events[{i}]: must be * or the name of an event type, such as account.updated (got '{events[i]}')",
                    $"enabled_events[{i}]");
            }
        }

        return null;
    }

    private static IResult NotFound(string id) => StripeErrors.NotFound("webhook endpoint", id);

    private static JsonArray ToArray(IEnumerable<string> values) => new(values.Distinct().Select(v => (JsonNode)v).ToArray());

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
