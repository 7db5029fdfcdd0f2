using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Stripe;
using global::Stripe;

namespace Recur.Web.Webhooks;

/// <summary>
/// <c>POST /webhooks/stripe/test</c> and <c>/production</c>: verify the signature on the raw body, refuse events
/// of the other mode, store each event once, answer, and let <see cref="StripeEventProcessor"/> apply it.
/// </summary>
public static partial class StripeWebhookEndpoints
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ConnectEvents>();
        builder.Services.AddSingleton<StripeEventProcessor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StripeEventProcessor>());
        return builder;
    }

    public static WebApplication MapWebhooks(this WebApplication app)
    {
        var group = app.MapGroup("/webhooks/stripe").DisableAntiforgery().AllowAnonymous().WithTags("Webhooks");
        foreach (var environment in StripeEnvironmentNames.All)
        {
            group.MapPost("/" + environment.ToSlug(),
                (HttpRequest request, AppDbContext db, StripeClients clients, WebhookSecrets secrets,
                    StripeEventProcessor processor, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken) =>
                    ReceiveAsync(environment, request, db, clients, secrets, processor, time, loggers.CreateLogger(typeof(StripeWebhookEndpoints)), cancellationToken));
        }
        return app;
    }

    private static async Task<Results<Ok, ProblemHttpResult>> ReceiveAsync(
        StripeEnvironment environment,
        HttpRequest request,
        AppDbContext db,
        StripeClients clients,
        WebhookSecrets secrets,
        StripeEventProcessor processor,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var secret = clients.Options(environment).WebhookSecret;
        if (string.IsNullOrWhiteSpace(secret))
        {
            secret = secrets.Get(environment);
        }
        if (secret is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Webhook endpoint not ready.", detail: "Recur has no signing secret for this environment yet.");
        }

        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync(cancellationToken);
        var signature = request.Headers["Stripe-Signature"].ToString();

        Event stripeEvent;
        try
        {
            var utcNow = time.GetUtcNow().ToUnixTimeSeconds();
            EventUtility.ValidateSignature(json, signature, secret, EventUtility.DefaultTimeTolerance, utcNow);
            if (!IsEventShaped(json))
            {
                throw new ArgumentException("The payload is not a Stripe event.", nameof(json));
            }
            stripeEvent = EventUtility.ConstructEvent(json, signature, secret,
                tolerance: EventUtility.DefaultTimeTolerance, utcNow: utcNow);
        }
        catch (StripeException exception)
        {
            LogRejected(logger, environment, "signature");
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid Stripe event.", detail: exception.Message);
        }
        catch (Exception exception) when (exception is ArgumentException or JsonException or Newtonsoft.Json.JsonException)
        {
            LogRejected(logger, environment, "payload");
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid Stripe event.", detail: "The payload is not a Stripe event.");
        }

        if (stripeEvent.Livemode != environment.IsLivemode())
        {
            LogRejected(logger, environment, "livemode");
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: "Wrong mode for this endpoint.",
                detail: $"This endpoint takes only {(environment.IsLivemode() ? "live" : "test")} events (livemode={environment.IsLivemode().ToString().ToLowerInvariant()}).");
        }

        if (await db.StripeEvents.AnyAsync(e => e.Id == stripeEvent.Id, cancellationToken))
        {
            LogDuplicate(logger, stripeEvent.Id);
            return TypedResults.Ok();
        }
        db.StripeEvents.Add(new StripeEvent(stripeEvent.Id, environment, stripeEvent.Type, stripeEvent.Account,
            stripeEvent.Livemode, new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc)), json, time.GetUtcNow()));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (!await db.StripeEvents.AnyAsync(e => e.Id == stripeEvent.Id, cancellationToken))
            {
                throw;
            }
            // The same event arrived twice at once; the other request stored it.
            LogDuplicate(logger, stripeEvent.Id);
            return TypedResults.Ok();
        }
        LogStored(logger, stripeEvent.Id, stripeEvent.Type, environment);
        processor.Wake();
        return TypedResults.Ok();
    }

    /// <summary>
    /// Whether a signed body has the fields every Stripe event has, so that parsing it cannot fail half-way (Stripe.net
    /// throws a NullReferenceException for an event without <c>api_version</c>) and its id fits the events table.
    /// </summary>
    private static bool IsEventShaped(string json)
    {
        try
        {
            return JsonNode.Parse(json) is JsonObject e
                && e["id"] is JsonValue id && id.TryGetValue<string>(out var text) && text.Length is > 0 and <= 255
                && e["type"] is JsonValue type && type.TryGetValue<string>(out _)
                && e["api_version"] is JsonValue version && version.TryGetValue<string>(out _)
                && e["created"] is JsonValue created && created.TryGetValue<long>(out _)
                && e["livemode"] is JsonValue livemode && livemode.TryGetValue<bool>(out _)
                && e["data"] is JsonObject { } data && data["object"] is JsonObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event refused on the {Environment} endpoint: {Reason}")]
    private static partial void LogRejected(ILogger logger, StripeEnvironment environment, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} already stored")]
    private static partial void LogDuplicate(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} ({Type}) stored from the {Environment} endpoint")]
    private static partial void LogStored(ILogger logger, string eventId, string type, StripeEnvironment environment);
}
