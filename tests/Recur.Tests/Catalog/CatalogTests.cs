using Recur.Tests.Infrastructure;
using Recur.Web.Stripe;
using Stripe;

namespace Recur.Tests.Catalog;

public sealed class CatalogTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_product_and_its_card_offer_appear_in_the_catalog_as_a_draft()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var productId = await browser.CreateProductAsync("Book club");

        var offerId = await browser.CreateOfferAsync(productId, CatalogFlows.MonthlyCardOffer("Monthly books"));

        var offer = await browser.OfferPageAsync(offerId);
        Assert.Equal("Draft", offer.TestId("offer-status"));
        Assert.Equal("£9.99 every month", offer.TestId("offer-summary"));
        var catalog = await browser.GetAsync("/admin/catalog");
        Assert.Contains("Book club", catalog.Text);
        Assert.Contains("Monthly books £9.99 every month Stripe Card TEST Draft", catalog.Text);
    }

    [Fact]
    public async Task The_offer_page_is_headed_with_the_offer_name_and_without_script_shows_the_bacs_choice_with_a_hint()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var productId = await browser.CreateProductAsync("Book club");
        var offerId = await browser.CreateOfferAsync(productId, CatalogFlows.MonthlyCardOffer("Monthly"));

        var offer = await browser.OfferPageAsync(offerId);

        Assert.Contains("<h1>Offer: Monthly</h1>", offer.Html);
        Assert.Contains("BACS subscriptions become active Only used when Stripe BACS Direct Debit is selected.", offer.Text);
        Assert.Contains("empty renews until cancelled", offer.Text);
        Assert.DoesNotContain("canceled", offer.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<div class=\"actions\"><button type=\"submit\">Save offer</button> <a href=\"/admin/catalog\">Back to catalog</a></div>", offer.Html);
    }

    [Fact]
    public async Task A_bacs_offer_priced_in_euros_is_refused_with_a_clear_message()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var productId = await browser.CreateProductAsync();
        var values = CatalogFlows.MonthlyCardOffer();
        values["Form.Currency"] = "eur";
        values["Form.PayByCard"] = "false";
        values["Form.PayByBacs"] = "true";

        var page = await browser.SubmitOfferAsync(productId, values);

        Assert.Equal("/admin/catalog/offers", page.Url.AbsolutePath);
        Assert.Contains("BACS Direct Debit takes only GBP: price the offer in GBP or remove BACS.", page.Text);
    }

    [Fact]
    public async Task A_price_below_stripes_minimum_is_refused_naming_the_minimum()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var productId = await browser.CreateProductAsync();
        var values = CatalogFlows.MonthlyCardOffer();
        values["Form.Amount"] = "0.20";

        var page = await browser.SubmitOfferAsync(productId, values);

        Assert.Contains("Stripe's minimum charge in GBP is £0.30: the price must be at least that.", page.Text);
    }

    [Fact]
    public async Task A_bacs_payment_above_one_hundred_thousand_pounds_is_refused()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var productId = await browser.CreateProductAsync();
        var values = CatalogFlows.MonthlyCardOffer();
        values["Form.Amount"] = "100000.01";
        values["Form.PayByBacs"] = "true";

        var page = await browser.SubmitOfferAsync(productId, values);

        Assert.Contains("BACS Direct Debit takes at most £100,000.00 per payment.", page.Text);
    }

    [Fact]
    public async Task Billing_every_thirteen_months_is_refused()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var productId = await browser.CreateProductAsync();
        var values = CatalogFlows.MonthlyCardOffer();
        values["Form.IntervalCount"] = "13";

        var page = await browser.SubmitOfferAsync(productId, values);

        Assert.Contains("Stripe bills at most once a year", page.Text);
    }

    [Fact]
    public async Task An_offer_without_a_payment_type_is_refused()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var productId = await browser.CreateProductAsync();
        var values = CatalogFlows.MonthlyCardOffer();
        values["Form.PayByCard"] = "false";

        var page = await browser.SubmitOfferAsync(productId, values);

        Assert.Contains("Choose at least one payment type: Stripe Card or Stripe BACS Direct Debit.", page.Text);
    }

    [Fact]
    public async Task A_product_linked_to_something_that_is_not_a_stripe_product_id_is_refused()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var form = await browser.GetAsync("/admin/catalog/products");

        var page = await browser.SubmitAsync(form, form.FormWithField("Form.Name"), new Dictionary<string, string>
        {
            ["Form.Name"] = "Linked",
            ["Form.LinkedStripeProductId"] = "price_123",
        });

        Assert.Contains("A Stripe product id starts with prod_", page.Text);
    }

    [Fact]
    public async Task An_offer_cannot_be_published_without_a_connected_stripe_account()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var productId = await browser.CreateProductAsync();
        var offerId = await browser.CreateOfferAsync(productId, CatalogFlows.MonthlyCardOffer());

        var page = await browser.PublishAsync(offerId);

        Assert.Equal("Connect a Stripe account in the Test environment before publishing this offer (Integrations → Stripe).", page.TestId("publish-error"));
        Assert.Equal("Draft", (await browser.OfferPageAsync(offerId)).TestId("offer-status"));
    }

    [Fact]
    public async Task Publishing_creates_the_stripe_product_and_price_on_the_connected_account()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync();
        var account = card.TestId("account-id")!;
        var productId = await browser.CreateProductAsync("Book club");
        var offerId = await browser.CreateOfferAsync(productId, CatalogFlows.MonthlyCardOffer());

        var page = await browser.PublishAsync(offerId);

        Assert.Equal("Published", page.TestId("offer-status"));
        Assert.Contains("/checkout/monthly-", page.TestId("checkout-url"));
        var stripe = await StripeAsync();
        var price = await stripe.V1.Prices.GetAsync(page.TestId("stripe-price"), null, new RequestOptions { StripeAccount = account }, Cancel);
        Assert.Equal(999, price.UnitAmount);
        Assert.Equal("gbp", price.Currency);
        Assert.Equal("month", price.Recurring.Interval);
        Assert.Equal(1, price.Recurring.IntervalCount);
        Assert.Equal(page.TestId("stripe-product"), price.ProductId);
        var product = await stripe.V1.Products.GetAsync(price.ProductId, null, new RequestOptions { StripeAccount = account }, Cancel);
        Assert.Equal("Book club", product.Name);
    }

    [Fact]
    public async Task A_changed_price_gets_a_new_stripe_price_under_the_same_product_and_an_unchanged_one_is_reused()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        await browser.ConnectExistingAccountAsync();
        var productId = await browser.CreateProductAsync();
        var offerId = await browser.CreateOfferAsync(productId, CatalogFlows.MonthlyCardOffer());
        var published = await browser.PublishAsync(offerId);
        var firstPrice = published.TestId("stripe-price");
        var values = CatalogFlows.MonthlyCardOffer();

        var renamed = await browser.EditOfferAsync(offerId, new Dictionary<string, string>(values) { ["Form.Name"] = "Monthly (renamed)" });
        Assert.Equal(firstPrice, renamed.TestId("stripe-price"));

        var repriced = await browser.EditOfferAsync(offerId, new Dictionary<string, string>(values) { ["Form.Amount"] = "12.50" });

        Assert.Equal("Offer saved.", repriced.TestId("saved"));
        Assert.NotEqual(firstPrice, repriced.TestId("stripe-price"));
        Assert.Equal(published.TestId("stripe-product"), repriced.TestId("stripe-product"));
        Assert.Equal("£12.50 every month", repriced.TestId("offer-summary"));
    }

    [Fact]
    public async Task A_second_offer_of_a_product_with_the_same_price_reuses_the_stripe_price()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        await browser.ConnectExistingAccountAsync();
        var productId = await browser.CreateProductAsync();
        var first = await browser.PublishAsync(await browser.CreateOfferAsync(productId, CatalogFlows.MonthlyCardOffer("Card monthly")));

        var second = await browser.PublishAsync(await browser.CreateOfferAsync(productId, CatalogFlows.MonthlyCardOffer("Another monthly")));

        Assert.Equal(first.TestId("stripe-product"), second.TestId("stripe-product"));
        Assert.Equal(first.TestId("stripe-price"), second.TestId("stripe-price"));
    }

    [Fact]
    public async Task A_product_linked_to_an_existing_stripe_product_gets_its_prices_there()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync();
        var account = card.TestId("account-id")!;
        var stripe = await StripeAsync();
        var existing = await stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Made in Stripe" }, new RequestOptions { StripeAccount = account }, Cancel);
        var productId = await browser.CreateProductAsync("Linked", existing.Id);

        var page = await browser.PublishAsync(await browser.CreateOfferAsync(productId, CatalogFlows.MonthlyCardOffer()));

        Assert.Equal("Published", page.TestId("offer-status"));
        Assert.Equal(existing.Id, page.TestId("stripe-product"));
    }

    [Fact]
    public async Task A_joining_fee_offer_gets_a_one_off_price_for_the_fee()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync();
        var productId = await browser.CreateProductAsync();
        var values = CatalogFlows.MonthlyCardOffer();
        values["Form.Billing"] = "JoiningFeeAndRecurring";
        values["Form.JoiningFee"] = "25";

        var page = await browser.PublishAsync(await browser.CreateOfferAsync(productId, values));

        Assert.Equal("£25.00 joining fee, then £9.99 every month", page.TestId("offer-summary"));
        var fee = await (await StripeAsync()).V1.Prices.GetAsync(page.TestId("stripe-joining-fee-price"), null,
            new RequestOptions { StripeAccount = card.TestId("account-id") }, Cancel);
        Assert.Equal(2500, fee.UnitAmount);
        Assert.Null(fee.Recurring);
    }

    private async Task<StripeClient> StripeAsync() =>
        (await factory.Service<StripeClients>().GetAsync(StripeEnvironment.Test, Cancel)).Client;
}
