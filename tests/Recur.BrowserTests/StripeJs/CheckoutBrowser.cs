using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Playwright;
using Recur.BrowserTests.Infrastructure;

namespace Recur.BrowserTests.StripeJs;

/// <summary>
/// A customer on the merchant's checkout page, in a fresh browser context: fills the Payment Element by its labels
/// (inside the sandbox's frame), presses Pay and reads what the page shows.
/// </summary>
public sealed class CheckoutBrowser : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private CheckoutBrowser(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>The Payment Element's frame.</summary>
    public IFrameLocator Element => PaymentElement.Element;

    /// <summary>The 3-D Secure challenge's frame, in the modal Stripe.js opens over the page.</summary>
    public IFrameLocator Challenge => PaymentElement.Challenge;

    public ILocator ChallengeModal => PaymentElement.ChallengeModal;

    private PaymentElementFrame PaymentElement => new(Page);

    public ILocator Status => Page.Locator("#status");

    public ILocator Message => Page.Locator("#message");

    public ILocator ErrorType => Page.Locator("#error-type");

    public ILocator ErrorCode => Page.Locator("#error-code");

    public ILocator DeclineCode => Page.Locator("#decline-code");

    public static async Task<CheckoutBrowser> OpenAsync(BrowserFixture browser, StripeJsSandbox sandbox, string query)
    {
        var context = await browser.Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 1000, Height = 900 },
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(10_000);
        context.SetDefaultNavigationTimeout(15_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{sandbox.MerchantUrl}/checkout?{query}");
        return new CheckoutBrowser(context, page);
    }

    /// <summary>Waits for the element's <c>ready</c> event.</summary>
    public async Task WaitUntilReadyAsync() =>
        await Page.WaitForFunctionAsync("() => window.stripeEvents.some(e => e.name === 'ready')");

    public Task FillCardAsync(string number, string expiry = "12 / 34", string cvc = "123", string postalCode = "SW1A 1AA") =>
        PaymentElement.FillCardAsync(number, expiry, cvc, postalCode);

    public async Task ChooseBacsAsync() =>
        await Element.GetByRole(AriaRole.Tab, new() { Name = "Bacs Direct Debit" }).ClickAsync();

    /// <summary>Bank details; with <paramref name="customerDetails"/> also the email, name and address the form asks for.</summary>
    public async Task FillBacsAsync(string sortCode, string accountNumber, bool customerDetails = true, bool acceptMandate = true)
    {
        if (customerDetails)
        {
            await Element.GetByLabel("Email").FillAsync("jenny@example.com");
            await Element.GetByLabel("Full name").FillAsync("Jenny Rosen");
            await Element.GetByLabel("Address line 1").FillAsync("1 High Street");
            await Element.GetByLabel("Town or city").FillAsync("London");
            await Element.GetByLabel("Postcode").FillAsync("SW1A 1AA");
        }

        await PaymentElement.FillBankAccountAsync(sortCode, accountNumber, acceptMandate);
    }

    public async Task PayAsync() => await Page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync();

    /// <summary>Waits until confirmPayment (or submit) answered and returns what it resolved with.</summary>
    public async Task<JsonElement> ResultAsync()
    {
        await Page.WaitForFunctionAsync("() => window.lastResult !== undefined", null, new() { Timeout = 15_000 });
        return await Page.EvaluateAsync<JsonElement>("() => window.lastResult");
    }

    /// <summary>The element events the page received, by name.</summary>
    public async Task<JsonElement[]> EventsAsync(string name)
    {
        var events = await Page.EvaluateAsync<JsonElement>(
            "name => window.stripeEvents.filter(e => e.name === name).map(e => e.event)", name);
        return events.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath(name), FullPage = true });

    /// <summary>Runs the steps; on failure keeps <c>artifacts/screenshots/failure-{test}.png</c> and rethrows.</summary>
    public Task ScreenshotOnFailureAsync(Func<Task> steps, [CallerMemberName] string test = "") =>
        FailureScreenshots.RunAsync(Page, steps, test);

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
