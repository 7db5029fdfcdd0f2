using System.Text.RegularExpressions;
using Recur.Tests.Infrastructure;

namespace Recur.BrowserTests.Checkout;

/// <summary>A tenant that sells one published offer in Test: its admin's email (password
/// <see cref="RecurBrowser.Password"/>), connected account and checkout page.</summary>
public sealed record SellingTenant(string AdminEmail, string AccountId, string CheckoutPath)
{
    /// <summary>The offer form's values for a £9.99 monthly card offer in Test.</summary>
    public static Dictionary<string, string> MonthlyCardOffer(string name = "Monthly") => new()
    {
        ["Form.Name"] = name,
        ["Form.Environment"] = "test",
        ["Form.Billing"] = "Recurring",
        ["Form.Amount"] = "9.99",
        ["Form.Currency"] = "gbp",
        ["Form.Interval"] = "Month",
        ["Form.IntervalCount"] = "1",
        ["Form.JoiningFee"] = "",
        ["Form.TrialDays"] = "",
        ["Form.FixedTermPeriods"] = "",
        ["Form.PayByCard"] = "true",
        ["Form.PayByBacs"] = "false",
        ["Form.BacsActivation"] = "WhenMandateCreated",
    };

    /// <summary>A £9.99 monthly Direct Debit offer, active when the first payment is confirmed.</summary>
    public static Dictionary<string, string> MonthlyBacsOffer() => new(MonthlyCardOffer("Monthly by Direct Debit"))
    {
        ["Form.PayByCard"] = "false",
        ["Form.PayByBacs"] = "true",
        ["Form.BacsActivation"] = "WhenFirstPaymentConfirmed",
    };

    /// <summary>The merchant's side over HTTP, for speed: sign up, connect a Stripe account (OAuth, Test), create a
    /// product and an offer, publish it. The browser does the same once, in the catalog test.</summary>
    public static async Task<SellingTenant> CreateAsync(RecurFactory recur, Dictionary<string, string> offer, string businessName = "Acme Books")
    {
        using var admin = recur.NewBrowser();
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        var home = await admin.SignUpAsync(businessName, email);
        Assert.Equal("/admin", home.Url.AbsolutePath);

        var card = await admin.StripeCardAsync("test");
        var consent = await admin.SubmitAsync(card, card.Form("handler=ConnectExisting"));
        using var decided = await admin.PostRawAsync(consent, consent.Form("/oauth/authorize"), new Dictionary<string, string>
        {
            ["email"] = $"owner-{Guid.NewGuid():N}@example.com",
            ["business_name"] = businessName,
            ["country"] = "GB",
        }, ("decision", "allow"));
        var callback = decided.Headers.Location ?? throw new InvalidOperationException("The consent page did not redirect.");
        card = await admin.GetAsync((callback.IsAbsoluteUri ? callback : new Uri(consent.Url, callback)).ToString());
        var accountId = card.TestId("account-id") ?? throw new InvalidOperationException("Not connected:\n" + card.Text);

        var productForm = await admin.GetAsync("/admin/catalog/products");
        var catalog = await admin.SubmitAsync(productForm, productForm.FormWithField("Form.Name"), new Dictionary<string, string>
        {
            ["Form.Name"] = "Book club",
            ["Form.Description"] = "A book every month",
            ["Form.LinkedStripeProductId"] = "",
        });
        var product = Regex.Match(catalog.Html, @"data-product=""(?<id>[0-9a-f-]{36})"">\s*<h2>Book club</h2>");
        Assert.True(product.Success, "The catalog lists no product:\n" + catalog.Text);

        var offerForm = await admin.GetAsync("/admin/catalog/offers?productId=" + product.Groups["id"].Value);
        var saved = await admin.SubmitAsync(offerForm, offerForm.FormWithField("Form.Name"), offer);
        Assert.True(saved.Url.AbsolutePath.StartsWith("/admin/catalog/offers/", StringComparison.Ordinal), "The offer was not saved:\n" + saved.Text);
        var published = await admin.SubmitAsync(saved, saved.Form("handler=Publish"));
        Assert.True(published.TestId("offer-status") == "Published", "The offer was not published:\n" + published.Text);
        var checkoutUrl = Regex.Match(published.Html, @"data-testid=""checkout-url"" href=""(?<url>[^""]+)""").Groups["url"].Value;
        return new SellingTenant(email, accountId, new Uri(checkoutUrl).AbsolutePath);
    }
}
