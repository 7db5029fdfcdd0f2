using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Catalog;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;

namespace Recur.Tests.Edge;

/// <summary>Control characters in what people send: the form again with a message naming the field, or a 400
/// validation problem naming it for the checkout API; nothing stored either way.</summary>
public sealed class ControlCharacterTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_nul_byte_in_an_offer_name_shows_the_offer_form_again_naming_the_field()
    {
        var (admin, _) = await factory.SignUpTenantAsync("Control Ltd");
        var productId = await admin.CreateProductAsync("Controlled club");

        var page = await admin.SubmitOfferAsync(productId, CatalogFlows.MonthlyCardOffer("Month\0ly"));

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("/admin/catalog/offers", page.Url.AbsolutePath);
        Assert.Contains("The field Name contains a control character (such as NUL), which Recur does not accept.", page.TestId("errors"));
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<AppDbContext>().Offers.IgnoreQueryFilters().AnyAsync(o => o.ProductId == productId, Cancel));
    }

    [Fact]
    public async Task A_nul_byte_in_the_business_name_at_sign_up_shows_the_form_again_naming_the_field_and_creates_no_tenant()
    {
        using var browser = factory.NewBrowser();
        var email = $"nul-{Guid.NewGuid():N}@example.com";
        var form = await browser.GetAsync("/signup");

        var page = await browser.SubmitAsync(form, form.FormWithField("Form.BusinessName"), new Dictionary<string, string>
        {
            ["Form.BusinessName"] = "Null\0 Ltd",
            ["Form.Email"] = email,
            ["Form.Password"] = RecurBrowser.Password,
        });

        Assert.True(page.Status == HttpStatusCode.OK, page.Html);
        Assert.Equal("/signup", page.Url.AbsolutePath);
        Assert.Contains("The field Business name contains a control character (such as NUL)", page.Text);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.AnyAsync(u => u.Email == email, Cancel));
    }

    [Fact]
    public async Task A_product_description_keeps_its_line_breaks_but_not_an_escape_character()
    {
        var (admin, _) = await factory.SignUpTenantAsync("Lines Ltd");
        var form = await admin.GetAsync("/admin/catalog/products");

        var refused = await admin.SubmitAsync(form, form.FormWithField("Form.Name"), new Dictionary<string, string>
        {
            ["Form.Name"] = "Poetry club",
            ["Form.Description"] = "Line one\r\n\u001b[31mLine two",
        });
        var saved = await admin.SubmitAsync(form, form.FormWithField("Form.Name"), new Dictionary<string, string>
        {
            ["Form.Name"] = "Poetry club",
            ["Form.Description"] = "Line one\r\n\tLine two",
        });

        Assert.Contains("The field Description contains a control character", refused.TestId("errors"));
        Assert.Equal("/admin/catalog", saved.Url.AbsolutePath);
        await using var scope = factory.Services.CreateAsyncScope();
        var descriptions = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Products.IgnoreQueryFilters()
            .Where(p => p.Name == "Poetry club").Select(p => p.Description).ToListAsync(Cancel);
        Assert.Equal("Line one\r\n\tLine two", Assert.Single(descriptions));
    }

    [Fact]
    public async Task An_escape_character_in_a_checkout_address_is_a_400_problem_naming_the_field()
    {
        var seller = await factory.SellingTenantAsync(businessName: "Escaped Ltd");
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(seller.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId, $"esc-{Guid.NewGuid():N}@example.com");

        using var response = await customer.PostOrderRawAsync(seller.CheckoutPath, open.Token,
            details with { Address = details.Address! with { Line1 = "1 High\u001bStreet" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.Equal("Remove the control characters (such as NUL) from this field.", errors.GetProperty("address.line1")[0].GetString());
        Assert.Single(errors.EnumerateObject());
    }
}
