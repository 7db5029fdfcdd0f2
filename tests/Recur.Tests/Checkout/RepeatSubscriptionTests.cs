using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Catalog;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;
using Recur.Web.Subscriptions;
using Stripe;

namespace Recur.Tests.Checkout;

/// <summary>A customer email with a live subscription to an offer is refused a second one, unless the offer allows it.</summary>
public sealed class RepeatSubscriptionTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_second_order_by_an_email_that_already_subscribes_is_refused_with_a_409_that_says_why_and_charges_nothing()
    {
        var tenant = await factory.SellingTenantAsync(businessName: "Once Only Books");
        var (_, first, email) = await factory.BuyWithCardAsync(tenant);
        await WaitForStatusAsync(first.OrderId, SubscriptionStatus.Active);

        using var again = factory.NewBrowser();
        var open = await again.OpenCheckoutAsync(tenant.CheckoutPath);
        using var response = await again.PostOrderRawAsync(tenant.CheckoutPath, open.Token, CheckoutFlows.Details(open.OrderId, email.ToUpperInvariant()));
        var problem = JsonSerializer.Deserialize<ProblemDetails>(await response.Content.ReadAsStringAsync(Cancel), CheckoutFlows.Json)!;

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("You already subscribe to this.", problem.Title);
        Assert.Contains("already has an active subscription to Monthly from Once Only Books", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("nothing has been charged", problem.Detail, StringComparison.Ordinal);
        var (customers, subscriptions) = await AtStripeAsync(tenant, email);
        Assert.Single(customers);
        Assert.Single(subscriptions);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.False(await db.Orders.IgnoreQueryFilters().AnyAsync(o => o.Id == open.OrderId, Cancel));
    }

    [Fact]
    public async Task With_repeat_subscriptions_allowed_on_the_offer_form_the_same_email_subscribes_again()
    {
        var tenant = await factory.SellingTenantAsync(businessName: "Gift Books");
        var form = (await tenant.Admin.OfferPageAsync(tenant.OfferId)).FormWithField("Form.Name");
        Assert.False(form.Fields.ContainsKey("Form.AllowRepeatSubscriptions"));
        var edited = await tenant.Admin.EditOfferAsync(tenant.OfferId, new Dictionary<string, string> { ["Form.AllowRepeatSubscriptions"] = "true" });
        Assert.Equal("true", (await tenant.Admin.OfferPageAsync(tenant.OfferId)).FormWithField("Form.Name").Fields["Form.AllowRepeatSubscriptions"]);
        Assert.Equal("Offer saved.", edited.TestId("saved"));
        var (_, first, email) = await factory.BuyWithCardAsync(tenant);
        await WaitForStatusAsync(first.OrderId, SubscriptionStatus.Active);

        using var again = factory.NewBrowser();
        var open = await again.OpenCheckoutAsync(tenant.CheckoutPath);
        var second = await again.PlaceOrderAsync(tenant.CheckoutPath, open, CheckoutFlows.Details(open.OrderId, email));
        await factory.ConfirmCardAsync(second);
        await WaitForStatusAsync(second.OrderId, SubscriptionStatus.Active);

        var (customers, subscriptions) = await AtStripeAsync(tenant, email);
        Assert.Single(customers);
        Assert.Equal(2, subscriptions.Count(s => s.Status == "active"));
    }

    [Fact]
    public async Task An_email_whose_subscription_was_canceled_may_subscribe_again()
    {
        var tenant = await factory.SellingTenantAsync(businessName: "Come Back Books");
        var (_, first, email) = await factory.BuyWithCardAsync(tenant);
        var subscriptionId = await WaitForStatusAsync(first.OrderId, SubscriptionStatus.Active);
        var stripe = await factory.PlatformStripeAsync();
        await stripe.V1.Subscriptions.CancelAsync(subscriptionId, null, new RequestOptions { StripeAccount = tenant.AccountId }, Cancel);
        await WaitForStatusAsync(first.OrderId, SubscriptionStatus.Canceled);

        using var again = factory.NewBrowser();
        var open = await again.OpenCheckoutAsync(tenant.CheckoutPath);
        var second = await again.PlaceOrderAsync(tenant.CheckoutPath, open, CheckoutFlows.Details(open.OrderId, email));

        Assert.Equal("payment", second.IntentType);
        var (_, subscriptions) = await AtStripeAsync(tenant, email);
        Assert.Equal(2, subscriptions.Count);
    }

    /// <summary>Waits until Recur holds the order's subscription in <paramref name="status"/> (webhooks arrive
    /// asynchronously); its Stripe id.</summary>
    private async Task<string> WaitForStatusAsync(Guid orderId, SubscriptionStatus status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                var subscription = await db.Subscriptions.IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(s => s.OrderId == orderId, Cancel);
                if (subscription?.Status == status)
                {
                    return subscription.StripeSubscriptionId;
                }
                Assert.True(DateTime.UtcNow < deadline, $"The order's subscription is {subscription?.Status.ToString() ?? "missing"}, not {status}.");
            }
            await Task.Delay(150, Cancel);
        }
    }

    private async Task<(List<global::Stripe.Customer> Customers, List<global::Stripe.Subscription> Subscriptions)> AtStripeAsync(SellingTenant tenant, string email)
    {
        var stripe = await factory.PlatformStripeAsync();
        var onAccount = new RequestOptions { StripeAccount = tenant.AccountId };
        var customers = (await stripe.V1.Customers.ListAsync(new CustomerListOptions { Email = email, Limit = 100 }, onAccount, Cancel)).Data;
        var subscriptions = new List<global::Stripe.Subscription>();
        foreach (var customer in customers)
        {
            subscriptions.AddRange((await stripe.V1.Subscriptions.ListAsync(
                new SubscriptionListOptions { Customer = customer.Id, Status = "all", Limit = 100 }, onAccount, Cancel)).Data);
        }
        return (customers, subscriptions);
    }
}
