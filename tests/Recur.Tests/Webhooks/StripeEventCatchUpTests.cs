using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Webhooks;
using Stripe;

namespace Recur.Tests.Webhooks;

public sealed class StripeEventCatchUpTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_webhook_that_never_arrived_is_found_by_the_catch_up_and_applied()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync();
        var accountId = card.TestId("account-id")!;
        var stripe = new StripeClient(new StripeClientOptions
        {
            ApiKey = "sk_test_" + factory.Platform, ApiBase = factory.SandboxAddress.ToString().TrimEnd('/'),
        });
        var endpointId = await EndpointIdAsync(StripeEnvironment.Test);
        var asAccount = new RequestOptions { StripeAccount = accountId };
        var email = $"missed-{Guid.NewGuid():N}@example.com";

        // While Recur's endpoint is disabled Stripe sends it nothing: the customer.created delivery is lost.
        await stripe.V1.WebhookEndpoints.UpdateAsync(endpointId, new WebhookEndpointUpdateOptions { Disabled = true }, cancellationToken: Cancel);
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = email, Name = "Missed Webhook" }, asAccount, Cancel);
        await stripe.V1.WebhookEndpoints.UpdateAsync(endpointId, new WebhookEndpointUpdateOptions { Disabled = false }, cancellationToken: Cancel);
        var missed = (await stripe.V1.Events.ListAsync(new EventListOptions { Type = "customer.created" }, asAccount, Cancel))
            .Data.Single(e => e.Data.Object is Customer c && c.Id == customer.Id);
        await factory.Service<StripeEventProcessor>().RunOnceAsync(Cancel);
        Assert.Null(await factory.StoredEventAsync(missed.Id));
        Assert.DoesNotContain(email, (await browser.GetAsync("/admin/customers")).Text);

        var stored = await factory.Service<StripeEventCatchUp>().RunOnceAsync(Cancel);

        Assert.True(stored >= 1);
        var applied = await factory.WaitForEventAsync(missed.Id, e => e.Status == StripeEventStatus.Processed);
        Assert.Equal(StripeEventSource.CatchUp, applied.Source);
        Assert.Equal(accountId, applied.Account);
        Assert.Contains(email, (await browser.GetAsync("/admin/customers")).Text);
        await factory.Service<StripeEventCatchUp>().RunOnceAsync(Cancel);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<AppDbContext>().StripeEvents.CountAsync(e => e.Id == missed.Id, Cancel));
    }

    private async Task<string> EndpointIdAsync(StripeEnvironment environment)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().RegisteredWebhookEndpoints
            .Where(e => e.Environment == environment).Select(e => e.EndpointId).SingleAsync(Cancel);
    }
}
