using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Recur.BrowserTests.Checkout;
using Recur.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Recur.BrowserTests.Stripe;

/// <summary>
/// The day a merchant switches to real keys: Recur with Stripe-looking keys against a Stripe it does not host (the
/// sandbox run on its own), nothing configured by hand but the keys and Stripe's addresses. A new merchant connects,
/// publishes a card and a Direct Debit offer, sells both, and sees each renew.
/// </summary>
public sealed class RealKeysTrialTests(BrowserFixture browser, StandaloneSandboxFactory recur)
    : IClassFixture<BrowserFixture>, IClassFixture<StandaloneSandboxFactory>
{
    [Fact]
    public async Task A_new_merchant_on_real_looking_keys_connects_sells_by_card_and_direct_debit_and_both_renew()
    {
        await using var merchant = await MerchantBrowser.OpenAsync(browser, recur);
        string cardCheckout = "", bacsCheckout = "";
        await merchant.ScreenshotOnFailureAsync(async () =>
        {
            await merchant.SignUpAsync("Acme Books");
            await merchant.OpenStripeIntegrationAsync();
            await merchant.ChooseSettingsAsync("Test", "Express");
            await merchant.ClickButtonAsync("Connect with Stripe: create a new Express account");
            await merchant.CompleteHostedOnboardingAsync("Acme Books");
            await merchant.ExpectBackOnStripeCardAsync();
            await Expect(merchant.CardField("status")).ToHaveTextAsync("Connected");
            await Expect(merchant.CardField("capabilities")).ToContainTextAsync("Bacs Direct Debit payments: active");
            // Stripe's own events reached the endpoint Recur made for itself with the platform key.
            await Expect(merchant.CardField("last-event")).ToHaveTextAsync(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$"));

            await merchant.CreateProductAsync("Book club");
            cardCheckout = await merchant.PublishOfferAsync("Book club", "Monthly by card", "Stripe Card");
            bacsCheckout = await merchant.PublishOfferAsync("Book club", "Monthly by Direct Debit", "Stripe BACS Direct Debit");
        });

        var cardEmail = $"card-{Guid.NewGuid():N}@example.com";
        await using (var customer = await CheckoutCustomer.OpenAsync(browser, recur, cardCheckout))
        {
            await customer.ScreenshotOnFailureAsync(async () =>
            {
                await customer.ContinueToPaymentAsync(cardEmail);
                await customer.FillCardAsync("4242424242424242");
                await customer.PayAsync();
                await customer.ExpectConfirmationAsync("Active", "Thank you, your subscription is active");
            });
        }

        var bacsEmail = $"bacs-{Guid.NewGuid():N}@example.com";
        await using (var customer = await CheckoutCustomer.OpenAsync(browser, recur, bacsCheckout))
        {
            await customer.ScreenshotOnFailureAsync(async () =>
            {
                await customer.ContinueToPaymentAsync(bacsEmail);
                await customer.FillBacsAsync("108800", "00012345");
                await customer.PayAsync();
                await customer.ExpectConfirmationAsync("Processing", "Your Direct Debit is being set up");
            });
        }

        await merchant.ScreenshotOnFailureAsync(async () =>
        {
            await merchant.OpenSubscriptionAsync(cardEmail);
            await Expect(merchant.Page.GetByTestId("status")).ToHaveTextAsync("Active");
            await SimulateARenewalAsync(merchant);

            // The debit settles a few seconds after payment, in real time, as at Stripe.
            await merchant.OpenSubscriptionAsync(bacsEmail);
            await merchant.ReloadUntilAsync(merchant.Page.GetByTestId("status"), "Active");
            await Expect(merchant.Page.GetByTestId("mandate")).ToHaveTextAsync(new Regex("^active "));
            await SimulateARenewalAsync(merchant);
        });

        // Nothing waits for the operator: every event Stripe sent was in the version Recur's endpoint asked for.
        using var http = new HttpClient { BaseAddress = recur.ServerAddress };
        Assert.Equal("Healthy", await http.GetStringAsync("/health", TestContext.Current.CancellationToken));
    }

    /// <summary>"Simulate this subscription", a month and an hour forward, then a week more (a Direct Debit renewal
    /// settles days after it is taken): the simulation shows its renewal paid.</summary>
    private static async Task SimulateARenewalAsync(MerchantBrowser merchant)
    {
        var page = merchant.Page;
        await merchant.ClickButtonAsync("Simulate this subscription");
        await Expect(page.GetByTestId("simulation")).ToContainTextAsync("Simulation of");
        foreach (var step in new[] { "1 month (+1 hour)", "1 week" })
        {
            await page.GetByLabel("Advance by").SelectOptionAsync(new SelectOptionValue { Label = step });
            await merchant.ClickButtonAsync("Advance the test clock");
            await Expect(page.GetByTestId("action-message")).ToContainTextAsync("The test clock moved forward");
        }
        var renewal = page.GetByTestId("invoices").Locator("tbody tr").Filter(new() { HasText = "renewal" }).GetByTestId("invoice-status");
        await merchant.ReloadUntilAsync(renewal, "Paid (renewal)");
    }
}
