using Microsoft.AspNetCore.Http.HttpResults;
using Recur.Web.Stripe;
using global::Stripe;

namespace Recur.Web.Webhooks;

/// <summary>
/// <c>POST /webhooks/stripe/test</c> and <c>/production</c>: verify the signature on the raw body, store each event
/// once, answer, and let <see cref="StripeEventProcessor"/> apply it. Only a forged, stale or malformed request gets
/// a 4xx: a genuine event of the other mode or of another API version gets a 2xx and is counted or held.
/// </summary>
public static partial class StripeWebhookEndpoints
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().Bind(builder.Configuration.GetSection(WebhookOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<WebhookOptions>, WebhookOptionsValidation>();
        builder.Services.AddScoped<StripeEventInbox>();
        builder.Services.AddScoped<ConnectEvents>();
        builder.Services.AddSingleton<StripeEventProcessor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StripeEventProcessor>());
        builder.Services.AddSingleton<StripeEventCatchUp>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StripeEventCatchUp>());
        builder.Services.AddHealthChecks().AddCheck<StripeEventInboxHealthCheck>("webhooks");
        builder.AddPlatformOperators();
        return builder;
    }

    public static WebApplication MapWebhooks(this WebApplication app)
    {
        var group = app.MapGroup("/webhooks/stripe").DisableAntiforgery().AllowAnonymous().WithTags("Webhooks");
        foreach (var environment in StripeEnvironmentNames.All)
        {
            group.MapPost("/" + environment.ToSlug(),
                (HttpRequest request, StripeEventInbox inbox, StripeClients clients, WebhookSecrets secrets,
                    StripeEventProcessor processor, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken) =>
                    ReceiveAsync(environment, request, inbox, clients, secrets, processor, time, loggers.CreateLogger(typeof(StripeWebhookEndpoints)), cancellationToken));
        }
        return app;
    }

    private static async Task<Results<Ok, ProblemHttpResult>> ReceiveAsync(
        StripeEnvironment environment,
        HttpRequest request,
        StripeEventInbox inbox,
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

        SignedEvent? stripeEvent;
        try
        {
            EventUtility.ValidateSignature(json, signature, secret, EventUtility.DefaultTimeTolerance, time.GetUtcNow().ToUnixTimeSeconds());
            // Read without Stripe.net's typed parsing, which refuses other API versions: an event of another version
            // is stored and held for the operator, never refused (Stripe would retry it, then disable the endpoint).
            stripeEvent = SignedEvent.Parse(json);
        }
        catch (StripeException exception)
        {
            LogRejected(logger, environment, "signature");
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid Stripe event.", detail: exception.Message);
        }
        if (stripeEvent is null)
        {
            LogRejected(logger, environment, "payload");
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid Stripe event.", detail: "The payload is not a Stripe event.");
        }

        if (stripeEvent.Livemode != environment.IsLivemode())
        {
            // Stripe sends the test events of an account connected in live mode to the live Connect endpoint too
            // (https://support.stripe.com/questions/connect-account-webhook-configurations): a 2xx, counted, not applied.
            await inbox.CountWrongModeAsync(environment, stripeEvent, cancellationToken);
            return TypedResults.Ok();
        }

        var stored = await inbox.StoreAsync(environment, stripeEvent, json, StripeEventSource.Webhook, cancellationToken);
        if (stored)
        {
            processor.Wake();
        }
        return TypedResults.Ok();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event refused on the {Environment} endpoint: {Reason}")]
    private static partial void LogRejected(ILogger logger, StripeEnvironment environment, string reason);
}
