using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Tests.Subscriptions;
using Recur.Web.Stripe;

namespace Recur.Tests.Checkout;

/// <summary>Every request Recur sends through its Stripe HttpClient, with the path of the Recur request that caused
/// it (none for background work such as webhook processing).</summary>
public sealed class StripeRequestLog
{
    public ConcurrentQueue<(string Method, string Path, string? CausedBy)> Requests { get; } = new();

    public IReadOnlyList<string> CausedBy(string recurPathPrefix) =>
        [.. Requests.Where(r => r.CausedBy?.StartsWith(recurPathPrefix, StringComparison.Ordinal) == true).Select(r => $"{r.Method} {r.Path}")];

    public void Clear() => Requests.Clear();
}

public sealed class CountingHandler(StripeRequestLog log, IHttpContextAccessor context) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        log.Requests.Enqueue((request.Method.Method, request.RequestUri!.AbsolutePath, context.HttpContext?.Request.Path.Value));
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Recur with a counting handler on its Stripe HttpClient.</summary>
public sealed class CountingRecurFactory : RecurFactory
{
    public StripeRequestLog Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Log);
            services.AddTransient<CountingHandler>();
            services.AddHttpClient(StripeClients.HttpClientName).AddHttpMessageHandler<CountingHandler>();
        });
    }
}

public sealed class CheckoutRequestCountTests(CountingRecurFactory factory) : IClassFixture<CountingRecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// The measure asked for: a new customer buys an offer whose price is already on Stripe (mapped when the offer
    /// was published). Counted: the requests Recur sends to Stripe while answering the checkout's order request,
    /// once the account's background preparation (customer import) has run. Test and Production cost the same: no
    /// test clock is made or used at checkout.
    /// </summary>
    [Fact]
    public async Task A_checkout_by_a_new_customer_in_test_costs_two_stripe_requests_and_a_returning_customer_one()
    {
        var tenant = await factory.SellingTenantAsync();
        await factory.PrepareConnectedAccountsAsync();

        var (newCustomer, email) = await CountCheckoutAsync(tenant.CheckoutPath);

        Assert.Equal(["POST /v1/customers", "POST /v1/subscriptions"], newCustomer);
        Report("new customer, Test", newCustomer);
        var customer = Assert.Single(await factory.CustomersOnAsync(tenant.AccountId));
        Assert.Null(customer.TestClockId);

        var (returning, _) = await CountCheckoutAsync(tenant.CheckoutPath, email.ToUpperInvariant());
        Assert.Equal(["POST /v1/subscriptions"], returning);
        Report("returning customer, Test", returning);
    }

    [Fact]
    public async Task A_checkout_by_a_new_customer_in_production_costs_two_stripe_requests()
    {
        var tenant = await factory.SellingTenantAsync("production");
        await factory.PrepareConnectedAccountsAsync();

        var (newCustomer, _) = await CountCheckoutAsync(tenant.CheckoutPath);

        Assert.Equal(["POST /v1/customers", "POST /v1/subscriptions"], newCustomer);
        Report("new customer, Production", newCustomer);
    }

    [Fact]
    public async Task Before_the_customer_import_has_finished_checkout_asks_stripe_for_the_email()
    {
        var tenant = await factory.SellingTenantAsync();
        await factory.PrepareConnectedAccountsAsync();
        await factory.ForgetCustomerImportAsync(tenant.AccountId);

        var (newCustomer, _) = await CountCheckoutAsync(tenant.CheckoutPath);

        Assert.Equal("GET /v1/customers", newCustomer[0]);
        Assert.Equal("POST /v1/subscriptions", newCustomer[^1]);
        Report("new customer, Test, before the import", newCustomer);
    }

    private async Task<(IReadOnlyList<string> Requests, string Email)> CountCheckoutAsync(string checkoutPath, string? email = null)
    {
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(checkoutPath);
        var details = CheckoutFlows.Details(open.OrderId, email);
        factory.Log.Clear();
        await customer.PlaceOrderAsync(checkoutPath, open, details);
        return (factory.Log.CausedBy("/api/checkout/"), details.Email!);
    }

    private static void Report(string what, IReadOnlyList<string> requests)
    {
        var line = $"Stripe requests per checkout ({what}): {requests.Count}: {string.Join(", ", requests)}";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
    }
}
