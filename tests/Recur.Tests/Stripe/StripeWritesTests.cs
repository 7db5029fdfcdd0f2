using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.StripeSandbox.Infrastructure;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Recur.Web.Checkout;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Stripe;

namespace Recur.Tests.Stripe;

/// <summary>Recur with the sandbox's fault admin open, short retry delays (so a test does not wait for backoff in
/// real time for long) and a Stripe HTTP timeout short enough that a held request times out.</summary>
public sealed class StripeWriteFaultsFactory : RecurFactory
{
    public const string AdminToken = "stripe-writes-admin-token";

    public SandboxFaultAdmin Faults => new(SandboxAddress, AdminToken);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Sandbox:FaultAdminToken"] = AdminToken,
        ["StripeWrites:MaxAttempts"] = "8",
        ["StripeWrites:FirstRetryDelay"] = "00:00:00.050",
        ["StripeWrites:MaxRetryDelay"] = "00:00:00.500",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
            services.AddHttpClient(StripeClients.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(3)));
    }
}

/// <summary>
/// Checkout's Stripe creates under faults: each is sent again with the same Idempotency-Key by <see cref="StripeWrites"/>
/// (on 429s Stripe.net leaves to the caller, on 409 <c>idempotency_key_in_use</c> while a timed-out first request is
/// still being applied, on 5xx), so the customer ends with exactly one Stripe customer and one subscription; when
/// Stripe never accepts, the customer gets a clear 502 and the same order finishes later.
/// </summary>
public sealed class StripeWritesTests(StripeWriteFaultsFactory factory) : IClassFixture<StripeWriteFaultsFactory>, IAsyncLifetime
{
    private static readonly string[] Post = ["POST"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await factory.Faults.ClearAsync();

    private static ApiFault On(string path, ApiFaultKind kind, FaultRate rate, int? delayMs = null, int? status = null) =>
        new(kind, rate) { Methods = Post, Paths = [path], DelayMs = delayMs, Status = status };

    [Fact]
    public async Task A_checkout_under_repeated_429s_busy_keys_and_503s_ends_with_one_customer_and_one_subscription_at_stripe()
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId);
        await factory.Faults.SetAsync(new FaultPlan
        {
            Api =
            [
                // Three 429 rate_limit in a row: Stripe.net gives each straight back (no Stripe-Should-Retry).
                On("/v1/customers", ApiFaultKind.RateLimit, new FaultRate(Every: 1, Limit: 3)),
                On("/v1/customers", ApiFaultKind.ServerError, new FaultRate(Every: 1, Limit: 4), status: 503),
                // The first subscription create is still being applied when Recur's 3 s timeout fires: every
                // retry meanwhile is told 409 idempotency_key_in_use, then gets the stored result.
                On("/v1/subscriptions", ApiFaultKind.Slow, FaultRate.Once, delayMs: 5_000),
                On("/v1/subscriptions", ApiFaultKind.LockTimeout, new FaultRate(Every: 1, Limit: 2)),
            ],
        });

