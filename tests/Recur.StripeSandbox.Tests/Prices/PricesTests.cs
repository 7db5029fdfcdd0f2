using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.PaymentIntents;
using Stripe;

namespace Recur.StripeSandbox.Tests.Prices;

/// <summary>Prices: created for a product or with product_data, validated as Stripe validates them, immutable but
/// for active, metadata, nickname and lookup_key, listed by product, active, type, currency and lookup_keys.</summary>
public sealed class PricesTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_recurring_price_is_created_for_a_product()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var product = await shop.Server.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Gold" }, shop.On(), Ct);

        var price = await shop.Server.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Product = product.Id, Currency = "GBP", UnitAmount = 1500, LookupKey = "gold-monthly",
            Recurring = new PriceRecurringOptions { Interval = "week", IntervalCount = 2 },
            Metadata = new() { ["offer"] = "7" },
        }, shop.On(), Ct);

        Assert.StartsWith("price_", price.Id, StringComparison.Ordinal);
        Assert.Equal("gbp", price.Currency);
        Assert.Equal("recurring", price.Type);
        Assert.Equal("week", price.Recurring.Interval);
        Assert.Equal(2, price.Recurring.IntervalCount);
        Assert.Equal("licensed", price.Recurring.UsageType);
        Assert.Equal(1500, price.UnitAmount);
        Assert.Equal(1500m, price.UnitAmountDecimal);
        Assert.Equal("gold-monthly", price.LookupKey);
        Assert.True(price.Active);
    }

    [Fact]
    public async Task Product_data_makes_a_new_product_for_a_one_time_price()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var price = await shop.Server.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "gbp", UnitAmount = 2500, ProductData = new PriceProductDataOptions { Name = "Joining fee" },
        }, shop.On(), Ct);
        var product = await shop.Server.V1.Products.GetAsync(price.ProductId, requestOptions: shop.On(), cancellationToken: Ct);

        Assert.Equal("one_time", price.Type);
        Assert.Null(price.Recurring);
        Assert.Equal("Joining fee", product.Name);
        Assert.Equal(["product.created", "price.created"], await shop.EventTypesAsync());
    }

    [Theory]
    [InlineData("fortnight", 1, "recurring[interval]")]
    [InlineData("month", 13, "recurring[interval_count]")]
    [InlineData("week", 53, "recurring[interval_count]")]
    [InlineData("day", 366, "recurring[interval_count]")]
    [InlineData("year", 2, "recurring[interval_count]")]
    [InlineData("month", 0, "recurring[interval_count]")]
    public async Task Billing_periods_are_day_week_month_or_year_and_at_most_a_year(string interval, long count, string param)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "gbp", UnitAmount = 1000, ProductData = new PriceProductDataOptions { Name = "Plan" },
            Recurring = new PriceRecurringOptions { Interval = interval, IntervalCount = count },
        }, shop.On(), Ct));

        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Equal(param, error.StripeError.Param);
    }

    [Theory]
    [InlineData("day", 365)]
    [InlineData("week", 52)]
    [InlineData("month", 12)]
    [InlineData("year", 1)]
    public async Task The_longest_periods_allowed_are_one_year(string interval, long count)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var price = await shop.Server.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "gbp", UnitAmount = 1000, ProductData = new PriceProductDataOptions { Name = "Plan" },
            Recurring = new PriceRecurringOptions { Interval = interval, IntervalCount = count },
        }, shop.On(), Ct);

        Assert.Equal(count, price.Recurring.IntervalCount);
    }

    [Theory]
    [InlineData("gbpx", 1000, "currency")]
    [InlineData("zzz", 1000, "currency")]
    [InlineData("gbp", -1, "unit_amount")]
    public async Task Currencies_and_amounts_are_checked(string currency, long amount, string param)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = currency, UnitAmount = amount, ProductData = new PriceProductDataOptions { Name = "Plan" },
        }, shop.On(), Ct));

        Assert.Equal(param, error.StripeError.Param);
    }

    [Fact]
    public async Task A_free_price_is_allowed_and_the_minimum_is_checked_only_when_paying()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var free = await shop.Server.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "gbp", UnitAmount = 0, ProductData = new PriceProductDataOptions { Name = "Free" },
        }, shop.On(), Ct);
        var tiny = await shop.Server.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "gbp", UnitAmount = 10, ProductData = new PriceProductDataOptions { Name = "Tiny" },
        }, shop.On(), Ct);

        Assert.Equal(0, free.UnitAmount);
        Assert.Equal(10, tiny.UnitAmount);
    }

    [Fact]
    public async Task Prices_are_immutable_except_active_metadata_nickname_and_lookup_key()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.Server.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "gbp", UnitAmount = 1000, ProductData = new PriceProductDataOptions { Name = "Plan" },
        }, shop.On(), Ct);

        var updated = await shop.Server.V1.Prices.UpdateAsync(price.Id, new PriceUpdateOptions
        {
            Active = false, Nickname = "Old", Metadata = new() { ["offer"] = "1" },
        }, shop.On(), Ct);
        var amountChange = new PriceUpdateOptions();
        amountChange.AddExtraParam("unit_amount", "2000");
        var refused = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.Prices.UpdateAsync(price.Id, amountChange, shop.On(), Ct));

        Assert.False(updated.Active);
        Assert.Equal("Old", updated.Nickname);
        Assert.Equal("parameter_unknown", refused.StripeError.Code);
        Assert.Contains("price.updated", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task A_lookup_key_belongs_to_one_price_unless_it_is_transferred()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var product = await shop.Server.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Plan" }, shop.On(), Ct);
        PriceCreateOptions Price(long amount, bool transfer = false) => new()
        {
            Product = product.Id, Currency = "gbp", UnitAmount = amount, LookupKey = "plan-monthly",
            TransferLookupKey = transfer ? true : null,
        };
        var first = await shop.Server.V1.Prices.CreateAsync(Price(1000), shop.On(), Ct);

        var clash = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.Prices.CreateAsync(Price(1200), shop.On(), Ct));
        var second = await shop.Server.V1.Prices.CreateAsync(Price(1200, transfer: true), shop.On(), Ct);
        var byKey = await shop.Server.V1.Prices.ListAsync(new PriceListOptions { LookupKeys = ["plan-monthly"] }, shop.On(), Ct);
        var old = await shop.Server.V1.Prices.GetAsync(first.Id, requestOptions: shop.On(), cancellationToken: Ct);

        Assert.Equal("lookup_key", clash.StripeError.Param);
        Assert.Equal([second.Id], byKey.Data.Select(p => p.Id));
        Assert.Null(old.LookupKey);
    }

    [Fact]
    public async Task Prices_are_listed_by_product_active_type_and_currency()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var product = await shop.Server.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Plan" }, shop.On(), Ct);
        var monthly = await shop.Server.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Product = product.Id, Currency = "gbp", UnitAmount = 1000, Recurring = new PriceRecurringOptions { Interval = "month" },
        }, shop.On(), Ct);
        var once = await shop.Server.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Product = product.Id, Currency = "eur", UnitAmount = 1000,
        }, shop.On(), Ct);
        await shop.Server.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "gbp", UnitAmount = 1000, ProductData = new PriceProductDataOptions { Name = "Other" }, Active = false,
        }, shop.On(), Ct);

        async Task<IEnumerable<string>> Ids(PriceListOptions options) =>
            (await shop.Server.V1.Prices.ListAsync(options, shop.On(), Ct)).Data.Select(p => p.Id);

        Assert.Equal([once.Id, monthly.Id], await Ids(new PriceListOptions { Product = product.Id }));
        Assert.Equal([monthly.Id], await Ids(new PriceListOptions { Type = "recurring" }));
        Assert.Equal([once.Id], await Ids(new PriceListOptions { Currency = "eur" }));
        Assert.Equal(2, (await Ids(new PriceListOptions { Active = true })).Count());
    }
}
