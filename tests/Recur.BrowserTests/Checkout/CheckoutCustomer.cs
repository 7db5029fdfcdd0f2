using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Recur.BrowserTests.Infrastructure;
using Recur.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Recur.BrowserTests.Checkout;

/// <summary>
/// A customer on one of Recur's checkout pages, in a fresh browser context: types their details into the page,
/// their card or bank details into the Payment Element (the sandbox's Stripe.js, in its own cross-origin frame), and
/// reads what the page and the confirmation page say.
/// </summary>
public sealed class CheckoutCustomer : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private CheckoutCustomer(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>The Payment Element's frame.</summary>
    public IFrameLocator Element => PaymentElement.Element;

    /// <summary>The modal Stripe.js opens over the page for a 3-D Secure challenge.</summary>
    public ILocator ChallengeModal => PaymentElement.ChallengeModal;

    /// <summary>The challenge page inside the modal.</summary>
    public IFrameLocator Challenge => PaymentElement.Challenge;

    private PaymentElementFrame PaymentElement => new(Page);

    /// <summary>The checkout page's message (errors from Recur or from Stripe.js).</summary>
    public ILocator Message => Page.Locator("#message");

    public ILocator Pay => Page.Locator("#pay");

    public ILocator TestModeBanner => Page.GetByTestId("test-mode");

    /// <summary>The confirmation page's headline.</summary>
    public ILocator Headline => Page.GetByTestId("headline");

    public ILocator Outcome => Page.GetByTestId("outcome");

    public static async Task<CheckoutCustomer> OpenAsync(BrowserFixture browser, RecurFactory recur, string checkoutPath)
    {
        var context = await browser.Browser.NewContextAsync(new()
        {
            BaseURL = recur.ServerAddress.ToString(),
            ViewportSize = new() { Width = 1000, Height = 900 },
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(10_000);
        context.SetDefaultNavigationTimeout(15_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(checkoutPath);
        return new CheckoutCustomer(context, page);
    }

    /// <summary>Email, name and billing address, then "Continue to payment"; waits for the Payment Element.</summary>
    public async Task ContinueToPaymentAsync(string email)
    {
        await SubmitDetailsAsync(email);
        await Expect(Pay).ToBeVisibleAsync();
        await Expect(Pay).ToBeEnabledAsync();
    }

    /// <summary>Email, name and billing address, then "Continue to payment", without waiting for what follows (the
    /// Payment Element, or Recur's message when the order is refused).</summary>
    public async Task SubmitDetailsAsync(string email)
    {
        await Page.GetByLabel("Email").FillAsync(email);
        await Page.GetByLabel("Full name").FillAsync("Ada Reader");
        await Page.GetByLabel("Address line 1").FillAsync("1 High Street");
        await Page.GetByLabel("Town or city").FillAsync("London");
        await Page.GetByLabel("Postcode").FillAsync("SW1A 1AA");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Continue to payment" }).ClickAsync();
    }

    /// <summary>Card number, expiry and CVC: the country and postcode come from the billing address already given.</summary>
    public Task FillCardAsync(string number, string expiry = "12 / 34", string cvc = "123") =>
        PaymentElement.FillCardAsync(number, expiry, cvc);

    /// <summary>"Change details" under the Payment Element: the details form opens again.</summary>
    public async Task ChangeDetailsAsync()
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "Change details" }).ClickAsync();
        await Expect(Page.GetByLabel("Email")).ToBeEnabledAsync();
    }

    /// <summary>The order id the checkout page was opened with.</summary>
    public async Task<string> OpeningOrderIdAsync() =>
        await Page.Locator("#checkout").EvaluateAsync<string>("root => JSON.parse(root.dataset.config).orderId");

    /// <summary>Sort code and account number; the name, email and address come from the details already given.</summary>
    public Task FillBacsAsync(string sortCode, string accountNumber) =>
        PaymentElement.FillBankAccountAsync(sortCode, accountNumber);

    public Task PayAsync() => Pay.ClickAsync();

    /// <summary>Waits for the confirmation page.</summary>
    public async Task ExpectConfirmationAsync(string state, string headline)
    {
        await Expect(Page).ToHaveURLAsync(new Regex(@"/checkout/[^/]+/complete"));
        await Expect(Outcome).ToHaveAttributeAsync("data-state", state);
        await Expect(Headline).ToHaveTextAsync(headline);
    }

    /// <summary>Keeps <c>artifacts/screenshots/{name}</c>: the whole page, or only what the customer sees right now
    /// (for a modal fixed over the viewport, which a full-page capture would misplace).</summary>
    public async Task ScreenshotAsync(string name, bool fullPage = true) =>
        await Page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath(name), FullPage = fullPage });

    /// <summary>Runs the steps; on failure keeps <c>artifacts/screenshots/failure-{test}.png</c> and rethrows.</summary>
    public Task ScreenshotOnFailureAsync(Func<Task> steps, [CallerMemberName] string test = "") =>
        FailureScreenshots.RunAsync(Page, steps, test);

    public ValueTask DisposeAsync() => _context.DisposeAsync();
}
