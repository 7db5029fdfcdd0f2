using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Recur.Web.Stripe;

/// <summary>Healthy when the embedded sandbox (if used) listens and Recur's webhook endpoints are registered.</summary>
public sealed class StripeHealthCheck(EmbeddedSandbox sandbox, WebhookEndpointRegistration registration) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (sandbox.IsNeeded && !sandbox.IsRunning)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The embedded Stripe sandbox is not running yet."));
        }
        if (!registration.IsComplete)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Recur's webhook endpoints are not registered yet."));
        }
        return Task.FromResult(HealthCheckResult.Healthy());
    }
}
