using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Recur.BrowserTests.Infrastructure;
using Recur.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Recur.BrowserTests.Integrations;

/// <summary>Integrations → Stripe → "Create a new Stripe account" through the sandbox's hosted onboarding.</summary>
public sealed class NewStripeAccountTests(BrowserFixture browser, RecurFactory recur)
    : IClassFixture<BrowserFixture>, IClassFixture<RecurFactory>
{
    private static readonly Regex AccountId = new("^acct_[A-Za-z0-9]+$");

    [Fact]
    public async Task A_merchant_signs_up_connects_a_new_express_account_and_sees_it_connected()
    {
        await using var merchant = await MerchantBrowser.OpenAsync(browser, recur);
        await merchant.ScreenshotOnFailureAsync(async () =>
        {
            await merchant.SignUpAsync("Acme Books");
            await merchant.OpenStripeIntegrationAsync();
            await Expect(merchant.CardField("status")).ToHaveTextAsync("Not connected");

            await merchant.ChooseSettingsAsync("Test", "Express");
            await merchant.ClickButtonAsync("Connect with Stripe: create a new Express account");
            await merchant.CompleteHostedOnboardingAsync("Acme Books");

            await merchant.ExpectBackOnStripeCardAsync();
            await Expect(merchant.CardField("status")).ToHaveTextAsync("Connected");
            await Expect(merchant.CardField("account-id")).ToHaveTextAsync(AccountId);
            await Expect(merchant.CardField("business-name")).ToHaveTextAsync("Acme Books");
            await Expect(merchant.CardField("country")).ToHaveTextAsync("United Kingdom (GB)");
            await Expect(merchant.CardField("currency")).ToHaveTextAsync("GBP");
            await Expect(merchant.CardField("environment")).ToHaveTextAsync("TEST");
            await Expect(merchant.CardField("payouts-enabled")).ToHaveTextAsync("Yes");
            await Expect(merchant.CardField("requirements")).ToHaveTextAsync("None");
            await Expect(merchant.CardField("capabilities")).ToHaveTextAsync(new Regex("^\\s*Card payments: active\\s+Transfers: active\\s+Bacs Direct Debit payments: active\\s*$"));
            await Expect(merchant.Card).ToContainTextAsync("Express (created by Recur)");
            await Expect(merchant.Card.GetByRole(AriaRole.Button, new() { Name = "Resume onboarding" })).ToHaveCountAsync(0);
            // Stripe's account.updated arrives about when the merchant is back: the card shows it without a reload.
            await Expect(merchant.CardField("last-event")).ToHaveTextAsync(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$"));

            await merchant.Card.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("stripe-card-connected.png") });
            await merchant.Page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("stripe-page-connected.png"), FullPage = true });
        });
    }

    [Fact]
    public async Task Leaving_onboarding_early_shows_the_requirements_and_resume_finishes_it()
    {
        await using var merchant = await MerchantBrowser.OpenAsync(browser, recur);
        await merchant.ScreenshotOnFailureAsync(async () =>
        {
            await merchant.SignUpAsync("Half Done Books");
            await merchant.OpenStripeIntegrationAsync();
            await merchant.ChooseSettingsAsync("Test", "Express");
            await merchant.ClickButtonAsync("Connect with Stripe: create a new Express account");
            await merchant.LeaveHostedOnboardingAsync();

            await merchant.ExpectBackOnStripeCardAsync();
            await Expect(merchant.CardField("status")).ToHaveTextAsync("Onboarding incomplete");
            await Expect(merchant.CardField("next-step")).ToContainTextAsync("Resume onboarding");
            await Expect(merchant.CardField("requirements").Locator("li").First).ToBeVisibleAsync();
            await Expect(merchant.CardField("requirements").Locator("li")).ToHaveCountAsync(6);
            await Expect(merchant.CardField("requirements")).ToContainTextAsync("Customer support phone number");
            await Expect(merchant.CardField("requirements")).ToContainTextAsync("Acceptance of the Bacs Direct Debit terms");
            await Expect(merchant.CardField("requirements")).ToContainTextAsync("Bank account for payouts");
            var terms = merchant.CardField("requirements").Locator("li", new() { HasText = "Acceptance of Stripe's terms of service" });
            await Expect(terms).ToHaveAttributeAsync("title", "Stripe: tos_acceptance.date, tos_acceptance.ip");
            await Expect(merchant.CardField("disabled-reason")).ToHaveTextAsync("Not yet: Stripe needs the details below before this account can take payments.");
            await Expect(merchant.Card).Not.ToContainTextAsync("past due");
            await Expect(merchant.CardField("account-id")).ToHaveTextAsync(AccountId);
            var accountId = await merchant.CardField("account-id").InnerTextAsync();
            await merchant.ScreenshotCardOnceSettledAsync("stripe-card-onboarding-incomplete.png");

            await merchant.ClickButtonAsync("Resume onboarding");
            await merchant.CompleteHostedOnboardingAsync("Half Done Books");

            await merchant.ExpectBackOnStripeCardAsync();
            await Expect(merchant.CardField("status")).ToHaveTextAsync("Connected");
            await Expect(merchant.CardField("account-id")).ToHaveTextAsync(accountId);
            await Expect(merchant.CardField("requirements")).ToHaveTextAsync("None");
            await Expect(merchant.Card.GetByRole(AriaRole.Button, new() { Name = "Resume onboarding" })).ToHaveCountAsync(0);
        });
    }
}
