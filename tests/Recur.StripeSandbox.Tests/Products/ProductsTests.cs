using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.PaymentIntents;
using Stripe;

namespace Recur.StripeSandbox.Tests.Products;

/// <summary>Products on a connected account: create (with a default price), update, list by ids and active, delete.</summary>
public sealed class ProductsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_product_is_created_updated_listed_and_deleted_with_its_events()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var product = await shop.Server.V1.Products.CreateAsync(new ProductCreateOptions
        {
            Name = "Gold plan", Description = "Everything", Metadata = new() { ["offer"] = "7" },
        }, shop.On(), Ct);
        var updated = await shop.Server.V1.Products.UpdateAsync(product.Id,
            new ProductUpdateOptions { Active = false, Name = "Gold plan (old)" }, shop.On(), Ct);
        var inactive = await shop.Server.V1.Products.ListAsync(new ProductListOptions { Active = false }, shop.On(), Ct);
        var active = await shop.Server.V1.Products.ListAsync(new ProductListOptions { Active = true }, shop.On(), Ct);
        var deleted = await shop.Server.V1.Products.DeleteAsync(product.Id, requestOptions: shop.On(), cancellationToken: Ct);
        var gone = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.Products.GetAsync(product.Id, requestOptions: shop.On(), cancellationToken: Ct));

        Assert.StartsWith("prod_", product.Id, StringComparison.Ordinal);
        Assert.True(product.Active);
        Assert.Equal("service", product.Type);
        Assert.False(updated.Active);
        Assert.Equal("Gold plan (old)", updated.Name);
        Assert.Equal([product.Id], inactive.Data.Select(p => p.Id));
        Assert.Empty(active.Data);
        Assert.True(deleted.Deleted);
        Assert.Equal(HttpStatusCode.NotFound, gone.HttpStatusCode);
        Assert.Equal(["product.created", "product.updated", "product.deleted"], await shop.EventTypesAsync());
    }

    [Fact]
    public async Task Default_price_data_makes_the_default_price_and_a_product_with_prices_cannot_be_deleted()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var product = await shop.Server.V1.Products.CreateAsync(new ProductCreateOptions
        {
            Name = "Silver plan",
            DefaultPriceData = new ProductDefaultPriceDataOptions
            {
                Currency = "gbp", UnitAmount = 900, Recurring = new ProductDefaultPriceDataRecurringOptions { Interval = "month" },
            },
        }, shop.On(), Ct);
        var price = await shop.Server.V1.Prices.GetAsync(product.DefaultPriceId, requestOptions: shop.On(), cancellationToken: Ct);
        var delete = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.Products.DeleteAsync(product.Id, requestOptions: shop.On(), cancellationToken: Ct));

        Assert.Equal(product.Id, price.ProductId);
        Assert.Equal(900, price.UnitAmount);
        Assert.Equal("month", price.Recurring.Interval);
        Assert.Equal(HttpStatusCode.BadRequest, delete.HttpStatusCode);
        Assert.Equal(["product.created", "price.created"], await shop.EventTypesAsync());
    }

    [Fact]
    public async Task Products_are_listed_by_ids()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var a = await shop.Server.V1.Products.CreateAsync(new ProductCreateOptions { Name = "A" }, shop.On(), Ct);
        var b = await shop.Server.V1.Products.CreateAsync(new ProductCreateOptions { Name = "B" }, shop.On(), Ct);
        await shop.Server.V1.Products.CreateAsync(new ProductCreateOptions { Name = "C" }, shop.On(), Ct);

        var listed = await shop.Server.V1.Products.ListAsync(new ProductListOptions { Ids = [a.Id, b.Id] }, shop.On(), Ct);

        Assert.Equal([b.Id, a.Id], listed.Data.Select(p => p.Id));
    }

    [Fact]
    public async Task A_product_needs_a_name_and_a_linked_id_must_exist()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var nameless = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.Products.CreateAsync(new ProductCreateOptions(), shop.On(), Ct));
        var missing = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.Products.GetAsync("prod_missing", requestOptions: shop.On(), cancellationToken: Ct));

        Assert.Equal("name", nameless.StripeError.Param);
        Assert.Equal("resource_missing", missing.StripeError.Code);
    }
}
