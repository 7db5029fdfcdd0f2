using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Webhooks;
using global::Stripe;

namespace Recur.Web.Stripe;

/// <summary>
/// Once Recur listens, makes sure every environment whose signing secret is not configured has a Connect webhook
/// endpoint (<c>connect=true</c>, every event, <c>api_version</c> pinned to Stripe.net's), on Stripe or the sandbox
/// alike. The endpoint is kept across restarts: its id and encrypted secret are in <see cref="RegisteredWebhookEndpoint"/>,
/// and at start Recur retrieves it and reuses it while it exists, is enabled, points at Recur's URL and has the pinned
/// version. Only an endpoint that fails one of these is deleted and replaced, so Stripe's pending retries survive a
/// restart. The secret in use is kept in <see cref="WebhookSecrets"/>.
/// </summary>
public sealed partial class WebhookEndpointRegistration(
    IHostApplicationLifetime lifetime,
    IServiceScopeFactory scopes,
    IDataProtectionProvider dataProtection,
    StripeClients clients,
    WebhookSecrets secrets,
    RecurUrls urls,
    TimeProvider time,
    ILogger<WebhookEndpointRegistration> logger) : BackgroundService
{
    /// <summary>The API version of the endpoints Recur creates: the one Stripe.net parses.</summary>
    public static string ApiVersion => StripeApiVersion.Current;

    private const string ProtectorPurpose = "Recur.Stripe.WebhookEndpointSecret";

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
                catch (Exception exception) when (exception is StripeException or HttpRequestException or InvalidOperationException or DbUpdateException)
                {
                    LogRegistrationFailed(logger, environment, exception.GetType().Name);
                    await Task.Delay(delay, time, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                }
            }
        }
    }

    /// <summary>Reuses the stored endpoint when it is still valid, or replaces it; returns the endpoint id in use.</summary>
    public async Task<string> RegisterAsync(StripeEnvironment environment, CancellationToken cancellationToken)
    {
        var platform = await clients.GetAsync(environment, cancellationToken);
        var url = urls.Absolute(PathFor(environment));
        var endpoints = platform.Client.V1.WebhookEndpoints;
        var protector = dataProtection.CreateProtector(ProtectorPurpose, environment.ToString());

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var stored = await db.RegisteredWebhookEndpoints.SingleOrDefaultAsync(e => e.Environment == environment, cancellationToken);

        string? replaceBecause = null;
        if (stored is not null)
        {
            var secret = Unprotect(protector, stored.ProtectedSecret);
            var current = await RetrieveAsync(endpoints, stored.EndpointId, cancellationToken);
            replaceBecause = current is null ? "deleted at Stripe"
                : current.Status != "enabled" ? "disabled at Stripe"
                : !string.Equals(current.Url, url, StringComparison.Ordinal) ? "Recur's URL changed"
                : current.ApiVersion != ApiVersion ? $"pinned to {current.ApiVersion ?? "no API version"}, not {ApiVersion}"
                : secret is null ? "its secret can no longer be decrypted (Data Protection keys lost)"
                : null;
            if (replaceBecause is null)
            {
                stored.MarkChecked(time.GetUtcNow());
                await db.SaveChangesAsync(cancellationToken);
                secrets.Set(environment, secret!);
                LogKept(logger, environment, stored.EndpointId);
                return stored.EndpointId;
            }
            if (current is not null)
            {
                await endpoints.DeleteAsync(current.Id, cancellationToken: cancellationToken);
            }
            LogReplacing(logger, environment, stored.EndpointId, replaceBecause);
        }

        // Endpoints at Recur's URL that Recur has no record of (a lost database) only fail to verify: remove them.
        await foreach (var stray in endpoints.ListAutoPagingAsync(new WebhookEndpointListOptions { Limit = 100 }, cancellationToken: cancellationToken))
        {
            if (string.Equals(stray.Url, url, StringComparison.OrdinalIgnoreCase) && stray.Id != stored?.EndpointId)
            {
                await endpoints.DeleteAsync(stray.Id, cancellationToken: cancellationToken);
            }
        }

        var created = await endpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = url,
            Connect = true,
            EnabledEvents = ["*"],
            ApiVersion = ApiVersion,
            Description = "Recur Connect events (" + environment.ToSlug() + ")",
        }, cancellationToken: cancellationToken);

        var protectedSecret = protector.Protect(created.Secret);
        if (stored is null)
        {
            db.RegisteredWebhookEndpoints.Add(new RegisteredWebhookEndpoint(environment, created.Id, url, ApiVersion, protectedSecret, time.GetUtcNow()));
        }
        else
        {
            stored.Replace(created.Id, url, ApiVersion, protectedSecret, replaceBecause!, time.GetUtcNow());
        }
        await db.SaveChangesAsync(cancellationToken);
        secrets.Set(environment, created.Secret);
        LogRegistered(logger, environment, created.Id);
        return created.Id;
    }

    private static async Task<WebhookEndpoint?> RetrieveAsync(WebhookEndpointService endpoints, string id, CancellationToken cancellationToken)
    {
        try
        {
            return await endpoints.GetAsync(id, cancellationToken: cancellationToken);
        }
        catch (StripeException exception) when (exception.HttpStatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static string? Unprotect(IDataProtector protector, string protectedSecret)
    {
        try
        {
            return protector.Unprotect(protectedSecret);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook endpoint {EndpointId} registered for the {Environment} environment")]
    private static partial void LogRegistered(ILogger logger, StripeEnvironment environment, string endpointId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook endpoint {EndpointId} of the {Environment} environment is still valid: kept")]
    private static partial void LogKept(ILogger logger, StripeEnvironment environment, string endpointId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook endpoint {EndpointId} of the {Environment} environment is replaced: {Reason}")]
    private static partial void LogReplacing(ILogger logger, StripeEnvironment environment, string endpointId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registering the webhook endpoint for the {Environment} environment failed ({Error}); retrying")]
    private static partial void LogRegistrationFailed(ILogger logger, StripeEnvironment environment, string error);
}
