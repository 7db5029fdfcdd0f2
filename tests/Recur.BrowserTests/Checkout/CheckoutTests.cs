using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Recur.BrowserTests.Infrastructure;
using Recur.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Recur.BrowserTests.Checkout;

/// <summary>
/// Customers buying on Recur's checkout page with Stripe's test details, through the sandbox's Stripe.js in its own
/// frame, and the admin watching the subscription afterwards. Screenshots are kept under
/// <c>artifacts/screenshots</c>.
/// </summary>
public sealed class CheckoutTests(BrowserFixture browser, RecurFactory recur)
    : IClassFixture<BrowserFixture>, IClassFixture<RecurFactory>
{
    [Fact]
    public async Task A_customer_buys_a_card_offer_and_sees_it_active()
    {
        string checkoutPath;
        await using (var merchant = await MerchantBrowser.OpenAsync(browser, recur))
        {
            checkoutPath = await PublishCardOfferInTheBrowserAsync(merchant);
        }

        await using var customer = await CheckoutCustomer.OpenAsync(browser, recur, checkoutPath);
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await Expect(customer.Page.GetByTestId("merchant")).ToHaveTextAsync("Acme Books");
            await Expect(customer.Page.GetByTestId("offer-summary")).ToHaveTextAsync("£9.99 every month");
            await Expect(customer.TestModeBanner).ToContainTextAsync("TEST MODE");
            await Expect(customer.TestModeBanner).ToContainTextAsync("4242 4242 4242 4242");
            await Expect(customer.Page.GetByLabel("Country")).ToHaveValueAsync("GB");
            await Expect(customer.Page.GetByLabel("Country").Locator("option").First).ToHaveTextAsync("United Kingdom");
            await customer.ScreenshotAsync("checkout-page.png");

            await customer.ContinueToPaymentAsync($"reader-{Guid.NewGuid():N}@example.com");
            // The postcode and country were given above: the Payment Element asks only for the card.
            await Expect(customer.Element.GetByLabel("Card number")).ToBeVisibleAsync();
            await Expect(customer.Element.GetByLabel("Postal code")).ToHaveCountAsync(0);
            await Expect(customer.Element.GetByLabel("Country")).ToHaveCountAsync(0);
            await customer.FillCardAsync("4242424242424242");
            await customer.PayAsync();

            await customer.ExpectConfirmationAsync("Active", "Thank you, your subscription is active");
            await Expect(customer.Page.GetByTestId("detail")).ToContainTextAsync("Your next renewal is on");
            await Expect(customer.TestModeBanner).ToBeVisibleAsync();
            await Expect(customer.TestModeBanner).Not.ToContainTextAsync("4242");
            await Expect(customer.Page.GetByTestId("test-details")).ToHaveCountAsync(0);
            await customer.ScreenshotAsync("checkout-card-active.png");
        });
    }

    [Fact]
    public async Task A_card_that_needs_3d_secure_is_challenged_and_then_active()
    {
        var tenant = await SellingTenant.CreateAsync(recur, SellingTenant.MonthlyCardOffer());
        await using var customer = await CheckoutCustomer.OpenAsync(browser, recur, tenant.CheckoutPath);
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.ContinueToPaymentAsync($"reader-{Guid.NewGuid():N}@example.com");
            await customer.FillCardAsync("4000002760003184");
            await customer.PayAsync();

            await Expect(customer.ChallengeModal).ToBeVisibleAsync();
            var complete = customer.Challenge.GetByRole(AriaRole.Button, new() { Name = "Complete authentication" });
            await Expect(complete).ToBeVisibleAsync();
            // The modal fits the challenge: no blank area under the buttons.
            var dialog = customer.ChallengeModal.GetByRole(AriaRole.Dialog);
            var gap = double.MaxValue;
            for (var attempt = 0; attempt < 50 && gap > 48; attempt++)
            {
                var box = (await dialog.BoundingBoxAsync())!;
                var button = (await complete.BoundingBoxAsync())!;
                gap = box.Y + box.Height - (button.Y + button.Height);
                if (gap > 48)
                {
                    await Task.Delay(100, TestContext.Current.CancellationToken);
                }
            }
            Assert.InRange(gap, 0, 48);
            await customer.ScreenshotAsync("checkout-3ds-challenge.png", fullPage: false);
            await complete.ClickAsync();

            await customer.ExpectConfirmationAsync("Active", "Thank you, your subscription is active");
        });
    }

    [Fact]
    public async Task A_declined_card_shows_stripes_message_and_another_card_succeeds()
    {
        var tenant = await SellingTenant.CreateAsync(recur, SellingTenant.MonthlyCardOffer());
        await using var customer = await CheckoutCustomer.OpenAsync(browser, recur, tenant.CheckoutPath);
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.ContinueToPaymentAsync($"reader-{Guid.NewGuid():N}@example.com");
            await customer.FillCardAsync("4000000000000002");
            await customer.PayAsync();

            await Expect(customer.Message).ToBeVisibleAsync();
            await Expect(customer.Message).ToHaveTextAsync("Your card was declined. Check the details or try another card.");
            await Expect(customer.Message.GetByTestId("next-step")).ToHaveTextAsync("Check the details or try another card.");
            await Expect(customer.Pay).ToBeEnabledAsync();
            await customer.ScreenshotAsync("checkout-declined.png");

            // The customer clears the declined number: the element reports the change and the message goes.
            await customer.Element.GetByLabel("Card number").ClearAsync();
            await Expect(customer.Message).ToBeHiddenAsync();
            await customer.FillCardAsync("4242424242424242");
            await customer.PayAsync();

            await customer.ExpectConfirmationAsync("Active", "Thank you, your subscription is active");
        });
    }

    [Fact]
    public async Task A_customer_who_already_subscribes_is_told_so_on_the_checkout_page_and_no_payment_form_opens()
    {
        var tenant = await SellingTenant.CreateAsync(recur, SellingTenant.MonthlyCardOffer());
        var email = $"reader-{Guid.NewGuid():N}@example.com";
        await using (var first = await CheckoutCustomer.OpenAsync(browser, recur, tenant.CheckoutPath))
        {
            await first.ScreenshotOnFailureAsync(async () =>
            {
                await first.ContinueToPaymentAsync(email);
                await first.FillCardAsync("4242424242424242");
                await first.PayAsync();
                await first.ExpectConfirmationAsync("Active", "Thank you, your subscription is active");
            });
        }

        // Back on the checkout page later (or pressing Back after paying), with the same email.
        await using var again = await CheckoutCustomer.OpenAsync(browser, recur, tenant.CheckoutPath);
        await again.ScreenshotOnFailureAsync(async () =>
        {
            await again.SubmitDetailsAsync(email);

            await Expect(again.Message).ToBeVisibleAsync();
            await Expect(again.Message).ToContainTextAsync($"{email} already has an active subscription to Monthly from Acme Books, so nothing has been charged.");
            await Expect(again.Message).ToContainTextAsync("To change or cancel it, contact Acme Books");
            await Expect(again.Pay).ToBeHiddenAsync();
            await Expect(again.Page.GetByLabel("Email")).ToBeEnabledAsync();
            await again.ScreenshotAsync("checkout-already-subscribed.png");
        });
    }

    [Fact]
    public async Task A_customer_changes_their_details_after_continuing_and_pays_on_a_fresh_order()
    {
        var tenant = await SellingTenant.CreateAsync(recur, SellingTenant.MonthlyCardOffer());
        await using var customer = await CheckoutCustomer.OpenAsync(browser, recur, tenant.CheckoutPath);
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            var firstOrder = await customer.OpeningOrderIdAsync();
            await customer.ContinueToPaymentAsync($"reader-{Guid.NewGuid():N}@example.com");
            await Expect(customer.Page.GetByLabel("Email")).ToBeDisabledAsync();

            await customer.ChangeDetailsAsync();

            await Expect(customer.Pay).ToBeHiddenAsync();
            await Expect(customer.Page.GetByTestId("change-note")).ToContainTextAsync("Your details will be saved again");
            await customer.ScreenshotAsync("checkout-change-details.png");
            await customer.Page.GetByLabel("Email").FillAsync($"changed-{Guid.NewGuid():N}@example.com");
            await customer.Page.GetByRole(AriaRole.Button, new() { Name = "Continue to payment" }).ClickAsync();
            await Expect(customer.Pay).ToBeVisibleAsync();
            await Expect(customer.Pay).ToBeEnabledAsync();
            await Expect(customer.Page.GetByTestId("change-note")).ToBeHiddenAsync();
            await customer.FillCardAsync("4242424242424242");
            await customer.PayAsync();

            await customer.ExpectConfirmationAsync("Active", "Thank you, your subscription is active");
            var paidOrder = new Uri(customer.Page.Url).Query;
            Assert.DoesNotContain(firstOrder, paidOrder, StringComparison.OrdinalIgnoreCase);
            Assert.Matches("order=[0-9a-f-]{36}", paidOrder);
        });
    }

    [Fact]
    public async Task A_bacs_customer_sees_processing_then_the_admin_sees_it_active_after_the_clock_moves()
    {
        var tenant = await SellingTenant.CreateAsync(recur, SellingTenant.MonthlyBacsOffer());
        var email = $"reader-{Guid.NewGuid():N}@example.com";
        await using (var customer = await CheckoutCustomer.OpenAsync(browser, recur, tenant.CheckoutPath))
        {
            await customer.ScreenshotOnFailureAsync(async () =>
            {
                await Expect(customer.Page.GetByTestId("payment-type")).ToHaveTextAsync("Pay by Direct Debit (UK bank account).");
                await customer.ContinueToPaymentAsync(email);
                await Expect(customer.Element.Locator("#bacs-mandate")).ToContainTextAsync("Acme Books");
                // Email, name and address were given on Recur's form: the Payment Element asks only for the bank account.
                await Expect(customer.Element.GetByLabel("Sort code")).ToBeVisibleAsync();
                foreach (var askedAlready in new[] { "Email", "Full name", "Address line 1", "Town or city", "Postcode", "Country" })
                {
                    await Expect(customer.Element.GetByLabel(askedAlready, new() { Exact = true })).ToHaveCountAsync(0);
                }
                await Expect(customer.Page.GetByLabel("Country").Locator("option")).ToHaveTextAsync(["United Kingdom"]);
                await customer.FillBacsAsync("108800", "00012345");
                await customer.ScreenshotAsync("checkout-bacs-filled.png");
                await customer.PayAsync();

                await customer.ExpectConfirmationAsync("Processing", "Your Direct Debit is being set up");
                await customer.ScreenshotAsync("checkout-bacs-processing.png");
            });
        }

        await using var admin = await MerchantBrowser.OpenAsync(browser, recur);
        await admin.ScreenshotOnFailureAsync(async () =>
        {
            await SignInAsync(admin, tenant.AdminEmail);
            await admin.OpenSubscriptionAsync(email);
            var status = admin.Page.GetByTestId("status");
            // Processing until the debit settles a few seconds after payment (it may already have settled here).
            await Expect(status).ToHaveTextAsync(new Regex("^(Processing|Active)$"));
            await Expect(admin.Page.GetByTestId("payment-method")).ToContainTextAsync("2345");

            // Test runs in real time, like Production: the sandbox settles the debit a few seconds later.
            await admin.ReloadUntilAsync(status, "Active");
            await Expect(status).ToHaveTextAsync("Active");
            await Expect(admin.Page.GetByTestId("stripe-status")).ToHaveTextAsync("active");
            await Expect(admin.Page.GetByTestId("mandate")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^active "));
            var invoices = admin.Page.GetByTestId("invoices");
            await Expect(invoices.Locator("tbody tr[data-status='paid']")).ToHaveCountAsync(1);
            await Expect(invoices.Locator("tbody tr[data-status='paid']")).ToContainTextAsync("£9.99");
            await Expect(invoices.Locator("tbody tr[data-status='paid']").GetByTestId("invoice-status")).ToHaveTextAsync("Paid (first invoice)");
            await admin.Page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("admin-subscription-detail.png"), FullPage = true });

            // Time moves only for an explicit simulation: a copy on its own test clock.
            await admin.ClickButtonAsync("Simulate this subscription");
            await Expect(admin.Page.GetByTestId("simulation")).ToContainTextAsync("Simulation of");
            await admin.Page.GetByLabel("Advance by").SelectOptionAsync(new SelectOptionValue { Label = "1 week" });
            await admin.ClickButtonAsync("Advance the test clock");
            await Expect(admin.Page.GetByTestId("action-message")).ToContainTextAsync("The test clock moved forward");
            await Expect(admin.Page.GetByLabel("Advance by")).ToHaveValueAsync("1w");
            await Expect(admin.Page.GetByTestId("test-clock-time")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$"));
            await admin.Page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("admin-subscription-simulation.png"), FullPage = true });
        });
    }

    /// <summary>The admin signs up, connects their Stripe account, then in Catalog creates a product and a £9.99
    /// monthly card offer and publishes it; returns the checkout page the offer page links to.</summary>
    private static async Task<string> PublishCardOfferInTheBrowserAsync(MerchantBrowser merchant)
    {
        var page = merchant.Page;
        var checkoutUrl = "";
        await merchant.ScreenshotOnFailureAsync(async () =>
        {
            await merchant.SignUpAsync("Acme Books");
            await merchant.OpenStripeIntegrationAsync();
            await merchant.ClickButtonAsync("Connect with Stripe: I already have a Stripe account");
            await merchant.AllowOnConsentPageAsync($"owner-{Guid.NewGuid():N}@example.com", "Acme Books");
            await merchant.ExpectBackOnStripeCardAsync();
            await Expect(merchant.CardField("status")).ToHaveTextAsync("Connected");

            await page.GotoAsync("/admin");
            await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Catalog", Exact = true }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "New product" }).ClickAsync();
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Book club");
            await page.GetByLabel("Description").FillAsync("A book every month");
            await merchant.ClickButtonAsync("Save product");

            var product = page.Locator("[data-product]").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Book club" }) });
            await product.GetByRole(AriaRole.Link, new() { Name = "New offer" }).ClickAsync();
            await page.GetByLabel("Offer name").FillAsync("Monthly");
            await page.GetByLabel("Price").FillAsync("9.99");
            await Expect(page.GetByLabel("Stripe Card")).ToBeCheckedAsync();
            // The BACS activation choice shows only while BACS is ticked.
            var activation = page.GetByTestId("bacs-activation");
            await Expect(activation).ToBeHiddenAsync();
            await page.GetByLabel("Stripe BACS Direct Debit").CheckAsync();
            await Expect(activation).ToBeVisibleAsync();
            await Expect(activation.GetByText("Only used when")).ToBeHiddenAsync();
            await page.GetByLabel("Stripe BACS Direct Debit").UncheckAsync();
            await Expect(activation).ToBeHiddenAsync();
            await merchant.ClickButtonAsync("Save offer");
            await Expect(page.GetByTestId("saved")).ToHaveTextAsync("Offer saved.");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Offer: Monthly");
            await Expect(page.GetByTestId("offer-status")).ToHaveTextAsync("Draft");

            await merchant.ClickButtonAsync("Publish");

            await Expect(page.GetByTestId("offer-status")).ToHaveTextAsync("Published");
            await Expect(page.GetByTestId("offer-summary")).ToHaveTextAsync("£9.99 every month");
            await Expect(page.GetByTestId("stripe-price")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^price_"));
            await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("admin-offer-published.png"), FullPage = true });
            checkoutUrl = (await page.GetByTestId("checkout-url").GetAttributeAsync("href"))!;
        });
        return new Uri(checkoutUrl).AbsolutePath;
    }

    private static async Task SignInAsync(MerchantBrowser admin, string email)
    {
        await admin.Page.GotoAsync("/signin");
        await admin.Page.GetByLabel("Email").FillAsync(email);
        await admin.Page.GetByLabel("Password").FillAsync(RecurBrowser.Password);
        await admin.ClickButtonAsync("Sign in");
        await Expect(admin.Page.GetByRole(AriaRole.Heading, new() { Name = "Admin panel" })).ToBeVisibleAsync();
    }
}
