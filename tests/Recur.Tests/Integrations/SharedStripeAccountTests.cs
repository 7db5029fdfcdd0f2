using System.Net;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Recur.Tests.Subscriptions;
using Stripe;

namespace Recur.Tests.Integrations;

public sealed class SharedStripeAccountTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_stripe_account_connected_to_another_tenant_is_refused_and_the_first_tenant_keeps_it_and_its_customers()
    {
        var stripeLogin = $"shared-{Guid.NewGuid():N}@example.com";
        var (first, _) = await factory.SignUpTenantAsync("First Owner Ltd");
        var (firstCard, _) = await first.ConnectExistingAccountAsync(stripeEmail: stripeLogin, businessName: "Shared Books Ltd");
        var accountId = firstCard.TestId("account-id")!;
        var stripe = await factory.PlatformStripeAsync();
        await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "loyal-reader@example.com", Name = "Loyal Reader" },
            new RequestOptions { StripeAccount = accountId }, Cancel);
        await factory.PrepareConnectedAccountsAsync();

        var (second, _) = await factory.SignUpTenantAsync("Second Comer Ltd");
        var (secondCard, _) = await second.ConnectExistingAccountAsync(stripeEmail: stripeLogin, businessName: "Shared Books Ltd");
        await factory.PrepareConnectedAccountsAsync();

        Assert.Contains("This Stripe account is already connected to another Recur account", secondCard.Text);
        Assert.Equal("Not connected", secondCard.TestId("status"));
        Assert.Null(secondCard.TestId("account-id"));
        Assert.DoesNotContain(secondCard.Forms, f => f.Action.Contains("handler=Disconnect", StringComparison.OrdinalIgnoreCase));
        var secondCustomers = await second.GetAsync("/admin/customers");
        Assert.Equal("No customers yet.", secondCustomers.TestId("empty"));
        Assert.DoesNotContain("loyal-reader@example.com", secondCustomers.Text);

        // The second tenant cannot disconnect the first tenant's connection by its id either.
        using var forgedDisconnect = await second.Http.PostAsync(
            new Uri(secondCard.Url, "/admin/integrations/stripe?handler=Disconnect"),
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["connectionId"] = firstCard.ConnectionId().ToString(),
                ["__RequestVerificationToken"] = RecurBrowser.AntiforgeryToken(secondCard),
            }), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, forgedDisconnect.StatusCode);

        var firstAgain = await first.StripeCardAsync();
        var refreshed = await first.SubmitAsync(firstAgain, firstAgain.Form("handler=Refresh"));
        Assert.Equal("Connected", refreshed.TestId("status"));
        Assert.Equal(accountId, refreshed.TestId("account-id"));
        Assert.Contains("Status refreshed from Stripe.", refreshed.Text);
        // The customer made at Stripe reaches the first tenant by the import or by Stripe's customer.created,
        // whichever comes first: wait for it as the merchant would, by reloading the list.
        var firstCustomers = await first.WaitForAsync("/admin/customers", p => p.Text.Contains("loyal-reader@example.com", StringComparison.Ordinal));
        Assert.Contains("loyal-reader@example.com", firstCustomers.Text);
    }

    [Fact]
    public async Task Once_the_first_tenant_disconnects_the_account_another_tenant_may_connect_it()
    {
        var stripeLogin = $"moved-{Guid.NewGuid():N}@example.com";
        var (first, _) = await factory.SignUpTenantAsync("Old Owner Ltd");
        var (firstCard, _) = await first.ConnectExistingAccountAsync(stripeEmail: stripeLogin, businessName: "Moving Books Ltd");
        var disconnected = await first.DisconnectAsync();
        Assert.Equal("Disconnected", disconnected.TestId("status"));
        // Stripe then tells Recur the account left the platform; the first card shows when that event arrived.
        await first.WaitForLastEventAfterAsync(disconnected.TestId("last-event"));

        var (second, _) = await factory.SignUpTenantAsync("New Owner Ltd");
        var (secondCard, _) = await second.ConnectExistingAccountAsync(stripeEmail: stripeLogin, businessName: "Moving Books Ltd");

        Assert.Equal("Connected", secondCard.TestId("status"));
        Assert.Equal(firstCard.TestId("account-id"), secondCard.TestId("account-id"));
    }
}