        using var response = await customer.PostOrderRawAsync(tenant.CheckoutPath, open.Token, details);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        var counts = await factory.Faults.CountsAsync();
        await factory.Faults.ClearAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"The order was refused ({(int)response.StatusCode}): {body}");
        var checkout = JsonSerializer.Deserialize<CheckoutResponse>(body, CheckoutFlows.Json)!;
        await factory.ConfirmCardAsync(checkout);
        var complete = await customer.WaitForAsync(checkout.ReturnUrl, page => page.State() == "Active", seconds: 60);
        Assert.Equal("Active", complete.State());

        Assert.Equal(3, counts.RateLimit);
        Assert.Equal(4, counts.ServerError);
        Assert.Equal(1, counts.Slow);
        Assert.Equal(2, counts.LockTimeout);
        var (customers, subscriptions) = await AtStripeAsync(tenant, details.Email!);
        var only = Assert.Single(customers);
        var subscription = Assert.Single(subscriptions);
        Assert.Equal(only.Id, subscription.CustomerId);
        Assert.Equal("active", subscription.Status);
        var order = await OrderAsync(checkout.OrderId);
        Assert.Equal(only.Id, order.StripeCustomerId);
        Assert.Equal(subscription.Id, order.StripeSubscriptionId);
    }

    [Fact]
    public async Task When_stripe_keeps_refusing_the_customer_gets_a_clear_502_and_the_same_order_finishes_later_with_one_customer()
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId);
        await factory.Faults.SetAsync(new FaultPlan { Api = [On("/v1/customers", ApiFaultKind.RateLimit, FaultRate.EveryNth(1))] });

        using var refused = await customer.PostOrderRawAsync(tenant.CheckoutPath, open.Token, details);
        var problem = JsonSerializer.Deserialize<ProblemDetails>(await refused.Content.ReadAsStringAsync(Cancel), CheckoutFlows.Json)!;
        var counts = await factory.Faults.CountsAsync();
        await factory.Faults.ClearAsync();
        var (customersWhileRefused, _) = await AtStripeAsync(tenant, details.Email!);
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);

        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("The payment provider is not answering.", problem.Title);
        Assert.Contains("nothing has been charged", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(8, counts.RateLimit);
        Assert.Empty(customersWhileRefused);
        Assert.Equal(open.OrderId, checkout.OrderId);
        var (customers, subscriptions) = await AtStripeAsync(tenant, details.Email!);
        Assert.Single(customers);
        Assert.Single(subscriptions);
    }

    [Fact]
    public async Task A_one_off_payment_under_429s_and_503s_creates_one_payment_intent()
    {
        var tenant = await factory.SellingTenantAsync(new Dictionary<string, string>(Catalog.CatalogFlows.MonthlyCardOffer("Single issue"))
        {
            ["Form.Billing"] = "OneOff",
        });
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId);
        await factory.Faults.SetAsync(new FaultPlan
        {
            Api =
            [
                On("/v1/payment_intents", ApiFaultKind.RateLimit, new FaultRate(Every: 1, Limit: 2)),
                On("/v1/payment_intents", ApiFaultKind.ServerError, new FaultRate(Every: 1, Limit: 3), status: 503),
            ],
        });

        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);
        var counts = await factory.Faults.CountsAsync();
        await factory.Faults.ClearAsync();

        Assert.Equal("payment", checkout.IntentType);
        Assert.Equal(2, counts.RateLimit);
        Assert.Equal(3, counts.ServerError);
        var stripe = await factory.PlatformStripeAsync();
        var (customers, _) = await AtStripeAsync(tenant, details.Email!);
        var intents = await stripe.V1.PaymentIntents.ListAsync(new PaymentIntentListOptions { Customer = Assert.Single(customers).Id, Limit = 100 },
            new RequestOptions { StripeAccount = tenant.AccountId }, Cancel);
        Assert.Equal(CheckoutFlows.SecretId(checkout.ClientSecret!), Assert.Single(intents.Data).Id);
    }

    /// <summary>The connected account's customers with <paramref name="email"/>, and all their subscriptions, as
    /// Stripe holds them.</summary>
    private async Task<(List<Customer> Customers, List<global::Stripe.Subscription> Subscriptions)> AtStripeAsync(SellingTenant tenant, string email)
    {
        var stripe = await factory.PlatformStripeAsync();
        var onAccount = new RequestOptions { StripeAccount = tenant.AccountId };
        var customers = (await stripe.V1.Customers.ListAsync(new CustomerListOptions { Email = email, Limit = 100 }, onAccount, Cancel)).Data;
        var subscriptions = new List<global::Stripe.Subscription>();
        foreach (var each in customers)
        {
            subscriptions.AddRange((await stripe.V1.Subscriptions.ListAsync(
                new SubscriptionListOptions { Customer = each.Id, Status = "all", Limit = 100 }, onAccount, Cancel)).Data);
        }
        return (customers, subscriptions);
    }

    private async Task<Order> OrderAsync(Guid orderId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Orders.IgnoreQueryFilters().AsNoTracking().SingleAsync(o => o.Id == orderId, Cancel);
    }
}
