using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Checkout;

namespace Recur.Tests.Checkout;

public sealed class OrderPrivacyTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static CheckoutRequest PrivateDetails(Guid orderId, string email) =>
        new(orderId, email, "Grace Private", "card", new CheckoutAddress("7 Secret Lane", "Flat 2", "Hiddenham", "HD1 2XY", "GB"));

    [Fact]
    public async Task An_order_id_opened_in_another_browser_shows_none_of_the_customers_details()
    {
        var seller = await factory.SellingTenantAsync(businessName: "Private Books Ltd");
        using var customer = factory.NewBrowser();
        var email = $"grace-{Guid.NewGuid():N}@example.com";
        var open = await customer.OpenCheckoutAsync(seller.CheckoutPath);
        await customer.PlaceOrderAsync(seller.CheckoutPath, open, PrivateDetails(open.OrderId, email));

        using var stranger = factory.NewBrowser();
        var page = await stranger.GetAsync($"{seller.CheckoutPath}?order={open.OrderId}");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        foreach (var secret in new[] { email, "Grace Private", "7 Secret Lane", "Hiddenham", "HD1 2XY", open.OrderId.ToString() })
        {
            Assert.DoesNotContain(secret, page.Html, StringComparison.OrdinalIgnoreCase);
        }
        Assert.NotEqual(open.OrderId, Guid.Parse(page.Form("").Fields["orderId"]));

        // The customer's own browser still reopens the order with the details filled in.
        var own = await customer.GetAsync($"{seller.CheckoutPath}?order={open.OrderId}");
        Assert.Equal(open.OrderId, Guid.Parse(own.Form("").Fields["orderId"]));
        Assert.Contains("Grace Private", own.Html);
        Assert.Contains("7 Secret Lane", own.Html);
    }

    [Fact]
    public async Task Posting_someone_elses_order_id_with_their_details_returns_a_new_order_never_their_client_secret()
    {
        var seller = await factory.SellingTenantAsync(businessName: "Secret Keeping Ltd");
        using var customer = factory.NewBrowser();
        var email = $"grace-{Guid.NewGuid():N}@example.com";
        var open = await customer.OpenCheckoutAsync(seller.CheckoutPath);
        var placed = await customer.PlaceOrderAsync(seller.CheckoutPath, open, PrivateDetails(open.OrderId, email));
        Assert.NotNull(placed.ClientSecret);

        using var stranger = factory.NewBrowser();
        var theirs = await stranger.OpenCheckoutAsync(seller.CheckoutPath);
        var answer = await stranger.PlaceOrderAsync(seller.CheckoutPath, theirs, PrivateDetails(open.OrderId, email));

        Assert.NotEqual(open.OrderId, answer.OrderId);
        Assert.NotEqual(placed.ClientSecret, answer.ClientSecret);
        Assert.DoesNotContain(CheckoutOrders.IntentIdFromSecret(placed.ClientSecret!), JsonSerializer.Serialize(answer));

        // The customer's own retry (same browser, same order) still gets the same order and secret.
        var retried = await customer.PlaceOrderAsync(seller.CheckoutPath, open, PrivateDetails(open.OrderId, email));
        Assert.Equal(open.OrderId, retried.OrderId);
        Assert.Equal(placed.ClientSecret, retried.ClientSecret);
    }

    [Fact]
    public async Task A_nul_byte_in_the_customers_name_is_a_400_naming_the_field_and_makes_no_order()
    {
        var seller = await factory.SellingTenantAsync(businessName: "Null Names Ltd");
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(seller.CheckoutPath);

        using var response = await customer.PostOrderRawAsync(seller.CheckoutPath, open.Token,
            PrivateDetails(open.OrderId, $"nul-{Guid.NewGuid():N}@example.com") with { Name = "Grace\0Private" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("\"name\"", body);
        Assert.Contains("Remove the control characters (such as NUL) from this field.", body);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Recur.Web.Data.AppDbContext>();
        Assert.False(await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(
            Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.IgnoreQueryFilters(db.Orders), o => o.Id == open.OrderId, Cancel));
    }

    [Fact]
    public async Task The_browser_key_cookie_is_http_only()
    {
        var seller = await factory.SellingTenantAsync(businessName: "Cookie Jar Ltd");
        using var customer = factory.NewBrowser();

        using var response = await customer.GetRawAsync(seller.CheckoutPath);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(CheckoutBrowserKey.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
    }
}
