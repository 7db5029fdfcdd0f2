using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Recur.BrowserTests.Infrastructure;
using Recur.Tests.Infrastructure;
using Recur.Web.Catalog;
using Recur.Web.Data;
using Recur.Web.Integrations;
using Recur.Web.Stripe;
using Recur.Web.Subscriptions;
using static Microsoft.Playwright.Assertions;

namespace Recur.BrowserTests.Integrations;

/// <summary>The Stripe card as the merchant uses it: it follows the settings before they are saved, refreshes itself
/// while Stripe's first event is on its way, and tells a disconnected account's story without contradicting itself.</summary>
public sealed class StripeCardTests(BrowserFixture browser, RecurFactory recur)
    : IClassFixture<BrowserFixture>, IClassFixture<RecurFactory>
{
    private static readonly Regex Timestamp = new(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$");

    [Fact]
    public async Task Choosing_express_without_saving_changes_the_next_step_and_the_buttons_and_connects_an_express_account()
    {
        await using var merchant = await MerchantBrowser.OpenAsync(browser, recur);
        await merchant.ScreenshotOnFailureAsync(async () =>
        {
            await merchant.SignUpAsync("Quick Books");
            await merchant.OpenStripeIntegrationAsync();
            await Expect(merchant.CardField("next-step")).ToContainTextAsync("sign in to your existing Stripe account, or create a new Standard account");
            await Expect(Button(merchant, "Connect with Stripe: I already have a Stripe account")).ToBeVisibleAsync();

            await merchant.Page.GetByLabel("Account type").SelectOptionAsync(new SelectOptionValue { Label = "Express" });

            await Expect(merchant.CardField("next-step")).ToContainTextAsync("Connect with Stripe: create a new Express account.");
            await Expect(merchant.CardField("next-step")).Not.ToContainTextAsync("sign in");
            await Expect(Button(merchant, "Connect with Stripe: I already have a Stripe account")).ToBeHiddenAsync();
            await Expect(merchant.Card.GetByText("Connecting an existing Stripe account is only possible for Standard accounts.")).ToBeVisibleAsync();
            await Expect(merchant.Card.GetByRole(AriaRole.Button, new() { Name = "Connect with Stripe: create a new Express account", Exact = true })).ToBeVisibleAsync();
            await merchant.Card.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("stripe-card-express-selected.png") });

            await merchant.ClickButtonAsync("Connect with Stripe: create a new Express account");
            await merchant.CompleteHostedOnboardingAsync("Quick Books");

            await merchant.ExpectBackOnStripeCardAsync();
            await Expect(merchant.CardField("status")).ToHaveTextAsync("Connected");
            await Expect(merchant.Card).ToContainTextAsync("Express (created by Recur)");
            await Expect(merchant.Page.GetByLabel("Account type")).ToHaveValueAsync("Express");
        });
    }

    [Fact]
    public async Task Choosing_another_environment_without_saving_says_where_the_buttons_will_connect()
    {
        await using var merchant = await MerchantBrowser.OpenAsync(browser, recur);
        await merchant.ScreenshotOnFailureAsync(async () =>
        {
            await merchant.SignUpAsync("Far Books");
            await merchant.OpenStripeIntegrationAsync();
            var note = merchant.Card.GetByText("The buttons above connect in the environment selected in the settings");
            await Expect(note).ToBeHiddenAsync();

            await merchant.Page.GetByLabel("Environment").SelectOptionAsync(new SelectOptionValue { Label = "Production" });
            await merchant.Page.GetByLabel("Account type").SelectOptionAsync(new SelectOptionValue { Label = "Express" });

            await Expect(note).ToHaveTextAsync("The buttons above connect in the environment selected in the settings: Production.");
            await merchant.ClickButtonAsync("Connect with Stripe: create a new Express account");
            await merchant.ExpectHostedOnboardingAsync();
            await merchant.Page.Locator("[name=business_name]").FillAsync("Far Books");
            await merchant.Page.Locator("[name=country]").SelectOptionAsync("GB");
            await merchant.Page.Locator("[name=default_currency]").SelectOptionAsync("gbp");
            await merchant.Page.Locator("[name=url]").FillAsync("https://far.example");
            await merchant.Page.Locator("[name=product_description]").FillAsync("Book subscriptions");
            await merchant.Page.Locator("[name=support_phone]").FillAsync("+44 20 7123 4567");
            // Live mode refuses Stripe's test sort code, as Stripe does.
            await merchant.Page.Locator("[name=sort_code]").FillAsync("200000");
            await merchant.Page.Locator("[name=account_number]").FillAsync("55779911");
            await merchant.Page.Locator("[name=bacs_terms]").CheckAsync();
            await merchant.Page.Locator("button[name=action][value=submit]").ClickAsync();

            await merchant.ExpectBackOnStripeCardAsync();
            await Expect(merchant.CardField("environment")).ToHaveTextAsync("PRODUCTION");
            await Expect(merchant.CardField("status")).ToHaveTextAsync("Connected");
        });
    }

    [Fact]
    public async Task Without_javascript_the_connect_button_still_uses_the_account_type_selected_before_saving()
    {
        await using var context = await browser.Browser.NewContextAsync(new()
        {
            BaseURL = recur.ServerAddress.ToString(),
            JavaScriptEnabled = false,
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(10_000);
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync("/signup");
            await page.GetByLabel("Business name").FillAsync("Plain Books");
            await page.GetByLabel("Email").FillAsync($"admin-{Guid.NewGuid():N}@example.com");
            await page.GetByLabel("Password").FillAsync(RecurBrowser.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign up", Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Admin panel" })).ToBeVisibleAsync();
            await page.GotoAsync("/admin/integrations/stripe");

            await page.GetByLabel("Account type").SelectOptionAsync(new SelectOptionValue { Label = "Express" });
            await page.Locator("#stripe-connection").GetByRole(AriaRole.Button, new() { Name = "Connect with Stripe: create a new" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/connect/onboarding/"));
            await page.Locator("[name=business_name]").FillAsync("Plain Books");
            await page.Locator("[name=country]").SelectOptionAsync("GB");
            await page.Locator("[name=default_currency]").SelectOptionAsync("gbp");
            await page.Locator("[name=url]").FillAsync("https://plain.example");
            await page.Locator("[name=product_description]").FillAsync("Book subscriptions");
            await page.Locator("[name=support_phone]").FillAsync("+44 20 7123 4567");
            await page.Locator("[name=sort_code]").FillAsync("108800");
            await page.Locator("[name=account_number]").FillAsync("00012345");
            await page.Locator("[name=bacs_terms]").CheckAsync();
            await page.Locator("button[name=action][value=submit]").ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex("/admin/integrations/stripe"));
            await Expect(page.GetByTestId("status")).ToHaveTextAsync("Connected");
            await Expect(page.Locator("#stripe-connection")).ToContainTextAsync("Express (created by Recur)");
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("failure-no-javascript-connect.png"), FullPage = true });
            throw;
        }
    }

    [Fact]
    public async Task The_card_shows_stripes_first_event_when_it_arrives_without_reloading_the_page()
    {
        await using var merchant = await MerchantBrowser.OpenAsync(browser, recur);
        await merchant.ScreenshotOnFailureAsync(async () =>
        {
            await merchant.SignUpAsync("Patient Books");
            // An account linked a moment ago whose first Connect event has not arrived yet.
            var connectionId = await SeedConnectionAsync("Patient Books");
            await merchant.OpenStripeIntegrationAsync();
            await Expect(merchant.CardField("last-event")).ToHaveTextAsync("Waiting for Stripe's first event…");
            await merchant.Card.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("stripe-card-waiting-for-first-event.png") });
            await merchant.Page.EvaluateAsync("() => window.sameDocument = true");

            await RecordEventAsync(connectionId);

            await Expect(merchant.CardField("last-event")).ToHaveTextAsync(Timestamp);
            Assert.True(await merchant.Page.EvaluateAsync<bool>("() => window.sameDocument === true"), "The page was reloaded.");
            await Expect(merchant.Card).ToHaveAttributeAsync("data-expecting-event", "false");
        });
    }

    [Fact]
    public async Task A_disconnected_account_keeps_its_id_hides_what_stripe_last_said_and_flags_its_subscriptions()
    {
        await using var merchant = await MerchantBrowser.OpenAsync(browser, recur);
        await merchant.ScreenshotOnFailureAsync(async () =>
        {
            await merchant.SignUpAsync("Closing Books");
            await merchant.OpenStripeIntegrationAsync();
            await merchant.ChooseSettingsAsync("Test", "Express");
            await merchant.ClickButtonAsync("Connect with Stripe: create a new Express account");
            await merchant.CompleteHostedOnboardingAsync("Closing Books");
            await merchant.ExpectBackOnStripeCardAsync();
            await Expect(merchant.CardField("charges-enabled")).ToHaveTextAsync("Yes");
            var accountId = await merchant.CardField("account-id").InnerTextAsync();
            await SeedSubscriptionsAsync(accountId, SubscriptionStatus.Active, SubscriptionStatus.Active, SubscriptionStatus.Canceled);
            await merchant.Page.ReloadAsync();
            await Expect(merchant.Card.GetByRole(AriaRole.Button, new() { Name = "Disconnect" }))
                .ToHaveAccessibleDescriptionAsync("2 active subscriptions bill on this account. Disconnecting leaves them billing in Stripe without Recur.");

            await merchant.ClickButtonAsync("Disconnect");
            await Expect(merchant.Page.GetByTestId("confirm-disconnect")).ToContainTextAsync(
                "2 running subscriptions keep billing in Stripe, but Recur will no longer hear about them");
            await merchant.ClickButtonAsync("Yes, disconnect");

            await Expect(merchant.Message).ToHaveTextAsync("The Stripe account was disconnected from Recur.");
            await Expect(merchant.CardField("status")).ToHaveTextAsync("Disconnected");
            await Expect(merchant.CardField("account-id")).ToHaveTextAsync(accountId);
            await Expect(merchant.CardField("next-step")).ToContainTextAsync("Connect with Stripe to create a new Express account.");
            await Expect(merchant.Card.GetByText("Charges enabled")).ToBeHiddenAsync();
            await Expect(merchant.Card.GetByText("Payouts enabled")).ToBeHiddenAsync();
            await Expect(merchant.CardField("capabilities")).ToBeHiddenAsync();
            var warning = merchant.CardField("orphaned-subscriptions");
            await Expect(warning).ToBeVisibleAsync();
            await Expect(warning).ToContainTextAsync("2 active subscriptions are still on this account.");
            await Expect(warning).ToContainTextAsync($"Stripe keeps billing them on {accountId}");
            await Expect(warning).ToContainTextAsync("ask the Recur platform operator to relink it or to cancel them");
            await merchant.Card.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("stripe-card-disconnected.png") });

            await merchant.Card.GetByText("Last known before disconnecting").ClickAsync();

            await Expect(merchant.CardField("charges-enabled")).ToBeVisibleAsync();
            await Expect(merchant.CardField("charges-enabled")).ToHaveTextAsync("Yes");
            await merchant.Card.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("stripe-card-disconnected-last-known.png") });
        });
    }

    private static ILocator Button(MerchantBrowser merchant, string name) =>
        merchant.Card.GetByRole(AriaRole.Button, new() { Name = name, IncludeHidden = true });

    /// <summary>Links the tenant named <paramref name="businessName"/> to an onboarded account, just now, with no
    /// Connect event received yet.</summary>
    private async Task<Guid> SeedConnectionAsync(string businessName)
    {
        await using var scope = recur.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = await db.Tenants.IgnoreQueryFilters().SingleAsync(t => t.Name == businessName);
        var now = DateTimeOffset.UtcNow;
        var connection = new StripeConnection(tenant.Id, StripeEnvironment.Test, now);
        var accountId = "acct_" + Guid.NewGuid().ToString("N")[..16];
        connection.Link(accountId, StripeAccountType.Express, ConnectionLinkMethod.PlatformCreated, now);
        connection.Apply(new AccountSnapshot
        {
            AccountId = accountId,
            BusinessName = businessName,
            Country = "GB",
            DefaultCurrency = "gbp",
            DetailsSubmitted = true,
            ChargesEnabled = true,
            PayoutsEnabled = true,
            Capabilities = new Dictionary<string, string> { ["card_payments"] = "active", ["transfers"] = "active" },
        }, now);
        db.StripeConnections.Add(connection);
        await db.SaveChangesAsync();
        return connection.Id;
    }

    private async Task RecordEventAsync(Guid connectionId)
    {
        await using var scope = recur.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var connection = await db.StripeConnections.IgnoreQueryFilters().SingleAsync(c => c.Id == connectionId);
        connection.RecordEventArrived(DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();
    }

    /// <summary>Subscriptions bought on <paramref name="accountId"/>, one per status.</summary>
    private async Task SeedSubscriptionsAsync(string accountId, params SubscriptionStatus[] statuses)
    {
        await using var scope = recur.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenantId = (await db.StripeConnections.IgnoreQueryFilters().SingleAsync(c => c.AccountId == accountId)).TenantId;
        var now = DateTimeOffset.UtcNow;
        var product = new Product(tenantId, "Book club", null, null, now);
        var offer = new Offer(tenantId, product.Id, new OfferTerms("Monthly books", 1500, "gbp", BillingKind.Recurring,
            BillingInterval.Month, 1, null, null, null, PaymentTypes.Card, null, StripeEnvironment.Test), now);
        db.AddRange(product, offer);
        foreach (var (status, i) in statuses.Select((s, i) => (s, i)))
        {
            var customer = new Customer(tenantId, StripeEnvironment.Test, accountId, $"cus_seed{i}{Guid.NewGuid():N}",
                $"reader{i}-{Guid.NewGuid():N}@example.com", "Reader", null, null, now);
            db.AddRange(customer, new Subscription(tenantId, StripeEnvironment.Test, accountId, $"sub_seed{i}{Guid.NewGuid():N}",
                customer.Id, offer.Id, null, "card", status, now));
        }
        await db.SaveChangesAsync();
    }
}
