using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Recur.StripeSandbox.Infrastructure;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Recur.Tests.Subscriptions;
using Stripe;

namespace Recur.Tests.Resilience;

/// <summary>
/// Recur killed with SIGKILL (a real process, real-looking keys) at each Stripe call a checkout makes and while it
/// takes in Stripe's events, then started again on the same database: nothing is lost, nothing is made twice, and the
/// customer can finish. Stripe's side is checked from the sandbox with the platform's own key.
/// </summary>
public sealed class CrashRecoveryTests(CrashingRecurFixture recur) : IClassFixture<CrashingRecurFixture>
{
    private static readonly TimeSpan CrashDeadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/v1/customers", ApiRequestStage.Arrived)]
    [InlineData("/v1/customers", ApiRequestStage.Answered)]
    [InlineData("/v1/subscriptions", ApiRequestStage.Arrived)]
    [InlineData("/v1/subscriptions", ApiRequestStage.Answered)]
    public async Task A_crash_at_a_stripe_call_of_checkout_leaves_one_customer_one_subscription_one_charge_and_the_customer_can_finish(
        string path, ApiRequestStage stage)
    {
        await recur.EnsureRunningAsync();
        var tenant = await recur.SellingTenantAsync();
        using var customer = recur.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId);

        var crash = recur.CrashAtAsync(stage, request => request.Method == "POST" && request.Path == path && OnAccount(request, tenant.AccountId));
        var cutOff = await Record.ExceptionAsync(async () =>
        {
            using var response = await customer.PostOrderRawAsync(tenant.CheckoutPath, open.Token, details);
        });
        Assert.Equal($"POST {path}", await crash.WaitAsync(CrashDeadline, Cancel));
        Assert.IsType<HttpRequestException>(cutOff, exactMatch: false);

