using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;

namespace Recur.Tests.Checkout;

/// <summary>Whatever the checkout page's script is sent, the order API answers a 4xx ProblemDetails, never a 500,
/// and places no order.</summary>
public sealed class CheckoutMalformedInputTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string Valid = """{"email":"reader@example.com","name":"Ada Reader","paymentType":"card"}""";

    public static TheoryData<string, string, int> Bodies => new()
    {
        { "application/json", "{", 400 },
        { "application/json", "not json", 400 },
        { "application/json", "", 400 },
        { "application/json", "null", 400 },
        { "application/json", "[]", 400 },
        { "application/json", "\"a string\"", 400 },
        { "application/json", "42", 400 },
        { "application/json", """{"orderId":"not-a-guid","email":"reader@example.com","name":"Ada","paymentType":"card"}""", 400 },
        { "application/json", """{"orderId":123,"email":"reader@example.com","name":"Ada","paymentType":"card"}""", 400 },
        { "application/json", """{"email":123,"name":true,"paymentType":[]}""", 400 },
        { "application/json", """{"email":"reader@example.com","name":"Ada","paymentType":"card","address":"x"}""", 400 },
        { "application/json", """{"email":"reader@example.com","name":"Ada","paymentType":"card","address":{"country":5}}""", 400 },
        { "application/json", """{"email":"reader@example.com","name":"Ada","paymentType":"card","address":{"line1":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}}""", 400 },
        { "application/json", "{\"email\":\"" + new string('a', 1_000_000) + "@example.com\",\"name\":\"Ada\",\"paymentType\":\"card\"}", 400 },
        { "application/json", "{\"email\":\"reader@example.com\",\"name\":\"" + new string('a', 1_000_000) + "\",\"paymentType\":\"card\"}", 400 },
        { "application/json", "{\"email\":\"reader@example.com\",\"name\":\"Ada\",\"paymentType\":\"" + new string('c', 100_000) + "\"}", 400 },
        { "application/json", """{"email":"reader@example.com","name":"Ada","paymentType":"nonsense"}""", 400 },
        { "application/json", """{"email":"not an email","name":"Ada","paymentType":"card"}""", 400 },
        { "application/json", """{"email":"reader@example.com","name":"Ada","paymentType":"card","address":{"line1":"1 High St","country":"Great Britain"}}""", 400 },
        { "text/plain", Valid, 415 },
        { "application/x-www-form-urlencoded", "email=reader%40example.com&name=Ada", 415 },
        { "application/xml", "<order/>", 415 },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_malformed_order_gets_a_problem_with_a_4xx_and_no_order_is_placed(string contentType, string body, int status)
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);

        using var response = await PostAsync(customer, tenant.CheckoutPath["/checkout/".Length..], open.Token, contentType, body);

        await AssertProblemAsync(response, status);
        Assert.Equal(0, await OrderCountAsync(tenant.OfferId));
    }

    public static TheoryData<string> UnknownOffers => new()
    {
        "not-a-real-offer",
        Guid.NewGuid().ToString(),
        "00000000-0000-0000-0000-000000000000",
        new string('x', 5000),
        "%E2%98%83",
        "a%20b",
    };

    [Theory]
    [MemberData(nameof(UnknownOffers))]
    public async Task An_order_for_an_offer_that_does_not_exist_gets_a_404_problem(string offer)
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);

        using var response = await PostAsync(customer, offer, open.Token, "application/json", Valid);

        await AssertProblemAsync(response, 404);
    }

    [Theory]
    [InlineData("not-a-real-offer")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("not-a-real-offer/complete?order=not-a-guid")]
    public async Task A_checkout_page_for_an_offer_that_does_not_exist_is_a_404(string path)
    {
        using var customer = factory.NewBrowser();

        var page = await customer.GetAsync("/checkout/" + path);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, page.Status);
    }

    [Theory]
    [InlineData("?order=not-a-guid")]
    [InlineData("?order=")]
    [InlineData("?order=00000000-0000-0000-0000-000000000000")]
    [InlineData("")]
    public async Task The_complete_page_with_a_bad_order_is_a_404_or_the_page(string query)
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();

        var page = await customer.GetAsync(tenant.CheckoutPath + "/complete" + query);

        Assert.True((int)page.Status is 200 or 400 or 404, $"{(int)page.Status}: {page.Text}");
    }

    private async Task<int> OrderCountAsync(Guid offerId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Orders.IgnoreQueryFilters()
            .CountAsync(o => o.OfferId == offerId, Cancel);
    }

    private static async Task<HttpResponseMessage> PostAsync(RecurBrowser customer, string offer, string token, string contentType, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/checkout/{offer}/orders")
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
        request.Headers.Add("RequestVerificationToken", token);
        return await customer.Http.SendAsync(request, Cancel);
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode} (expected {status}): {text[..Math.Min(text.Length, 2000)]}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
