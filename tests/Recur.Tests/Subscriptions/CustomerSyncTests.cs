using Recur.Tests.Checkout;
using Stripe;

namespace Recur.Tests.Subscriptions;

/// <summary>
/// Recur's customer list is complete for each connected account (import on connect, then <c>customer.*</c> events),
/// so checkout matches an email without asking Stripe and never makes a second Stripe customer for it.
/// </summary>
public sealed class CustomerSyncTests(CountingRecurFactory factory) : IClassFixture<CountingRecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_customer_made_in_the_merchants_stripe_is_matched_by_email_at_checkout_without_a_second_stripe_customer()
    {
        var tenant = await factory.SellingTenantAsync();
        await factory.PrepareConnectedAccountsAsync();
        var email = $"Dashboard-{Guid.NewGuid():N}@Example.com";
        var made = await MakeStripeCustomerAsync(tenant.AccountId, email);

        await factory.WaitForCustomersAsync(tenant.AccountId, list => list.Any(c => c.StripeCustomerId == made.Id));
        var requests = await CheckoutAsync(tenant, email.ToLowerInvariant());

        Assert.Equal(["POST /v1/subscriptions"], requests);
        var stripe = await factory.PlatformStripeAsync();
        var onAccount = new RequestOptions { StripeAccount = tenant.AccountId };
        var customers = await stripe.V1.Customers.ListAsync(new CustomerListOptions { Email = email }, onAccount, Cancel);
        Assert.Equal([made.Id], customers.Data.Select(c => c.Id));
        var subscriptions = await stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = made.Id }, onAccount, Cancel);
        Assert.Single(subscriptions.Data);
    }

    [Fact]
    public async Task Customers_the_account_already_had_are_imported_once_and_then_matched_at_checkout()
    {
        var tenant = await factory.SellingTenantAsync();
        await factory.PrepareConnectedAccountsAsync();
        var first = await MakeStripeCustomerAsync(tenant.AccountId, $"first-{Guid.NewGuid():N}@example.com");
        var second = await MakeStripeCustomerAsync(tenant.AccountId, $"Second-{Guid.NewGuid():N}@example.com");
        // One on a test clock of the merchant's own: Stripe lists it only with its clock.
        var stripe = await factory.PlatformStripeAsync();
        var onAccount = new RequestOptions { StripeAccount = tenant.AccountId };
        var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(
            new global::Stripe.TestHelpers.TestClockCreateOptions { FrozenTime = DateTime.UtcNow, Name = "Merchant's own" }, onAccount, Cancel);
        var onClock = await stripe.V1.Customers.CreateAsync(
            new CustomerCreateOptions { Email = $"clocked-{Guid.NewGuid():N}@example.com", TestClock = clock.Id }, onAccount, Cancel);
        await factory.WaitForCustomersAsync(tenant.AccountId, list => list.Count == 3);
        // As if the account had been connected with these customers already there: Recur knows none of them.
        await factory.ForgetCustomerImportAsync(tenant.AccountId, customersToo: true);
        Assert.Empty(await factory.CustomersOnAsync(tenant.AccountId));

        await factory.PrepareConnectedAccountsAsync();
        await factory.PrepareConnectedAccountsAsync();

        var import = await factory.CustomerImportOfAsync(tenant.AccountId);
        Assert.NotNull(import?.FinishedAt);
        Assert.Equal(3, import.Listed);
        var customers = await factory.CustomersOnAsync(tenant.AccountId);
        Assert.Equal(new[] { first.Id, second.Id, onClock.Id }.Order(), customers.Select(c => c.StripeCustomerId).Order());
        Assert.Equal(clock.Id, customers.Single(c => c.StripeCustomerId == onClock.Id).TestClockId);
        Assert.Contains(customers, c => c.Email == second.Email.ToLowerInvariant());

        Assert.Equal(["POST /v1/subscriptions"], await CheckoutAsync(tenant, second.Email));
    }

    [Fact]
    public async Task A_customer_deleted_in_stripe_is_not_matched_and_an_email_changed_in_stripe_is()
    {
        var tenant = await factory.SellingTenantAsync();
        await factory.PrepareConnectedAccountsAsync();
        var stripe = await factory.PlatformStripeAsync();
        var onAccount = new RequestOptions { StripeAccount = tenant.AccountId };
        var deleted = await MakeStripeCustomerAsync(tenant.AccountId, $"gone-{Guid.NewGuid():N}@example.com");
        var renamed = await MakeStripeCustomerAsync(tenant.AccountId, $"old-{Guid.NewGuid():N}@example.com");
        var newEmail = $"new-{Guid.NewGuid():N}@example.com";

        await stripe.V1.Customers.DeleteAsync(deleted.Id, null, onAccount, Cancel);
        await stripe.V1.Customers.UpdateAsync(renamed.Id, new CustomerUpdateOptions { Email = newEmail }, onAccount, Cancel);
        await factory.WaitForCustomersAsync(tenant.AccountId,
            list => list.Any(c => c.StripeCustomerId == deleted.Id && c.IsDeleted) && list.Any(c => c.StripeCustomerId == renamed.Id && c.Email == newEmail));

        Assert.Equal(["POST /v1/subscriptions"], await CheckoutAsync(tenant, newEmail));
        var again = await CheckoutAsync(tenant, deleted.Email);
        Assert.Contains("POST /v1/customers", again);
        Assert.DoesNotContain("GET /v1/customers", again);
    }

    private async Task<Customer> MakeStripeCustomerAsync(string accountId, string email)
    {
        var stripe = await factory.PlatformStripeAsync();
        return await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = email, Name = "Made in the Dashboard" },
            new RequestOptions { StripeAccount = accountId }, Cancel);
    }

    private async Task<IReadOnlyList<string>> CheckoutAsync(SellingTenant tenant, string email)
    {
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        factory.Log.Clear();
        await customer.PlaceOrderAsync(tenant.CheckoutPath, open, CheckoutFlows.Details(open.OrderId, email));
        return factory.Log.CausedBy("/api/checkout/");
    }
}
