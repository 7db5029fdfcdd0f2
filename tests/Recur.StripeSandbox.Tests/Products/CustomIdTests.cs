using System.Net;
using Recur.StripeSandbox.Tests.Accounts;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.Products;

/// <summary>
/// Ids a caller chooses belong to their account: a product's <c>id</c> must be unique "across all products in your
/// Stripe account" (https://docs.stripe.com/api/products/create#create_product-id), so two connected accounts and
/// the platform itself may each hold <c>gold</c>, and each sees only its own; a second <c>gold</c> in one account is
/// Stripe's 400 <c>resource_already_exists</c>.
/// </summary>
public sealed class CustomIdTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_accounts_and_their_platform_each_hold_a_product_with_the_same_custom_id()
    {
        var platform = sandbox.NewPlatform();
        var first = await NewAccounts.ExpressAsync(platform.Test, "first@example.com");
        var second = await NewAccounts.ExpressAsync(platform.Test, "second@example.com");
        var onFirst = new RequestOptions { StripeAccount = first.Id };
        var onSecond = new RequestOptions { StripeAccount = second.Id };

        var a = await platform.Test.V1.Products.CreateAsync(new ProductCreateOptions { Id = "gold", Name = "First's gold" }, onFirst, Ct);
        var b = await platform.Test.V1.Products.CreateAsync(new ProductCreateOptions { Id = "gold", Name = "Second's gold" }, onSecond, Ct);
        var own = await platform.Test.V1.Products.CreateAsync(new ProductCreateOptions { Id = "gold", Name = "Platform's gold" },
            cancellationToken: Ct);

        var readFirst = await platform.Test.V1.Products.GetAsync("gold", requestOptions: onFirst, cancellationToken: Ct);
        var readSecond = await platform.Test.V1.Products.GetAsync("gold", requestOptions: onSecond, cancellationToken: Ct);
        var readOwn = await platform.Test.V1.Products.GetAsync("gold", cancellationToken: Ct);
        var listedFirst = await platform.Test.V1.Products.ListAsync(new ProductListOptions(), onFirst, Ct);

        Assert.Equal(["gold", "gold", "gold"], new[] { a.Id, b.Id, own.Id });
        Assert.Equal("First's gold", readFirst.Name);
        Assert.Equal("Second's gold", readSecond.Name);
        Assert.Equal("Platform's gold", readOwn.Name);
        Assert.Equal(["First's gold"], listedFirst.Data.Select(p => p.Name));
    }

    [Fact]
    public async Task Prices_updates_and_deletes_reach_the_product_of_the_callers_own_account()
    {
        var platform = sandbox.NewPlatform();
        var first = await NewAccounts.ExpressAsync(platform.Test, "first@example.com");
        var second = await NewAccounts.ExpressAsync(platform.Test, "second@example.com");
        var onFirst = new RequestOptions { StripeAccount = first.Id };
        var onSecond = new RequestOptions { StripeAccount = second.Id };
        await platform.Test.V1.Products.CreateAsync(new ProductCreateOptions { Id = "gold", Name = "First's gold" }, onFirst, Ct);
        await platform.Test.V1.Products.CreateAsync(new ProductCreateOptions { Id = "gold", Name = "Second's gold" }, onSecond, Ct);

        var price = await platform.Test.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Product = "gold", Currency = "gbp", UnitAmount = 500,
        }, onSecond, Ct);
        var expanded = await platform.Test.V1.Prices.GetAsync(price.Id, new PriceGetOptions { Expand = ["product"] }, onSecond, Ct);
        await platform.Test.V1.Products.UpdateAsync("gold", new ProductUpdateOptions { Name = "First's renamed" }, onFirst, Ct);
        await platform.Test.V1.Products.DeleteAsync("gold", requestOptions: onFirst, cancellationToken: Ct);
        var gone = await Assert.ThrowsAsync<StripeException>(() =>
            platform.Test.V1.Products.GetAsync("gold", requestOptions: onFirst, cancellationToken: Ct));
        var kept = await platform.Test.V1.Products.GetAsync("gold", requestOptions: onSecond, cancellationToken: Ct);

        Assert.Equal("Second's gold", expanded.Product.Name);
        Assert.Equal(HttpStatusCode.NotFound, gone.HttpStatusCode);
        Assert.Equal("Second's gold", kept.Name);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_second_product_with_the_same_id_in_one_account_is_refused(bool connected)
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);
        var on = connected ? new RequestOptions { StripeAccount = account.Id } : null;
        await platform.Test.V1.Products.CreateAsync(new ProductCreateOptions { Id = "gold", Name = "Gold" }, on, Ct);

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            platform.Test.V1.Products.CreateAsync(new ProductCreateOptions { Id = "gold", Name = "Gold again" }, on, Ct));
        var kept = await platform.Test.V1.Products.GetAsync("gold", requestOptions: on, cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("resource_already_exists", error.StripeError.Code);
        Assert.Equal("id", error.StripeError.Param);
        Assert.Equal("Gold", kept.Name);
    }

    /// <summary>Test and live data are apart; Stripe's go-live checklist even suggests the same ids in both modes
    /// (https://docs.stripe.com/get-started/checklist/go-live).</summary>
    [Fact]
    public async Task The_same_custom_id_in_test_and_live_mode_are_two_products()
    {
        var platform = sandbox.NewPlatform();

        await platform.Test.V1.Products.CreateAsync(new ProductCreateOptions { Id = "gold", Name = "Test gold" }, cancellationToken: Ct);
        await platform.Live.V1.Products.CreateAsync(new ProductCreateOptions { Id = "gold", Name = "Live gold" }, cancellationToken: Ct);

        Assert.Equal("Test gold", (await platform.Test.V1.Products.GetAsync("gold", cancellationToken: Ct)).Name);
        Assert.Equal("Live gold", (await platform.Live.V1.Products.GetAsync("gold", cancellationToken: Ct)).Name);
    }
}
