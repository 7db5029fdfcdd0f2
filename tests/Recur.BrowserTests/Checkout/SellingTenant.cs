using Recur.Tests.Catalog;
using Recur.Tests.Infrastructure;

namespace Recur.BrowserTests.Checkout;

/// <summary>A tenant that sells one published offer in Test: its admin's email (password
/// <see cref="RecurBrowser.Password"/>), connected account and checkout page.</summary>
public sealed record SellingTenant(string AdminEmail, string AccountId, string CheckoutPath)
{
    /// <summary>The offer form's values for a £9.99 monthly card offer in Test.</summary>
    public static Dictionary<string, string> MonthlyCardOffer(string name = "Monthly") => CatalogFlows.MonthlyCardOffer(name);

    /// <summary>A £9.99 monthly Direct Debit offer, active when the first payment is confirmed.</summary>
    public static Dictionary<string, string> MonthlyBacsOffer() => new(MonthlyCardOffer("Monthly by Direct Debit"))
    {
        ["Form.PayByCard"] = "false",
        ["Form.PayByBacs"] = "true",
        ["Form.BacsActivation"] = "WhenFirstPaymentConfirmed",
    };

    /// <summary>The merchant's side over HTTP, for speed, with the same steps as Recur.Tests: sign up, connect a Stripe
    /// account (OAuth, Test), create a product and an offer, publish it. The browser does the same once, in the
    /// catalog test.</summary>
    public static async Task<SellingTenant> CreateAsync(RecurFactory recur, Dictionary<string, string> offer, string businessName = "Acme Books")
    {
        var (admin, email) = await recur.SignUpTenantAsync(businessName);
        using (admin)
        {
            var (card, _) = await admin.ConnectExistingAccountAsync(businessName: businessName);
            var accountId = card.TestId("account-id") ?? throw new InvalidOperationException("Not connected:\n" + card.Text);
            if (offer.GetValueOrDefault("Form.PayByBacs") == "true")
            {
                // A Standard account takes Bacs once its owner turns it on in the Stripe Dashboard.
                await recur.TurnOnBacsInStripeDashboardAsync(accountId);
            }
            var productId = await admin.CreateProductAsync("Book club");
            var offerId = await admin.CreateOfferAsync(productId, offer);
            var published = await admin.PublishAsync(offerId);
            Assert.True(published.TestId("offer-status") == "Published", "The offer was not published:\n" + published.Text);
            return new SellingTenant(email, accountId, await admin.CheckoutPathAsync(offerId));
        }
    }
}
