using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using global::Stripe;

namespace Recur.Web.Stripe;

/// <summary>
/// Holds one Stripe client per environment, built once from <see cref="StripeOptions"/> and
/// <see cref="IHttpClientFactory"/>. An environment on the embedded sandbox gets its client only once the sandbox
/// listens, because only then is its address known.
/// </summary>
public sealed class StripeClients(
    IOptionsMonitor<StripeOptions> options,
    IHttpClientFactory httpClientFactory,
    EmbeddedSandbox sandbox)
{
    public const string HttpClientName = "Stripe";

    private readonly ConcurrentDictionary<StripeEnvironment, Lazy<Task<StripePlatform>>> _platforms = new();

    public StripeOptions Options(StripeEnvironment environment) => options.Get(environment.ToString());

    public Task<StripePlatform> GetAsync(StripeEnvironment environment, CancellationToken cancellationToken)
    {
        var lazy = _platforms.GetOrAdd(environment, e => new Lazy<Task<StripePlatform>>(() => BuildAsync(e)));
        var task = lazy.Value;
        if (task.IsFaulted)
        {
            // A failed start may be retried by the next caller.
            _platforms.TryRemove(new KeyValuePair<StripeEnvironment, Lazy<Task<StripePlatform>>>(environment, lazy));
        }
        return task.WaitAsync(cancellationToken);
    }

    private async Task<StripePlatform> BuildAsync(StripeEnvironment environment)
    {
        var settings = Options(environment);
        string apiBase, connectBase, stripeJsUrl, dashboardUrl;
        if (settings.UsesEmbeddedSandbox)
        {
            var sandboxUrl = (await sandbox.WaitUntilReadyAsync(CancellationToken.None)).ToString().TrimEnd('/');
            apiBase = Or(settings.ApiBase, sandboxUrl);
            connectBase = Or(settings.ConnectBase, sandboxUrl);
            stripeJsUrl = Or(settings.StripeJsUrl, sandboxUrl + "/v3/stripe.js");
            dashboardUrl = Or(settings.DashboardUrl, sandboxUrl + "/dashboard/{account}");
        }
        else
        {
            apiBase = Or(settings.ApiBase, StripeOptions.RealApiBase);
            connectBase = Or(settings.ConnectBase, StripeOptions.RealConnectBase);
            stripeJsUrl = Or(settings.StripeJsUrl, StripeOptions.RealStripeJsUrl);
            dashboardUrl = Or(settings.DashboardUrl, StripeOptions.RealDashboardUrl);
        }

        return new StripePlatform(
            environment,
            Create(settings, apiBase, connectBase, maxNetworkRetries: 2),
            Create(settings, apiBase, connectBase, maxNetworkRetries: 0),
            settings.PublishableKey!,
            settings.ClientId!,
            apiBase,
            connectBase,
            stripeJsUrl,
            dashboardUrl,
            settings.UsesEmbeddedSandbox)
        {
            ApplicationFeePercent = settings.ApplicationFeePercent,
        };
    }

    private StripeClient Create(StripeOptions settings, string apiBase, string connectBase, int maxNetworkRetries) =>
        new(new StripeClientOptions
        {
            ApiKey = settings.SecretKey,
            ClientId = settings.ClientId,
            ApiBase = apiBase,
            ConnectBase = connectBase,
            HttpClient = new SystemNetHttpClient(httpClientFactory.CreateClient(HttpClientName), maxNetworkRetries),
        });

    private static string Or(string? configured, string fallback) =>
        string.IsNullOrWhiteSpace(configured) ? fallback : configured.TrimEnd('/');
}
