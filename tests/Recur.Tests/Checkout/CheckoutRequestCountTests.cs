using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
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
    /// <summary>
    /// The measure asked for: a new customer buys an offer whose price is already on Stripe (mapped when the offer
    /// was published). Counted: the requests Recur sends to Stripe while answering the checkout's order request.
    /// </summary>
    [Fact]
    public async Task A_checkout_by_a_new_customer_in_test_costs_four_stripe_requests_and_a_returning_customer_one()
    {
        await factory.RequireSandboxAsync();
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId);
        factory.Log.Clear();

        await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);

        var newCustomer = factory.Log.CausedBy("/api/checkout/");
        Assert.Equal(
        [
            "GET /v1/customers",
            "POST /v1/test_helpers/test_clocks",
            "POST /v1/customers",
            "POST /v1/subscriptions",
        ], newCustomer);
        TestContext.Current.SendDiagnosticMessage($"Stripe requests per checkout (new customer, Test): {newCustomer.Count}: {string.Join(", ", newCustomer)}");

        using var returning = factory.NewBrowser();
        var second = await returning.OpenCheckoutAsync(tenant.CheckoutPath);
        factory.Log.Clear();
        await returning.PlaceOrderAsync(tenant.CheckoutPath, second, CheckoutFlows.Details(second.OrderId, details.Email));

        Assert.Equal(["POST /v1/subscriptions"], factory.Log.CausedBy("/api/checkout/"));
    }
}
