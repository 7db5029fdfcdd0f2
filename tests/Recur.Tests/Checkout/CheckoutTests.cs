using System.Net;
using System.Text.Json.Nodes;
using Recur.Tests.Catalog;
using Recur.Tests.Infrastructure;
using Recur.Tests.Subscriptions;
using Stripe;

namespace Recur.Tests.Checkout;

public sealed class CheckoutTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_checkout_page_shows_the_merchant_the_offer_and_the_test_mode_banner_with_test_cards()
    {
        var tenant = await factory.SellingTenantAsync(businessName: "Acme Books");
        using var customer = factory.NewBrowser();

        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);

        Assert.Equal("Acme Books", open.Page.TestId("merchant"));
        Assert.Equal("Book club", open.Page.TestId("product"));
        Assert.Equal("£9.99 every month", open.Page.TestId("offer-summary"));
        Assert.Contains("TEST MODE", open.Page.Text);
        Assert.Contains("4242 4242 4242 4242", open.Page.Text);
        Assert.Contains("10-88-00", open.Page.Text);
        Assert.Contains("/v3/stripe.js", open.Page.Html);
        Assert.Null(open.Page.TestId("payment-method-selector"));
        Assert.Equal("Pay by card.", open.Page.TestId("payment-type"));
    }

    [Fact]
    public async Task The_country_is_chosen_from_a_list_with_the_united_kingdom_first_and_chosen()
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();

        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);

        var options = CountryOptions(open.Page.Html);
        Assert.Equal(("GB", "United Kingdom", true), options[0]);
        Assert.Contains(("US", "United States", false), options);
        Assert.Contains(("IE", "Ireland", false), options);
        Assert.Single(options, o => o.Selected);
        Assert.DoesNotContain("two letters", open.Page.Text);
    }

    [Fact]
    public async Task A_direct_debit_offer_offers_only_a_uk_billing_address()
    {
        var tenant = await factory.SellingTenantAsync(CheckoutFlows.BacsOffer("WhenMandateCreated"));
        using var customer = factory.NewBrowser();

        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);

        Assert.Equal([("GB", "United Kingdom", true)], CountryOptions(open.Page.Html));
        Assert.Contains("Direct Debit is for UK bank accounts", open.Page.Text);
    }

    [Fact]
    public async Task The_confirmation_page_shows_the_test_mode_badge_but_not_the_test_cards()
    {
        var tenant = await factory.SellingTenantAsync();

        var (complete, _, _) = await factory.BuyWithCardAsync(tenant);

        Assert.Equal("Active", complete.State());
        Assert.Equal("TEST MODE — no real money moved.", complete.TestId("test-mode"));
        Assert.DoesNotContain("4242", complete.Text);
        Assert.DoesNotContain("10-88-00", complete.Text);
        Assert.DoesNotContain("data-testid=\"test-details\"", complete.Html);
    }

    private static List<(string Code, string Name, bool Selected)> CountryOptions(string html)
    {
        var select = System.Text.RegularExpressions.Regex.Match(html, @"<select id=""country""[^>]*>(?<options>.*?)</select>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(select.Success, "The checkout page has no country select.");
        return [.. System.Text.RegularExpressions.Regex.Matches(select.Groups["options"].Value, @"<option value=""(?<code>[A-Z]{2})""(?<selected> selected=""selected"")?>(?<name>[^<]+)</option>")
            .Select(m => (m.Groups["code"].Value, m.Groups["name"].Value, m.Groups["selected"].Success))];
    }

    [Fact]
    public async Task A_card_offer_checkout_makes_an_active_subscription_on_the_connected_account()
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId);

        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);

        Assert.Equal("payment", checkout.IntentType);
        Assert.Equal(tenant.AccountId, checkout.StripeAccount);
        Assert.StartsWith("pk_test_", checkout.PublishableKey);
        Assert.StartsWith("pi_", checkout.ClientSecret);
        Assert.Equal(open.OrderId, checkout.OrderId);
        await factory.ConfirmCardAsync(checkout);
        var complete = await customer.GetAsync(checkout.ReturnUrl);

        Assert.Equal("Active", complete.State());
        Assert.Equal("Thank you, your subscription is active", complete.TestId("headline"));
        var stripe = await factory.PlatformStripeAsync();
        var subscriptions = await stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Status = "all" }, new RequestOptions { StripeAccount = tenant.AccountId }, Cancel);
        var subscription = Assert.Single(subscriptions.Data);
        Assert.Equal("active", subscription.Status);
        Assert.Equal(["card"], subscription.PaymentSettings.PaymentMethodTypes);
        var detail = await tenant.Admin.SubscriptionPageAsync(details.Email!);
        Assert.Equal("Active", detail.TestId("status"));
        Assert.Contains("•••• 4242", detail.TestId("payment-method"));
        Assert.Contains("paid", detail.Html);
    }

    [Fact]
    public async Task Webhooks_alone_make_the_subscription_active_in_the_admin_panel()
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId);
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);

        await factory.ConfirmCardAsync(checkout);

        // The customer never comes back to the confirmation page: only Stripe's events tell Recur.
        var detail = await tenant.Admin.SubscriptionPageAsync(details.Email!);
        detail = await tenant.Admin.WaitForAsync(detail.Url.AbsolutePath, page => page.TestId("status") == "Active");
        Assert.Equal("Active", detail.TestId("status"));
        Assert.Contains("•••• 4242", detail.TestId("payment-method"));
    }

    [Fact]
    public async Task A_card_that_needs_3d_secure_says_so_and_offers_to_continue()
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, CheckoutFlows.Details(open.OrderId));

        await factory.ConfirmCardAsync(checkout, "pm_card_authenticationRequired");
        var complete = await customer.GetAsync(checkout.ReturnUrl);

        Assert.Equal("NeedsAuthentication", complete.State());
        Assert.Equal("Your bank needs you to confirm this payment", complete.TestId("headline"));
        Assert.Contains("Continue", complete.Text);
    }

    [Fact]
    public async Task Submitting_the_same_order_twice_at_once_creates_one_customer_and_one_subscription()
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId);

        var answers = await Task.WhenAll(
            customer.PlaceOrderAsync(tenant.CheckoutPath, open, details),
            customer.PlaceOrderAsync(tenant.CheckoutPath, open, details));
        var retried = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);

        Assert.Equal(answers[0].ClientSecret, answers[1].ClientSecret);
        Assert.Equal(answers[0].ClientSecret, retried.ClientSecret);
        var stripe = await factory.PlatformStripeAsync();
        var onAccount = new RequestOptions { StripeAccount = tenant.AccountId };
        var customers = (await stripe.V1.Customers.ListAsync(null, onAccount, Cancel)).Data;
        Assert.Empty((await stripe.V1.TestHelpers.TestClocks.ListAsync(null, onAccount, Cancel)).Data);
        var stripeCustomer = Assert.Single(customers);
        Assert.Equal(details.Email, stripeCustomer.Email);
        var subscriptions = await stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = stripeCustomer.Id, Status = "all" }, onAccount, Cancel);
        Assert.Single(subscriptions.Data);
        Assert.Single((await stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Status = "all" }, onAccount, Cancel)).Data);
    }

    [Fact]
    public async Task Refreshing_the_checkout_page_keeps_the_open_order()
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var first = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        await customer.PlaceOrderAsync(tenant.CheckoutPath, first, CheckoutFlows.Details(first.OrderId, "refresh@example.com"));

        var refreshed = await customer.OpenCheckoutAsync(tenant.CheckoutPath);

        Assert.Equal(first.OrderId, refreshed.OrderId);
        Assert.Contains("value=\"refresh@example.com\"", refreshed.Page.Html);
    }

    [Fact]
    public async Task A_declined_card_shows_stripes_message_and_trying_again_with_another_card_activates_the_same_subscription()
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId);
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);

        var declined = await Assert.ThrowsAsync<StripeException>(() => factory.ConfirmCardAsync(checkout, "pm_card_chargeDeclined"));
        Assert.Equal("card_declined", declined.StripeError.Code);
        var failed = await customer.GetAsync(checkout.ReturnUrl);

        Assert.Equal("Failed", failed.State());
        Assert.Equal("Your payment failed", failed.TestId("headline"));
        Assert.Equal(declined.StripeError.Message, failed.TestId("stripe-message"));
        var tryAgain = await customer.OpenCheckoutAsync(Href(failed, "try-again"));
        Assert.Equal(open.OrderId, tryAgain.OrderId);
        var again = await customer.PlaceOrderAsync(tenant.CheckoutPath, tryAgain, details);
        Assert.Equal(checkout.ClientSecret, again.ClientSecret);
        await factory.ConfirmCardAsync(again, "pm_card_visa");
        var complete = await customer.GetAsync(again.ReturnUrl);
        Assert.Equal("Active", complete.State());
        var subscriptions = await (await factory.PlatformStripeAsync()).V1.Subscriptions.ListAsync(
            new SubscriptionListOptions { Status = "all" }, new RequestOptions { StripeAccount = tenant.AccountId }, Cancel);
        Assert.Single(subscriptions.Data);
        var detail = await tenant.Admin.SubscriptionPageAsync(details.Email!);
        Assert.Contains("card_declined", detail.TestId("last-error"));
    }

    [Fact]
    public async Task Starting_again_after_a_failure_makes_a_fresh_order()
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, CheckoutFlows.Details(open.OrderId));
        await Assert.ThrowsAsync<StripeException>(() => factory.ConfirmCardAsync(checkout, "pm_card_chargeDeclinedInsufficientFunds"));
        var failed = await customer.GetAsync(checkout.ReturnUrl);

        var fresh = await customer.OpenCheckoutAsync(Href(failed, "start-over"));

        Assert.NotEqual(open.OrderId, fresh.OrderId);
    }

    [Fact]
    public async Task An_offer_with_both_payment_types_shows_the_selector_and_subscribes_with_the_chosen_type()
    {
        var values = CatalogFlows.MonthlyCardOffer("Card or Direct Debit");
        values["Form.PayByBacs"] = "true";
        var tenant = await factory.SellingTenantAsync(values);
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        Assert.NotNull(open.Page.TestId("payment-method-selector"));
        Assert.Contains("Direct Debit (UK bank account)", open.Page.Text);

        using var unchosen = await customer.PostOrderRawAsync(tenant.CheckoutPath, open.Token, CheckoutFlows.Details(open.OrderId) with { PaymentType = null });
        Assert.Equal(HttpStatusCode.BadRequest, unchosen.StatusCode);
        Assert.Contains("Choose how to pay: card or Direct Debit.", await unchosen.Content.ReadAsStringAsync(Cancel));

        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, CheckoutFlows.Details(open.OrderId, paymentType: "bacs_debit"));

        Assert.Equal("bacs_debit", checkout.PaymentType);
        var stripe = await factory.PlatformStripeAsync();
        var subscription = Assert.Single((await stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Status = "all" },
            new RequestOptions { StripeAccount = tenant.AccountId }, Cancel)).Data);
        Assert.Equal(["bacs_debit"], subscription.PaymentSettings.PaymentMethodTypes);
    }

    [Fact]
    public async Task A_bacs_offer_active_when_the_mandate_is_created_is_active_while_the_first_payment_processes()
    {
        var tenant = await factory.SellingTenantAsync(CheckoutFlows.BacsOffer("WhenMandateCreated"));
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId, paymentType: "bacs_debit");
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);

        await factory.ConfirmBacsAsync(checkout);
        var complete = await customer.GetAsync(checkout.ReturnUrl);

        Assert.Equal("Active", complete.State());
        Assert.Contains("mandate is set up", complete.TestId("detail"));
        var detail = await tenant.Admin.SubscriptionPageAsync(details.Email!);
        Assert.Equal("Active", detail.TestId("status"));
        Assert.Equal("processing", detail.TestId("latest-payment"));
        Assert.Contains("sort code 10-88-00, account •••• 2345", detail.TestId("payment-method"));
        Assert.Matches("^(pending|active) \\(mandate_", detail.TestId("mandate"));
    }

    [Fact]
    public async Task A_bacs_offer_active_when_the_first_payment_is_confirmed_stays_processing_until_the_payment_settles()
    {
        var tenant = await factory.SellingTenantAsync(CheckoutFlows.BacsOffer("WhenFirstPaymentConfirmed"));
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId, paymentType: "bacs_debit");
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);

        await factory.ConfirmBacsAsync(checkout);
        var complete = await customer.GetAsync(checkout.ReturnUrl);

        Assert.Equal("Processing", complete.State());
        Assert.Equal("Your Direct Debit is being set up", complete.TestId("headline"));
        var detail = await tenant.Admin.SubscriptionPageAsync(details.Email!);
        Assert.Equal("Processing", detail.TestId("status"));

        // Test runs in real time, like Production: the sandbox settles the debit after a few seconds.
        var settled = await tenant.Admin.WaitForAsync(detail.Url.PathAndQuery, page => page.TestId("status") == "Active", seconds: 40);

        Assert.Equal("Active", settled.TestId("status"));
        Assert.Equal("active", settled.TestId("mandate")?.Split(' ')[0]);
        Assert.Contains("data-status=\"paid\"", settled.Html);
    }

    [Fact]
    public async Task A_direct_debit_the_bank_refuses_shows_the_failure_and_the_mandate_inactive()
    {
        var tenant = await factory.SellingTenantAsync(CheckoutFlows.BacsOffer("WhenMandateCreated"));
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId, paymentType: "bacs_debit");
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);

        await factory.ConfirmBacsAsync(checkout, accountNumber: "33333335");
        var processing = await customer.GetAsync(checkout.ReturnUrl);
        Assert.Equal("Active", processing.State());
        // The bank answers in real time (in Test as in Production), a few seconds later in the sandbox.
        var detail = await tenant.Admin.WaitForAsync((await tenant.Admin.SubscriptionPageAsync(details.Email!)).Url.PathAndQuery,
            page => page.TestId("status") == "Payment failed", seconds: 40);
        var complete = await customer.GetAsync(checkout.ReturnUrl);

        Assert.StartsWith("inactive", detail.TestId("mandate"));
        Assert.Equal("Payment failed", detail.TestId("status"));
        Assert.Contains("debit_not_authorized", detail.TestId("last-error"));
        Assert.Equal("Failed", complete.State());
    }

    [Fact]
    public async Task Direct_debit_needs_a_billing_address()
    {
        var tenant = await factory.SellingTenantAsync(CheckoutFlows.BacsOffer("WhenMandateCreated"));
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);

        using var response = await customer.PostOrderRawAsync(tenant.CheckoutPath, open.Token,
            CheckoutFlows.Details(open.OrderId, paymentType: "bacs_debit", withAddress: false));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Direct Debit needs your billing address", await response.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task Missing_or_invalid_details_are_answered_with_problem_details_naming_each_field()
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);

        using var response = await customer.PostOrderRawAsync(tenant.CheckoutPath, open.Token,
            new { orderId = open.OrderId, email = "not-an-email", name = "" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;
        Assert.Equal("Enter a valid email address, like name@example.com.", (string?)problem["errors"]!["email"]![0]);
        Assert.Equal("Enter your name.", (string?)problem["errors"]!["name"]![0]);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_400_problem_not_a_500()
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/checkout/" + tenant.CheckoutPath["/checkout/".Length..] + "/orders")
        {
            Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("RequestVerificationToken", open.Token);

        using var response = await customer.Http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_order_without_the_pages_antiforgery_token_is_refused()
    {
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);

        using var response = await customer.PostOrderRawAsync(tenant.CheckoutPath, "forged", CheckoutFlows.Details(open.OrderId));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_unpublished_offer_has_no_checkout_page()
    {
        var tenant = await factory.SellingTenantAsync();
        var offer = await tenant.Admin.OfferPageAsync(tenant.OfferId);
        await tenant.Admin.SubmitAsync(offer, offer.Form("handler=Unpublish"));
        using var customer = factory.NewBrowser();

        var page = await customer.GetAsync(tenant.CheckoutPath);

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        using var order = await customer.PostOrderRawAsync(tenant.CheckoutPath, "x", CheckoutFlows.Details(Guid.NewGuid()));
        Assert.NotEqual(HttpStatusCode.OK, order.StatusCode);
    }

    [Fact]
    public async Task A_trial_offer_saves_the_card_with_a_setup_and_starts_the_trial()
    {
        var values = CatalogFlows.MonthlyCardOffer("Trial");
        values["Form.TrialDays"] = "14";
        var tenant = await factory.SellingTenantAsync(values);
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        Assert.Contains("Start free trial", open.Page.Text);
        var details = CheckoutFlows.Details(open.OrderId);
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);

        Assert.Equal("setup", checkout.IntentType);
        Assert.StartsWith("seti_", checkout.ClientSecret);
        await factory.ConfirmCardAsync(checkout);
        var complete = await customer.GetAsync(checkout.ReturnUrl);

        Assert.Equal("TrialStarted", complete.State());
        Assert.Equal("Your free trial has started", complete.TestId("headline"));
        var detail = await tenant.Admin.SubscriptionPageAsync(details.Email!);
        Assert.Equal("Trialing", detail.TestId("status"));
        Assert.NotNull(detail.TestId("trial-end"));
        Assert.Contains("•••• 4242", detail.TestId("payment-method"));
    }

    [Fact]
    public async Task A_joining_fee_is_charged_with_the_first_period()
    {
        var values = CatalogFlows.MonthlyCardOffer("With joining fee");
        values["Form.Billing"] = "JoiningFeeAndRecurring";
        values["Form.JoiningFee"] = "25";
        var tenant = await factory.SellingTenantAsync(values);

        var (complete, _, email) = await factory.BuyWithCardAsync(tenant);

        Assert.Equal("Active", complete.State());
        var detail = await tenant.Admin.SubscriptionPageAsync(email);
        Assert.Contains("£34.99", detail.Text);
        Assert.Contains("data-status=\"paid\"", detail.Html);
    }

    [Fact]
    public async Task A_fixed_term_offer_ends_after_its_periods()
    {
        var values = CatalogFlows.MonthlyCardOffer("Three months");
        values["Form.FixedTermPeriods"] = "3";
        var tenant = await factory.SellingTenantAsync(values);

        var (_, checkout, email) = await factory.BuyWithCardAsync(tenant);

        var subscription = Assert.Single((await (await factory.PlatformStripeAsync()).V1.Subscriptions.ListAsync(
            new SubscriptionListOptions { Status = "all" }, new RequestOptions { StripeAccount = checkout.StripeAccount }, Cancel)).Data);
        Assert.NotNull(subscription.CancelAt);
        var detail = await tenant.Admin.SubscriptionPageAsync(email);
        Assert.StartsWith("Ends on ", detail.TestId("cancellation"));
    }

    [Fact]
    public async Task A_one_off_offer_is_paid_with_a_payment_intent()
    {
        var values = CatalogFlows.MonthlyCardOffer("Gift box");
        values["Form.Billing"] = "OneOff";
        values["Form.Amount"] = "40";
        var tenant = await factory.SellingTenantAsync(values);

        var (complete, checkout, _) = await factory.BuyWithCardAsync(tenant);

        Assert.Equal("payment", checkout.IntentType);
        Assert.Equal("Active", complete.State());
        Assert.Equal("Thank you, your payment is complete", complete.TestId("headline"));
        var intent = await (await factory.PlatformStripeAsync()).V1.PaymentIntents.GetAsync(CheckoutFlows.SecretId(checkout.ClientSecret!), null,
            new RequestOptions { StripeAccount = checkout.StripeAccount }, Cancel);
        Assert.Equal(4000, intent.Amount);
        Assert.Equal("succeeded", intent.Status);
    }


    private static string Href(Page page, string testId) =>
        System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(page.Html, $@"data-testid=""{testId}"" href=""(?<href>[^""]+)""").Groups["href"].Value);
}
