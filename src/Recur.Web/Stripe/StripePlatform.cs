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

    /// <summary>The operator's application fee (<c>Stripe:&lt;Env&gt;:ApplicationFeePercent</c>); 0 for none.</summary>
    public decimal ApplicationFeePercent { get; init; }

    /// <summary><c>application_fee_percent</c> for a subscription on a connected account; null when no fee is taken.</summary>
    public decimal? SubscriptionFeePercent => ApplicationFeePercent > 0 ? ApplicationFeePercent : null;

    /// <summary><c>application_fee_amount</c> for a one-off payment of <paramref name="amountMinor"/> on a connected
    /// account (rounded half away from zero, as a percentage of an invoice is); null when no fee is taken.</summary>
    public long? PaymentFeeAmount(long amountMinor) =>
        ApplicationFeePercent > 0 ? (long)Math.Round(amountMinor * ApplicationFeePercent / 100m, MidpointRounding.AwayFromZero) : null;

    public string DashboardUrl(string accountId) =>
        DashboardUrlTemplate.Replace("{account}", Uri.EscapeDataString(accountId), StringComparison.Ordinal);
}
