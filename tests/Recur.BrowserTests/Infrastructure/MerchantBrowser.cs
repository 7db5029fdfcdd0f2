using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Recur.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Recur.BrowserTests.Infrastructure;

/// <summary>
/// A merchant admin in a fresh browser context (own cookies) of the class's Chromium, pointed at one Recur. It does
/// what the merchant does, by the words on the page: Recur's links, labels and buttons, and the Stripe sandbox's
/// hosted onboarding and consent pages (by their fixed field names).
/// </summary>
public sealed class MerchantBrowser : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private MerchantBrowser(IBrowserContext context, IPage page, RecurFactory recur)
    {
        _context = context;
        Page = page;
        Recur = recur;
    }

    public IPage Page { get; }

    public RecurFactory Recur { get; }

    /// <summary>The Stripe connection card on Integrations → Stripe.</summary>
    public ILocator Card => Page.Locator("#stripe-connection");

    /// <summary>The banner explaining what happened on the way back from Stripe.</summary>
    public ILocator Message => Page.Locator(".message");

    public static async Task<MerchantBrowser> OpenAsync(BrowserFixture browser, RecurFactory recur)
    {
        var context = await browser.Browser.NewContextAsync(new()
        {
            BaseURL = recur.ServerAddress.ToString(),
            ViewportSize = new() { Width = 1280, Height = 900 },
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(10_000);
        context.SetDefaultNavigationTimeout(15_000);
        var page = await context.NewPageAsync();
        return new MerchantBrowser(context, page, recur);
    }

    /// <summary>Runs the test's steps; when one fails, keeps a full-page screenshot of where the browser stood
    /// (<c>artifacts/screenshots/failure-{test}.png</c>) and rethrows.</summary>
    public Task ScreenshotOnFailureAsync(Func<Task> steps, [CallerMemberName] string test = "") =>
        FailureScreenshots.RunAsync(Page, steps, test);

    /// <summary>From the home page: Sign up → business name, email, password → the admin panel.</summary>
    public async Task SignUpAsync(string businessName)
    {
        await Page.GotoAsync("/");
        await Page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Link, new() { Name = "Sign up" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Create your Recur account" })).ToBeVisibleAsync();
        await Page.GetByLabel("Business name").FillAsync(businessName);
        await Page.GetByLabel("Email").FillAsync($"admin-{Guid.NewGuid():N}@example.com");
        await Page.GetByLabel("Password").FillAsync(RecurBrowser.Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign up", Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Admin panel" })).ToBeVisibleAsync();
    }

    /// <summary>Admin panel → Integrations → Stripe.</summary>
    public async Task OpenStripeIntegrationAsync()
    {
        await Page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Stripe", Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Integrations → Stripe" })).ToBeVisibleAsync();
        await Expect(Card).ToBeVisibleAsync();
    }

    /// <summary>Settings: Environment (Test | Production) and Account type (Standard | Express) → Save settings.</summary>
    public async Task ChooseSettingsAsync(string environment, string accountType)
    {
        await Page.GetByLabel("Environment").SelectOptionAsync(new SelectOptionValue { Label = environment });
        await Page.GetByLabel("Account type").SelectOptionAsync(new SelectOptionValue { Label = accountType });
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(Message).ToHaveTextAsync("Settings saved.");
    }

    public Task ClickButtonAsync(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name }).ClickAsync();

    /// <summary>Waits until the browser is on the sandbox's Stripe-hosted onboarding page.</summary>
    public async Task ExpectHostedOnboardingAsync()
    {
        await Expect(Page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Origin(Recur.SandboxAddress)) + "/connect/onboarding/"));
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Agree and submit" })).ToBeVisibleAsync();
    }

    /// <summary>Fills the business details and Stripe's UK test bank account, accepts the Bacs Direct Debit terms when
    /// the form asks (a GB Express account Recur requested Bacs for), then "Agree and submit".</summary>
    public async Task CompleteHostedOnboardingAsync(string businessName)
    {
        await ExpectHostedOnboardingAsync();
        await Field("business_name").FillAsync(businessName);
        await Field("country").SelectOptionAsync("GB");
        await Field("default_currency").SelectOptionAsync("gbp");
        await Field("url").FillAsync("https://acme.example");
        await Field("product_description").FillAsync("Book subscriptions");
        await Field("support_phone").FillAsync("+44 20 7123 4567");
        await Field("sort_code").FillAsync("108800");
        await Field("account_number").FillAsync("00012345");
        if (await Field("bacs_terms").CountAsync() > 0)
        {
            await Field("bacs_terms").CheckAsync();
        }

        await SandboxButton("submit").ClickAsync();
    }

    /// <summary>"Save and return later" on the hosted onboarding, with nothing filled in.</summary>
    public async Task LeaveHostedOnboardingAsync()
    {
        await ExpectHostedOnboardingAsync();
        await SandboxButton("leave").ClickAsync();
    }

    /// <summary>On the sandbox's OAuth consent page: signs in with <paramref name="email"/> (a new email makes a new
    /// Standard account) and presses "Connect my Stripe account".</summary>
    public async Task AllowOnConsentPageAsync(string email, string businessName)
    {
        await ExpectConsentPageAsync();
        await Page.Locator("input[name=email]").FillAsync(email);
        await Page.Locator("input[name=business_name]").FillAsync(businessName);
        await Page.Locator("input[name=country]").FillAsync("GB");
        await Page.Locator("button[name=decision][value=allow]").ClickAsync();
    }

    /// <summary>On the sandbox's OAuth consent page: "Deny access".</summary>
    public async Task DenyOnConsentPageAsync()
    {
        await ExpectConsentPageAsync();
        await Page.Locator("button[name=decision][value=deny]").ClickAsync();
    }

    /// <summary>Waits until the browser is back on Recur's Stripe card.</summary>
    public async Task ExpectBackOnStripeCardAsync()
    {
        await Expect(Page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Origin(Recur.ServerAddress)) + "/admin/integrations/stripe"));
        await Expect(Card).ToBeVisibleAsync();
    }

    public ILocator CardField(string testId) => Card.GetByTestId(testId);

    /// <summary>Keeps a screenshot of the Stripe card once Stripe's first event has reached it: the card is replaced
    /// when that event arrives, and an element being replaced cannot be captured.</summary>
    public async Task ScreenshotCardOnceSettledAsync(string name)
    {
        await Expect(CardField("last-event")).ToHaveTextAsync(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$"));
        await Card.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath(name) });
    }

    /// <summary>Admin panel → Subscriptions → the subscription of <paramref name="email"/>.</summary>
    public async Task OpenSubscriptionAsync(string email)
    {
        await Page.GotoAsync("/admin");
        await Page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Subscriptions", Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = email }).ClickAsync();
    }

    /// <summary>Reloads the page until <paramref name="locator"/> reads <paramref name="text"/> (Stripe's events arrive
    /// on their own, and the admin pages do not refresh themselves), for at most a minute; then expects exactly one.</summary>
    public async Task ReloadUntilAsync(ILocator locator, string text)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline && !(await locator.AllTextContentsAsync()).Contains(text))
        {
            await Task.Delay(500);
            await Page.ReloadAsync();
        }
        await Expect(locator.Filter(new() { HasText = text })).ToHaveCountAsync(1);
    }

    /// <summary>Admin panel → Catalog → New product → Save product.</summary>
    public async Task CreateProductAsync(string name)
    {
        await Page.GotoAsync("/admin");
        await Page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Catalog", Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "New product" }).ClickAsync();
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await ClickButtonAsync("Save product");
        await Expect(Page.Locator("[data-product]").GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();
    }

    /// <summary>Catalog → the product's "New offer": £9.99 a month, paid only by <paramref name="paymentMethod"/> (the
    /// label of its box; a Direct Debit subscription becomes active when the first payment is confirmed) → Save offer →
    /// Publish. Returns the path of the offer's checkout page.</summary>
    public async Task<string> PublishOfferAsync(string product, string offer, string paymentMethod)
    {
        await Page.GotoAsync("/admin/catalog");
        var card = Page.Locator("[data-product]").Filter(new() { Has = Page.GetByRole(AriaRole.Heading, new() { Name = product }) });
        await card.GetByRole(AriaRole.Link, new() { Name = "New offer" }).ClickAsync();
        await Page.GetByLabel("Offer name").FillAsync(offer);
        await Page.GetByLabel("Price").FillAsync("9.99");
        foreach (var method in new[] { "Stripe Card", "Stripe BACS Direct Debit" })
        {
            await Page.GetByLabel(method).SetCheckedAsync(method == paymentMethod);
        }
        if (paymentMethod.Contains("BACS", StringComparison.Ordinal))
        {
            await Page.GetByLabel("when the first payment is confirmed").CheckAsync();
        }
        await ClickButtonAsync("Save offer");
        await Expect(Page.GetByTestId("saved")).ToHaveTextAsync("Offer saved.");
        await ClickButtonAsync("Publish");
        await Expect(Page.GetByTestId("offer-status")).ToHaveTextAsync("Published");
        return new Uri((await Page.GetByTestId("checkout-url").GetAttributeAsync("href"))!).AbsolutePath;
    }

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    private async Task ExpectConsentPageAsync()
    {
        await Expect(Page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Origin(Recur.SandboxAddress)) + "/oauth/authorize"));
        await Expect(Page.Locator("button[name=decision][value=allow]")).ToBeVisibleAsync();
    }

    private ILocator Field(string name) => Page.Locator($"[name={name}]");

    private ILocator SandboxButton(string action) => Page.Locator($"button[name=action][value={action}]");

    private static string Origin(Uri address) => address.GetLeftPart(UriPartial.Authority);
}
