using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;

namespace Recur.Tests.Edge;

/// <summary>Recur with low limits: 3 sign-ins and 3 sign-ups a minute, 5 checkout orders, 5 webhook deliveries, and
/// two addresses exempt from the webhook limit: one standing for Stripe's, and loopback, where the embedded sandbox
/// delivers from.</summary>
public sealed class LowRateLimitFactory : RecurFactory
{
    public const string StripeAddress = "10.20.30.40";

    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["RateLimits:SignIn:PermitLimit"] = "3",
        ["RateLimits:SignIn:WindowSeconds"] = "600",
        ["RateLimits:SignUp:PermitLimit"] = "3",
        ["RateLimits:SignUp:WindowSeconds"] = "600",
        ["RateLimits:CheckoutOrders:PermitLimit"] = "5",
        ["RateLimits:CheckoutOrders:WindowSeconds"] = "600",
        ["RateLimits:Webhooks:PermitLimit"] = "5",
        ["RateLimits:Webhooks:WindowSeconds"] = "600",
        ["RateLimits:WebhookAllowedAddresses:0"] = StripeAddress,
        ["RateLimits:WebhookAllowedAddresses:1"] = "127.0.0.1",
    };
}

public sealed class RateLimitTests(LowRateLimitFactory factory) : IClassFixture<LowRateLimitFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_hundred_orders_in_a_burst_from_one_client_are_refused_after_the_limit_with_retry_after()
    {
        var seller = await factory.SellingTenantAsync(businessName: "Card Testing Target Ltd");
        using var attacker = factory.NewBrowser();
        attacker.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        var open = await attacker.OpenCheckoutAsync(seller.CheckoutPath);

        var statuses = new List<HttpStatusCode>();
        ProblemDetails? refusal = null;
        string? retryAfter = null;
        for (var i = 0; i < 100; i++)
        {
            using var response = await attacker.PostOrderRawAsync(seller.CheckoutPath, open.Token,
                CheckoutFlows.Details(Guid.NewGuid(), email: $"card-test-{i}@example.com"));
            statuses.Add(response.StatusCode);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests,
                $"Order {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
            if (response.StatusCode == HttpStatusCode.TooManyRequests && refusal is null)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                refusal = await response.Content.ReadFromJsonAsync<ProblemDetails>(Cancel);
                retryAfter = response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(95, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.NotNull(refusal);
        Assert.Equal(429, refusal.Status);
        Assert.Contains("Too many checkout attempts from your network", refusal.Detail);
        Assert.NotNull(retryAfter);
        Assert.True(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture) > 0);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(5, await db.Orders.IgnoreQueryFilters().CountAsync(o => o.OfferId == seller.OfferId, Cancel));

        // Another customer, from another address, still buys.
        using var customer = factory.NewBrowser();
        customer.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.20");
        var theirs = await customer.OpenCheckoutAsync(seller.CheckoutPath);
        var placed = await customer.PlaceOrderAsync(seller.CheckoutPath, theirs, CheckoutFlows.Details(theirs.OrderId));
        Assert.NotNull(placed.ClientSecret);
    }

    [Fact]
    public async Task Password_guessing_from_one_address_is_slowed_to_the_limit()
    {
        using var guesser = factory.NewBrowser();
        guesser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.50");
        var page = await guesser.GetAsync("/signin");
        var form = page.FormWithField("Form.Password");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await guesser.PostRawAsync(page, form, new Dictionary<string, string>
            {
                ["Form.Email"] = $"victim-{i}@example.com",
                ["Form.Password"] = "guess number " + i,
            });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(Cancel);
                Assert.Contains("Too many sign-in attempts", problem!.Detail);
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses.Take(3));
        Assert.All(statuses.Skip(3), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        // Reading the page is not limited.
        var again = await guesser.GetAsync("/signin");
        Assert.Equal(HttpStatusCode.OK, again.Status);
    }

    [Fact]
    public async Task Sign_ups_from_one_address_are_limited()
    {
        using var spammer = factory.NewBrowser();
        spammer.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.60");
        var page = await spammer.GetAsync("/signup");
        var form = page.FormWithField("Form.BusinessName");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await spammer.PostRawAsync(page, form, new Dictionary<string, string>
            {
                ["Form.BusinessName"] = "Spam " + i,
                ["Form.Email"] = "not an email",
                ["Form.Password"] = RecurBrowser.Password,
            });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Webhook_deliveries_are_limited_per_address_except_from_the_allowed_stripe_addresses()
    {
        async Task<List<HttpStatusCode>> SendAsync(string from, int count)
        {
            using var http = new HttpClient { BaseAddress = factory.ServerAddress };
            http.DefaultRequestHeaders.Add("X-Forwarded-For", from);
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < count; i++)
            {
                using var response = await http.PostAsync("/webhooks/stripe/test", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), Cancel);
                statuses.Add(response.StatusCode);
            }
            return statuses;
        }

        var flood = await SendAsync("203.0.113.70", 8);
        var stripe = await SendAsync(LowRateLimitFactory.StripeAddress, 8);

        // Unsigned bodies are refused (400) until the limit, then the address is throttled.
        Assert.Equal(5, flood.Count(s => s == HttpStatusCode.BadRequest));
        Assert.Equal(3, flood.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.All(stripe, s => Assert.Equal(HttpStatusCode.BadRequest, s));
    }
}
