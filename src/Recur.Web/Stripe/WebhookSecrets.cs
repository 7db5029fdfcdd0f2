using System.Collections.Concurrent;

namespace Recur.Web.Stripe;

/// <summary>The signing secrets of the webhook endpoints Recur registered itself, one per environment.</summary>
public sealed class WebhookSecrets
{
    private readonly ConcurrentDictionary<StripeEnvironment, string> _secrets = new();

    public void Set(StripeEnvironment environment, string secret) => _secrets[environment] = secret;

    public string? Get(StripeEnvironment environment) => _secrets.TryGetValue(environment, out var secret) ? secret : null;
}
