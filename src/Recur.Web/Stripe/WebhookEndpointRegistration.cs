using global::Stripe;

namespace Recur.Web.Stripe;

/// <summary>
/// Once Recur listens, registers its Connect webhook routes through Stripe.net for every environment whose
/// signing secret is not configured: old endpoints pointing at the same URL are deleted, a new Connect endpoint
/// for every event is created, and its secret is kept in <see cref="WebhookSecrets"/>.
/// </summary>
public sealed partial class WebhookEndpointRegistration(
    IHostApplicationLifetime lifetime,
    StripeClients clients,
    WebhookSecrets secrets,
    RecurUrls urls,
    TimeProvider time,
    ILogger<WebhookEndpointRegistration> logger) : BackgroundService
{
    /// <summary>The API version of the endpoints Recur creates: Stripe.net 53 parses only this release train.</summary>
    public const string ApiVersion = "2026-10-28.endive";

    public static string PathFor(StripeEnvironment environment) => "/webhooks/stripe/" + environment.ToSlug();

    public IEnumerable<StripeEnvironment> EnvironmentsToRegister =>
        StripeEnvironmentNames.All.Where(e => string.IsNullOrWhiteSpace(clients.Options(e).WebhookSecret));

    /// <summary>True when every environment that needs a registered endpoint has one.</summary>
    public bool IsComplete => EnvironmentsToRegister.All(e => secrets.Get(e) is not null);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!EnvironmentsToRegister.Any())
        {
            return;
        }
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        foreach (var environment in EnvironmentsToRegister)
        {
            var delay = TimeSpan.FromMilliseconds(200);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RegisterAsync(environment, stoppingToken);
                    break;
                }
                catch (Exception exception) when (exception is StripeException or HttpRequestException or InvalidOperationException)
                {
                    LogRegistrationFailed(logger, environment, exception.GetType().Name);
                    await Task.Delay(delay, time, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                }
            }
        }
    }

    public async Task RegisterAsync(StripeEnvironment environment, CancellationToken cancellationToken)
    {
        var platform = await clients.GetAsync(environment, cancellationToken);
        var url = urls.Absolute(PathFor(environment));
        var endpoints = platform.Client.V1.WebhookEndpoints;

        var stale = new List<string>();
        await foreach (var endpoint in endpoints.ListAutoPagingAsync(new WebhookEndpointListOptions { Limit = 100 }, cancellationToken: cancellationToken))
        {
            if (string.Equals(endpoint.Url, url, StringComparison.OrdinalIgnoreCase))
            {
                stale.Add(endpoint.Id);
            }
        }
        foreach (var id in stale)
        {
            await endpoints.DeleteAsync(id, cancellationToken: cancellationToken);
        }

        var created = await endpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = url,
            Connect = true,
            EnabledEvents = ["*"],
            ApiVersion = ApiVersion,
            Description = "Recur Connect events (" + environment.ToSlug() + ")",
        }, cancellationToken: cancellationToken);

        secrets.Set(environment, created.Secret);
        LogRegistered(logger, environment, created.Id);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook endpoint {EndpointId} registered for the {Environment} environment")]
    private static partial void LogRegistered(ILogger logger, StripeEnvironment environment, string endpointId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registering the webhook endpoint for the {Environment} environment failed ({Error}); retrying")]
    private static partial void LogRegistrationFailed(ILogger logger, StripeEnvironment environment, string error);
}
