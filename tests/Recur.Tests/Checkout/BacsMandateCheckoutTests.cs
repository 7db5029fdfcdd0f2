using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;
using Stripe;

namespace Recur.Tests.Checkout;

/// <summary>
/// BACS with a free trial: Stripe collects the mandate only through Checkout, so the order sends the customer to a
/// Checkout Session in setup mode, and the subscription is created once the session is complete, from the
/// confirmation page or the webhook, whichever comes first, and only once.
/// </summary>
public sealed partial class BacsMandateCheckoutTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<SellingTenant> BacsTrialTenantAsync()
    {
        var offer = CheckoutFlows.BacsOffer("WhenMandateCreated");
        offer["Form.TrialDays"] = "14";
        return await factory.SellingTenantAsync(offer);
    }

    [Fact]
    public async Task A_bacs_trial_sends_the_customer_to_stripe_checkout_once_and_subscribes_once_when_page_and_webhook_both_arrive()
    {
        var tenant = await BacsTrialTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId, paymentType: "bacs_debit");

        var first = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);
        var again = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);
        var next = await CheckoutFlows.CompleteCheckoutPageAsync(first.RedirectUrl!);
        var pages = await Task.WhenAll(customer.GetAsync(first.ReturnUrl), customer.GetAsync(first.ReturnUrl));
        var detail = await tenant.Admin.WaitForAsync(await SubscriptionUrlAsync(tenant, details.Email!),
            p => p.TestId("status") == "Trialing");
        await WaitForCompletedEventAsync(tenant.AccountId);

        Assert.Equal("checkout", first.IntentType);
        Assert.Null(first.ClientSecret);
        Assert.Matches(@"/c/pay/cs_test_\w+$", first.RedirectUrl);
        Assert.Equal(first.RedirectUrl, again.RedirectUrl);
        Assert.Equal(first.ReturnUrl, next);
        Assert.All(pages, page => Assert.Equal("TrialStarted", page.State()));
        Assert.Contains("about 4 business days", pages[0].TestId("detail"));
        Assert.NotNull(detail.TestId("trial-end"));
        var stripe = await factory.PlatformStripeAsync();
        var onAccount = new RequestOptions { StripeAccount = tenant.AccountId };
        var sessions = await stripe.V1.Checkout.Sessions.ListAsync(new global::Stripe.Checkout.SessionListOptions(), onAccount, Cancel);
        var session = Assert.Single(sessions.Data);
        var subscription = Assert.Single((await stripe.V1.Subscriptions.ListAsync(
            new SubscriptionListOptions { Customer = session.CustomerId, Status = "all" }, onAccount, Cancel)).Data);
        Assert.Equal("trialing", subscription.Status);
        Assert.Equal(["bacs_debit"], subscription.PaymentSettings.PaymentMethodTypes);
        var setupIntent = await stripe.V1.SetupIntents.GetAsync(session.SetupIntentId, null, onAccount, Cancel);
        Assert.Equal(setupIntent.PaymentMethodId, subscription.DefaultPaymentMethodId);
        Assert.NotNull(setupIntent.MandateId);
        Assert.Equal(1, await RecurSubscriptionCountAsync(open.OrderId));
    }

    [Fact]
    public async Task The_webhook_creates_the_subscription_when_the_customer_never_comes_back()
    {
        var tenant = await BacsTrialTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId, paymentType: "bacs_debit");
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);

        await CheckoutFlows.CompleteCheckoutPageAsync(checkout.RedirectUrl!);
        var detail = await tenant.Admin.WaitForAsync(await SubscriptionUrlAsync(tenant, details.Email!),
            p => p.TestId("status") == "Trialing");
        var complete = await customer.GetAsync(checkout.ReturnUrl);

        Assert.Equal("Trialing", detail.TestId("status"));
        Assert.Equal("TrialStarted", complete.State());
        Assert.Equal(1, await RecurSubscriptionCountAsync(open.OrderId));
    }

    [Fact]
    public async Task Back_on_stripes_page_returns_to_the_checkout_with_the_order_and_nothing_is_subscribed()
    {
        var tenant = await BacsTrialTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId, paymentType: "bacs_debit");
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);
        using var http = new HttpClient();
        var hosted = await http.GetStringAsync(checkout.RedirectUrl, Cancel);
        var back = BackLink().Match(hosted).Groups["href"].Value.Replace("&amp;", "&", StringComparison.Ordinal);

        var page = await customer.GetAsync(back);
        var notYet = await customer.GetAsync(checkout.ReturnUrl);
        var reopened = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);

        Assert.StartsWith(factory.ServerAddress.ToString().TrimEnd('/') + tenant.CheckoutPath, back);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(details.Email!, page.Html);
        Assert.Contains("about 4 business days", page.TestId("bacs-timing"));
        Assert.Equal("NotPaid", notYet.State());
        Assert.Equal("Your Direct Debit is not set up yet", notYet.TestId("headline"));
        Assert.Equal(checkout.RedirectUrl, reopened.RedirectUrl);
        Assert.Equal(0, await RecurSubscriptionCountAsync(open.OrderId));
    }

    private async Task<string> SubscriptionUrlAsync(SellingTenant tenant, string email)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var list = await tenant.Admin.GetAsync("/admin/subscriptions");
            var match = Regex.Match(list.Html, $@"data-subscription=""(?<id>[0-9a-f-]{{36}})"">\s*<td><a href=""[^""]+"">{Regex.Escape(email.ToLowerInvariant())}</a>");
            if (match.Success || DateTime.UtcNow > deadline)
            {
                Assert.True(match.Success, $"No subscription for {email} is listed.");
                return "/admin/subscriptions/" + match.Groups["id"].Value;
            }
            await Task.Delay(150, Cancel);
        }
    }

    private async Task WaitForCompletedEventAsync(string accountId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            if (await db.StripeEvents.AnyAsync(e => e.Account == accountId && e.Type == "checkout.session.completed" && e.ProcessedAt != null, Cancel))
            {
                return;
            }
            await Task.Delay(150, Cancel);
        }
        Assert.Fail("checkout.session.completed was not processed.");
    }

    private async Task<int> RecurSubscriptionCountAsync(Guid orderId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Subscriptions.IgnoreQueryFilters().CountAsync(s => s.OrderId == orderId, Cancel);
    }

    [GeneratedRegex(@"data-testid=""checkout-back"" href=""(?<href>[^""]+)""")]
    private static partial Regex BackLink();
}
