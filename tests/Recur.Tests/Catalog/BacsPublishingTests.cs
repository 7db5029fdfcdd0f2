using Recur.Tests.Infrastructure;

namespace Recur.Tests.Catalog;

/// <summary>
/// An offer with Bacs Direct Debit is published only where the Stripe account can take Bacs: a UK business whose
/// <c>bacs_debit_payments</c> capability is active (https://docs.stripe.com/payments/bacs-debit). Elsewhere the
/// merchant reads why and what to do, on the offer and on the Stripe card.
/// </summary>
public sealed class BacsPublishingTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static Dictionary<string, string> BacsOffer()
    {
        var values = CatalogFlows.MonthlyCardOffer("Monthly by Direct Debit");
        values["Form.PayByBacs"] = "true";
        return values;
    }

    [Fact]
    public async Task A_bacs_offer_is_not_published_for_a_us_account_and_the_merchant_reads_why()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync(country: "US");
        var productId = await browser.CreateProductAsync();
        var offerId = await browser.CreateOfferAsync(productId, BacsOffer());

        var page = await browser.PublishAsync(offerId);

        Assert.Equal(
            "This offer takes Bacs Direct Debit, which the Stripe account in the Test environment cannot take. Bacs Direct Debit is only for businesses in the United Kingdom, and this Stripe account is in US. Offer card payments, or connect a UK Stripe account.",
            page.TestId("publish-error"));
        Assert.Equal("Draft", (await browser.OfferPageAsync(offerId)).TestId("offer-status"));
        Assert.StartsWith("Unavailable: Bacs Direct Debit is only for businesses in the United Kingdom",
            card.TestId("bacs-unavailable"));
    }

    [Fact]
    public async Task A_bacs_offer_waits_until_a_gb_standard_account_turns_bacs_on_then_publishes()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync();
        var productId = await browser.CreateProductAsync();
        var offerId = await browser.CreateOfferAsync(productId, BacsOffer());

        var refused = await browser.PublishAsync(offerId);
        var statusBefore = (await browser.OfferPageAsync(offerId)).TestId("offer-status");
        await factory.TurnOnBacsInStripeDashboardAsync(card.TestId("account-id")!);
        var published = await browser.PublishAsync(offerId);
        var cardAfter = await browser.StripeCardAsync();

        Assert.Equal(
            "This offer takes Bacs Direct Debit, which the Stripe account in the Test environment cannot take. Bacs Direct Debit is not turned on for this Stripe account (capability unrequested). Turn it on in your Stripe Dashboard (Settings → Payment methods → Bacs Direct Debit), then refresh Integrations → Stripe and publish again.",
            refused.TestId("publish-error"));
        Assert.Equal("Draft", statusBefore);
        Assert.StartsWith("Unavailable: Bacs Direct Debit is not turned on", card.TestId("bacs-unavailable"));
        Assert.Null(published.TestId("publish-error"));
        Assert.Equal("Published", published.TestId("offer-status"));
        Assert.Null(cardAfter.TestId("bacs-unavailable"));
    }

    [Fact]
    public async Task A_card_only_offer_publishes_on_an_account_without_bacs()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        await browser.ConnectExistingAccountAsync(country: "US");
        var productId = await browser.CreateProductAsync();
        var offerId = await browser.CreateOfferAsync(productId, CatalogFlows.MonthlyCardOffer());

        var page = await browser.PublishAsync(offerId);

        Assert.Equal("Published", page.TestId("offer-status"));
    }
}
