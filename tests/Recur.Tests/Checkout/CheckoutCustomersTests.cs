using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Checkout;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Stripe;

namespace Recur.Tests.Checkout;

/// <summary>One Stripe customer per connected account and email, however many orders for that email arrive at once.</summary>
public sealed class CheckoutCustomersTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Twenty_orders_placed_at_once_with_one_email_make_exactly_one_stripe_customer()
    {
        var tenant = await factory.SellingTenantAsync(businessName: "Busy Books");
        var email = $"crowd-{Guid.NewGuid():N}@example.com";

        var placed = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var customer = factory.NewBrowser();
            var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
            // Written in capitals by some: the same customer once normalised.
            var details = CheckoutFlows.Details(open.OrderId, i % 2 == 0 ? email : email.ToUpperInvariant());
            return await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);
        }));

        var atStripe = await CustomersAtStripeAsync(tenant, email);
        var only = Assert.Single(atStripe);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var orderIds = placed.Select(p => p.OrderId).ToList();
        var orders = await db.Orders.IgnoreQueryFilters().AsNoTracking().Where(o => orderIds.Contains(o.Id)).ToListAsync(Cancel);
        Assert.Equal(20, orders.Count);
        Assert.All(orders, o => Assert.Equal(only.Id, o.StripeCustomerId));
        Assert.Single(await db.Customers.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.StripeAccountId == tenant.AccountId && c.Email == email).ToListAsync(Cancel));
    }

    [Fact]
    public async Task An_order_finding_the_email_claimed_by_another_process_creates_the_customer_that_process_would_so_stripe_makes_one()
    {
        var tenant = await factory.SellingTenantAsync(businessName: "Twin Books");
        var email = $"twin-{Guid.NewGuid():N}@example.com";
        // Another Recur process on the same database claimed the email for its own order and has not created the
        // customer yet (or stopped before it knew the answer).
        var link = await ClaimAsync(tenant, email, "Grace Other");

        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        await customer.PlaceOrderAsync(tenant.CheckoutPath, open, CheckoutFlows.Details(open.OrderId, email));
        // The other process now sends its create: the same key and the same details, so Stripe answers with the
        // customer this order made.
        var stripe = await factory.PlatformStripeAsync();
        var theirs = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = email,
            Name = "Grace Other",
            Address = new AddressOptions { Line1 = "1 High Street", City = "London", PostalCode = "SW1A 1AA", Country = "GB" },
            Metadata = new Dictionary<string, string> { ["recur_order_id"] = link.OrderId.ToString() },
        }, new RequestOptions { StripeAccount = tenant.AccountId, IdempotencyKey = link.IdempotencyKey }, Cancel);

        var only = Assert.Single(await CustomersAtStripeAsync(tenant, email));
        Assert.Equal(theirs.Id, only.Id);
        Assert.Equal("Grace Other", only.Name);
        Assert.Equal(link.OrderId.ToString(), only.Metadata["recur_order_id"]);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var order = await db.Orders.IgnoreQueryFilters().AsNoTracking().SingleAsync(o => o.Id == open.OrderId, Cancel);
        Assert.Equal(only.Id, order.StripeCustomerId);
        var stored = await db.CheckoutCustomerLinks.IgnoreQueryFilters().AsNoTracking().SingleAsync(l => l.Id == link.Id, Cancel);
        Assert.Equal(only.Id, stored.StripeCustomerId);
    }

    /// <summary>Adds the account and email's link as another process's order would.</summary>
    private async Task<CheckoutCustomerLink> ClaimAsync(SellingTenant tenant, string email, string name)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var offer = await db.Offers.IgnoreQueryFilters().SingleAsync(o => o.Id == tenant.OfferId, Cancel);
        var details = new CustomerDetails(email, name, new Web.Subscriptions.PostalAddress("1 High Street", null, "London", "SW1A 1AA", "GB"), "card");
        var order = new Order(Guid.NewGuid(), offer.TenantId, offer.Id, StripeEnvironment.Test, tenant.AccountId, details, DateTimeOffset.UtcNow);
        var link = new CheckoutCustomerLink(order, DateTimeOffset.UtcNow);
        db.CheckoutCustomerLinks.Add(link);
        await db.SaveChangesAsync(Cancel);
        return link;
    }

    private async Task<List<Customer>> CustomersAtStripeAsync(SellingTenant tenant, string email)
    {
        var stripe = await factory.PlatformStripeAsync();
        return (await stripe.V1.Customers.ListAsync(new CustomerListOptions { Email = email, Limit = 100 },
            new RequestOptions { StripeAccount = tenant.AccountId }, Cancel)).Data;
    }
}
