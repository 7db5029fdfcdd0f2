using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Recur.BrowserTests.Infrastructure;
using Recur.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Recur.BrowserTests.Integrations;

/// <summary>Integrations → Stripe → "I already have a Stripe account" through the sandbox's OAuth consent page.</summary>
public sealed class ExistingStripeAccountTests(BrowserFixture browser, RecurFactory recur)
    : IClassFixture<BrowserFixture>, IClassFixture<RecurFactory>
{
    [Fact]
    public async Task A_merchant_connects_an_existing_standard_account_with_oauth()
    {
        await using var merchant = await MerchantBrowser.OpenAsync(browser, recur);
        await merchant.ScreenshotOnFailureAsync(async () =>
        {
            await merchant.SignUpAsync("Existing Books");
            await merchant.OpenStripeIntegrationAsync();
            await merchant.ChooseSettingsAsync("Test", "Standard");
            await merchant.ClickButtonAsync("Connect with Stripe: I already have a Stripe account");
            await merchant.AllowOnConsentPageAsync($"owner-{Guid.NewGuid():N}@example.com", "Existing Books Ltd");

            await merchant.ExpectBackOnStripeCardAsync();
            await Expect(merchant.Message).ToHaveTextAsync("Your Stripe account is connected.");
            await Expect(merchant.CardField("status")).ToHaveTextAsync("Connected");
            await Expect(merchant.CardField("account-id")).ToHaveTextAsync(new Regex("^acct_[A-Za-z0-9]+$"));
            await Expect(merchant.CardField("business-name")).ToHaveTextAsync("Existing Books Ltd");
            await Expect(merchant.CardField("country")).ToHaveTextAsync("United Kingdom (GB)");
            await Expect(merchant.CardField("environment")).ToHaveTextAsync("TEST");
            await Expect(merchant.Card).ToContainTextAsync("Standard (connected with OAuth)");

            await merchant.ScreenshotCardOnceSettledAsync("stripe-card-oauth-connected.png");
        });
    }

    [Fact]
    public async Task Denying_access_on_stripe_explains_it_on_the_card()
    {
        await using var merchant = await MerchantBrowser.OpenAsync(browser, recur);
        await merchant.ScreenshotOnFailureAsync(async () =>
        {
            await merchant.SignUpAsync("Careful Books");
            await merchant.OpenStripeIntegrationAsync();
            await merchant.ChooseSettingsAsync("Test", "Standard");
            await merchant.ClickButtonAsync("Connect with Stripe: I already have a Stripe account");
            await merchant.DenyOnConsentPageAsync();

            await merchant.ExpectBackOnStripeCardAsync();
            await Expect(merchant.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("You declined the connection on Stripe's page, so nothing was connected.");
            await Expect(merchant.CardField("status")).ToHaveTextAsync("Not connected");
            await Expect(merchant.CardField("account-id")).ToHaveCountAsync(0);
            await Expect(merchant.Card.GetByRole(AriaRole.Button, new() { Name = "Connect with Stripe: I already have a Stripe account" })).ToBeVisibleAsync();

            await merchant.Page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("stripe-page-oauth-denied.png"), FullPage = true });
        });
    }
}
