using global::Stripe;

namespace Recur.Web.Stripe;

/// <summary>
/// Everything Recur needs to talk to Stripe in one environment, with the sandbox defaults resolved: the client,
/// (each an <see cref="IStripeClient"/>), a client that never retries (for the one-shot OAuth code exchange), and the public endpoints.
/// </summary>
public sealed record StripePlatform(
    StripeEnvironment Environment,
    StripeClient Client,
    StripeClient ClientWithoutRetries,
    string PublishableKey,
    string ClientId,
    string ApiBase,
    string ConnectBase,
    string StripeJsUrl,
    string DashboardUrlTemplate,
    bool UsesEmbeddedSandbox)
{
    public bool Livemode => Environment.IsLivemode();

    public string DashboardUrl(string accountId) =>
        DashboardUrlTemplate.Replace("{account}", Uri.EscapeDataString(accountId), StringComparison.Ordinal);
}
