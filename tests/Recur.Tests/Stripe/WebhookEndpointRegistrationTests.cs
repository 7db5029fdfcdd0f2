using Recur.Tests.Infrastructure;
using Recur.Web.Stripe;
using Stripe;

namespace Recur.Tests.Stripe;

public sealed class WebhookEndpointRegistrationTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Recur_registers_one_connect_endpoint_per_environment_and_replaces_it_on_restart()
    {
        var registration = factory.Service<WebhookEndpointRegistration>();
        var secrets = factory.Service<WebhookSecrets>();
        var before = secrets.Get(StripeEnvironment.Test);

        await registration.RegisterAsync(StripeEnvironment.Test, Cancel);

        foreach (var (environment, key) in new[] { (StripeEnvironment.Test, "sk_test_"), (StripeEnvironment.Production, "sk_live_") })
        {
            var client = new StripeClient(new StripeClientOptions { ApiKey = key + factory.Platform, ApiBase = factory.SandboxAddress.ToString().TrimEnd('/') });
            var endpoints = await client.V1.WebhookEndpoints.ListAsync(new WebhookEndpointListOptions { Limit = 100 }, cancellationToken: Cancel);
            var ours = endpoints.Data.Where(e => e.Url == factory.ServerAddress.ToString().TrimEnd('/') + "/webhooks/stripe/" + environment.ToSlug()).ToList();
            var endpoint = Assert.Single(ours);
            Assert.Equal(["*"], endpoint.EnabledEvents);
            Assert.Equal(WebhookEndpointRegistration.ApiVersion, endpoint.ApiVersion);
            Assert.Equal(environment == StripeEnvironment.Production, endpoint.Livemode);
        }
        Assert.StartsWith("whsec_", secrets.Get(StripeEnvironment.Test));
        Assert.NotEqual(before, secrets.Get(StripeEnvironment.Test));
        Assert.True(registration.IsComplete);
    }
}
