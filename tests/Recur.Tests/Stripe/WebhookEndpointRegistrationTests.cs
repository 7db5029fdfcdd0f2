using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Stripe;

namespace Recur.Tests.Stripe;

public sealed class WebhookEndpointRegistrationTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Recur_registers_one_pinned_connect_endpoint_per_environment_and_keeps_it_when_it_checks_again()
    {
        var registration = factory.Service<WebhookEndpointRegistration>();
        var secrets = factory.Service<WebhookSecrets>();
        var before = (await StoredAsync(StripeEnvironment.Test)).EndpointId;
        var secretBefore = secrets.Get(StripeEnvironment.Test);

        var kept = await registration.RegisterAsync(StripeEnvironment.Test, Cancel);

        Assert.Equal(before, kept);
        Assert.Equal(secretBefore, secrets.Get(StripeEnvironment.Test));
        foreach (var environment in StripeEnvironmentNames.All)
        {
            var endpoint = Assert.Single(await OursAsync(environment));
            Assert.Equal((await StoredAsync(environment)).EndpointId, endpoint.Id);
            Assert.Equal(["*"], endpoint.EnabledEvents);
            Assert.Equal(StripeConfiguration.ApiVersion, endpoint.ApiVersion);
            Assert.Equal(environment == StripeEnvironment.Production, endpoint.Livemode);
            Assert.Equal("enabled", endpoint.Status);
        }
        Assert.True(registration.IsComplete);
    }

    [Fact]
    public async Task The_signing_secret_is_stored_encrypted()
    {
        var stored = await StoredAsync(StripeEnvironment.Production);
        var secret = factory.Service<WebhookSecrets>().Get(StripeEnvironment.Production)!;

        Assert.StartsWith("whsec_", secret);
        Assert.DoesNotContain(secret, stored.ProtectedSecret);
        Assert.DoesNotContain(secret["whsec_".Length..], stored.ProtectedSecret);
    }

    [Fact]
    public async Task An_endpoint_disabled_at_stripe_is_replaced_by_a_new_one()
    {
        var registration = factory.Service<WebhookEndpointRegistration>();
        var old = await StoredAsync(StripeEnvironment.Production);
        var oldSecret = factory.Service<WebhookSecrets>().Get(StripeEnvironment.Production);
        await Client(StripeEnvironment.Production).V1.WebhookEndpoints.UpdateAsync(old.EndpointId,
            new WebhookEndpointUpdateOptions { Disabled = true }, cancellationToken: Cancel);

        var replacement = await registration.RegisterAsync(StripeEnvironment.Production, Cancel);

        Assert.NotEqual(old.EndpointId, replacement);
        var endpoint = Assert.Single(await OursAsync(StripeEnvironment.Production));
        Assert.Equal(replacement, endpoint.Id);
        Assert.NotEqual(oldSecret, factory.Service<WebhookSecrets>().Get(StripeEnvironment.Production));
        var stored = await StoredAsync(StripeEnvironment.Production);
        Assert.Equal(replacement, stored.EndpointId);
        Assert.Equal("disabled at Stripe", stored.ReplacedBecause);
    }

    private StripeClient Client(StripeEnvironment environment) => new(new StripeClientOptions
    {
        ApiKey = (environment == StripeEnvironment.Test ? "sk_test_" : "sk_live_") + factory.Platform,
        ApiBase = factory.SandboxAddress.ToString().TrimEnd('/'),
    });

    private async Task<List<WebhookEndpoint>> OursAsync(StripeEnvironment environment)
    {
        var endpoints = await Client(environment).V1.WebhookEndpoints.ListAsync(new WebhookEndpointListOptions { Limit = 100 }, cancellationToken: Cancel);
        return endpoints.Data.Where(e => e.Url == factory.ServerAddress.ToString().TrimEnd('/') + "/webhooks/stripe/" + environment.ToSlug()).ToList();
    }

    private async Task<RegisteredWebhookEndpoint> StoredAsync(StripeEnvironment environment)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().RegisteredWebhookEndpoints.AsNoTracking()
            .SingleAsync(e => e.Environment == environment, Cancel);
    }
}
