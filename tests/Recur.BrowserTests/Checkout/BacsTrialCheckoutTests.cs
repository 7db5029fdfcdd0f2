using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Recur.BrowserTests.Infrastructure;
using Recur.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Recur.BrowserTests.Checkout;

/// <summary>
/// A Direct Debit offer with a free trial: nothing is paid now, so Stripe collects the mandate on its hosted Checkout
/// page (the sandbox's, here), and the customer comes back to Recur's confirmation page.
/// </summary>
public sealed class BacsTrialCheckoutTests(BrowserFixture browser, RecurFactory recur)
    : IClassFixture<BrowserFixture>, IClassFixture<RecurFactory>
{
    [Fact]
    public async Task A_customer_starts_a_direct_debit_trial_on_stripes_checkout_page_and_sees_the_confirmation()
    {
        var offer = SellingTenant.MonthlyBacsOffer();
        offer["Form.TrialDays"] = "14";
        var tenant = await SellingTenant.CreateAsync(recur, offer);
        await using var customer = await CheckoutCustomer.OpenAsync(browser, recur, tenant.CheckoutPath);
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            var page = customer.Page;
            await Expect(page.GetByTestId("bacs-timing")).ToContainTextAsync("about 4 business days");
            await page.GetByLabel("Email").FillAsync($"reader-{Guid.NewGuid():N}@example.com");
            await page.GetByLabel("Full name").FillAsync("Ada Reader");
            await page.GetByLabel("Address line 1").FillAsync("1 High Street");
            await page.GetByLabel("Town or city").FillAsync("London");
            await page.GetByLabel("Postcode").FillAsync("SW1A 1AA");
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue to payment" }).ClickAsync();

            // Stripe's hosted Checkout, on the sandbox's origin.
            await Expect(page).ToHaveURLAsync(new Regex(@"/c/pay/cs_test_\w+$"));
            await Expect(page.GetByTestId("checkout-merchant")).ToHaveTextAsync("Acme Books");
            await Expect(page.GetByTestId("mandate-terms")).ToContainTextAsync("Direct Debit");
            await Expect(page.GetByTestId("mandate-terms")).ToContainTextAsync("up to 7 business days");
            await page.GetByLabel("Account holder's full name").FillAsync("Ada Reader");
            await page.GetByLabel("Sort code").FillAsync("10-88-00");
            await page.GetByLabel("Account number").FillAsync("00012345");
            await page.GetByLabel("Address line 1").FillAsync("1 High Street");
            await page.GetByLabel("Town or city").FillAsync("London");
            await page.GetByLabel("Postcode").FillAsync("SW1A 1AA");
            await page.GetByRole(AriaRole.Checkbox).CheckAsync();
            await customer.ScreenshotAsync("checkout-bacs-trial-stripe-checkout.png");
            await page.GetByTestId("checkout-submit").ClickAsync();

            await customer.ExpectConfirmationAsync("TrialStarted", "Your free trial has started");
            await Expect(page.GetByTestId("detail")).ToContainTextAsync("Direct Debit is saved");
            await customer.ScreenshotAsync("checkout-bacs-trial-started.png");
        });
    }
}