        await recur.RestartAsync();
        // The customer presses Pay again on the same page: same order, same cookies, same token.
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);
        Assert.Equal(open.OrderId, checkout.OrderId);
        await recur.ConfirmCardAsync(checkout);
        var complete = await customer.GetAsync(checkout.ReturnUrl);

        Assert.Equal("Active", complete.State());
        var onAccount = new RequestOptions { StripeAccount = tenant.AccountId };
        var stripeCustomer = Assert.Single(await CustomersAsync(tenant.AccountId, details.Email!));
        var subscription = Assert.Single((await recur.Stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Status = "all" }, onAccount, Cancel)).Data);
        Assert.Equal(stripeCustomer.Id, subscription.CustomerId);
        Assert.Equal("active", subscription.Status);
        var charges = (await recur.Stripe.V1.Charges.ListAsync(new ChargeListOptions { Customer = stripeCustomer.Id }, onAccount, Cancel)).Data;
        Assert.Single(charges, c => c.Status == "succeeded");
        var row = Assert.Single(SubscriptionRows(await tenant.Admin.GetAsync("/admin/subscriptions"), details.Email!));
        Assert.Contains("Active", row);
    }

    [Fact]
    public async Task A_crash_while_the_confirmation_page_reads_stripe_shows_the_subscription_active_once_the_customer_reloads()
    {
        await recur.EnsureRunningAsync();
        var tenant = await recur.SellingTenantAsync();
        using var customer = recur.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId);
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);
        await recur.ConfirmCardAsync(checkout);

        var intentId = CheckoutFlows.SecretId(checkout.ClientSecret!);
        var crash = recur.CrashAtAsync(ApiRequestStage.Arrived, request => request.Method == "GET"
            && request.Path == "/v1/payment_intents/" + intentId && OnAccount(request, tenant.AccountId));
        var cutOff = await Record.ExceptionAsync(() => customer.GetAsync(checkout.ReturnUrl));
        await crash.WaitAsync(CrashDeadline, Cancel);
        Assert.IsType<HttpRequestException>(cutOff, exactMatch: false);
        await recur.RestartAsync();
        var complete = await customer.GetAsync(checkout.ReturnUrl);

        Assert.Equal("Active", complete.State());
        var onAccount = new RequestOptions { StripeAccount = tenant.AccountId };
        var subscription = Assert.Single((await recur.Stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Status = "all" }, onAccount, Cancel)).Data);
        Assert.Equal("active", subscription.Status);
        var charges = (await recur.Stripe.V1.Charges.ListAsync(new ChargeListOptions { Customer = subscription.CustomerId }, onAccount, Cancel)).Data;
        Assert.Single(charges, c => c.Status == "succeeded");
        var row = Assert.Single(SubscriptionRows(await tenant.Admin.GetAsync("/admin/subscriptions"), details.Email!));
        Assert.Contains("Active", row);
    }

    [Fact]
    public async Task An_event_sent_while_recur_is_down_is_applied_once_it_is_back()
    {
        await recur.EnsureRunningAsync();
        var (tenant, email, subscriptionId) = await ActiveSubscriptionAsync();
        var endpoint = Assert.Single(await RecurEndpointsAsync());

        await recur.Recur.KillAsync();
        var refused = recur.NextWebhookAttemptAsync(a => a.EventType == "customer.subscription.deleted" && !a.Delivered);
        await CancelOnStripeAsync(tenant, subscriptionId);
        await refused.WaitAsync(CrashDeadline, Cancel);
        await recur.RestartAsync();

        // Stripe retries a test event only half an hour later: Recur catches up on its own, at start.
        await AssertEndsInRecurAsync(tenant, email);
        Assert.Equal(endpoint.Id, Assert.Single(await RecurEndpointsAsync()).Id);
    }

    [Fact]
    public async Task An_event_acknowledged_just_before_a_crash_is_applied_after_the_restart()
    {
        await recur.EnsureRunningAsync();
        var (tenant, email, subscriptionId) = await ActiveSubscriptionAsync();

        var crash = recur.CrashAfterWebhookAsync(a => a.EventType == "customer.subscription.deleted");
        await CancelOnStripeAsync(tenant, subscriptionId);
        await crash.WaitAsync(CrashDeadline, Cancel);
        await recur.RestartAsync();

        await AssertEndsInRecurAsync(tenant, email);
    }

    [Fact]
    public async Task An_event_cut_off_by_a_crash_while_it_was_being_applied_is_applied_after_the_restart()
    {
        await recur.EnsureRunningAsync();
        var (tenant, email, subscriptionId) = await ActiveSubscriptionAsync();

        // Applying a subscription event reads the subscription from Stripe: the crash comes at that read, once the
        // cancellation has reached Stripe.
        var cancelling = 0;
        var crash = recur.CrashAtAsync(ApiRequestStage.Arrived, request => Volatile.Read(ref cancelling) == 1
            && request.Method == "GET" && request.Path == "/v1/subscriptions/" + subscriptionId && OnAccount(request, tenant.AccountId));
        Volatile.Write(ref cancelling, 1);
        await CancelOnStripeAsync(tenant, subscriptionId);
        await crash.WaitAsync(CrashDeadline, Cancel);
        await recur.RestartAsync();

        await AssertEndsInRecurAsync(tenant, email);
    }

    /// <summary>A tenant with one active card subscription, bought to the end, and shown active in Recur.</summary>
    private async Task<(SellingTenant Tenant, string Email, string SubscriptionId)> ActiveSubscriptionAsync()
    {
        var tenant = await recur.SellingTenantAsync();
        var (complete, _, email) = await recur.BuyWithCardAsync(tenant);
        Assert.Equal("Active", complete.State());
        var detail = await tenant.Admin.SubscriptionPageAsync(email);
        detail = await tenant.Admin.WaitForAsync(detail.Url.AbsolutePath, page => page.TestId("status") == "Active");
        Assert.Equal("Active", detail.TestId("status"));
        var subscription = Assert.Single((await recur.Stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Status = "all" },
            new RequestOptions { StripeAccount = tenant.AccountId }, Cancel)).Data);
        return (tenant, email, subscription.Id);
    }

    /// <summary>The merchant cancels in Stripe's Dashboard: only Stripe's event tells Recur.</summary>
    private Task CancelOnStripeAsync(SellingTenant tenant, string subscriptionId) =>
        recur.Stripe.V1.Subscriptions.CancelAsync(subscriptionId, null, new RequestOptions { StripeAccount = tenant.AccountId }, Cancel);

    private static async Task AssertEndsInRecurAsync(SellingTenant tenant, string email)
    {
        var detail = await tenant.Admin.SubscriptionPageAsync(email);
        detail = await tenant.Admin.WaitForAsync(detail.Url.AbsolutePath, page => page.TestId("status") == "Ended", seconds: 90);
        Assert.Equal("Ended", detail.TestId("status"));
        var row = Assert.Single(SubscriptionRows(await tenant.Admin.GetAsync("/admin/subscriptions"), email));
        Assert.Contains("(canceled)", row);
    }

    /// <summary>The test-mode webhook endpoints pointing at Recur (it made them itself at its first start).</summary>
    private async Task<List<WebhookEndpoint>> RecurEndpointsAsync() =>
        [.. (await recur.Stripe.V1.WebhookEndpoints.ListAsync(new WebhookEndpointListOptions { Limit = 100 }, null, Cancel)).Data
            .Where(e => e.Url.StartsWith(recur.ServerAddress.ToString().TrimEnd('/'), StringComparison.Ordinal))];

    private static bool OnAccount(HttpRequest request, string accountId) => request.Headers["Stripe-Account"] == accountId;

    /// <summary>The Stripe customers with this email on the account, on any of its test clocks or on none.</summary>
    private async Task<List<Customer>> CustomersAsync(string accountId, string email)
    {
        var onAccount = new RequestOptions { StripeAccount = accountId };
        var customers = new List<Customer>();
        customers.AddRange((await recur.Stripe.V1.Customers.ListAsync(new CustomerListOptions { Email = email, Limit = 100 }, onAccount, Cancel)).Data);
        await foreach (var clock in recur.Stripe.V1.TestHelpers.TestClocks.ListAutoPagingAsync(null, onAccount, Cancel))
        {
            customers.AddRange((await recur.Stripe.V1.Customers.ListAsync(new CustomerListOptions { TestClock = clock.Id, Limit = 100 }, onAccount, Cancel))
                .Data.Where(c => c.Email == email));
        }
        return [.. customers.DistinctBy(c => c.Id)];
    }

    /// <summary>The text of the subscription list's rows for <paramref name="email"/>.</summary>
    private static List<string> SubscriptionRows(Page list, string email) =>
        [.. Regex.Matches(list.Html, @"<tr data-subscription=""[0-9a-f-]{36}"">(?<row>.*?)</tr>", RegexOptions.Singleline)
            .Select(m => Regex.Replace(m.Groups["row"].Value, "<[^>]+>", " "))
            .Where(row => row.Contains(email.ToLowerInvariant(), StringComparison.Ordinal))];
}
