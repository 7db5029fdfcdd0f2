using System.Net;
using Recur.StripeSandbox.Tests.Accounts;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.PaymentIntents;
using Stripe;
using Stripe.Checkout;

namespace Recur.StripeSandbox.Tests.CheckoutSessions;

/// <summary>
/// Checkout Sessions through Stripe.net (docs.stripe.com/api/checkout/sessions): setup mode saving a card or a Bacs
/// mandate (docs.stripe.com/payments/bacs-debit/save-bank-details), subscription mode with a trial
/// (docs.stripe.com/payments/checkout/free-trials), expiry, and the hosted page's answers.
/// </summary>
public sealed class CheckoutSessionsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SessionCreateOptions BacsSetup(string customerId) => new()
    {
        Mode = "setup", Currency = "gbp", Customer = customerId, AllowedPaymentMethodTypes = ["bacs_debit"],
        SuccessUrl = "https://shop.example/done?session={CHECKOUT_SESSION_ID}", CancelUrl = "https://shop.example/back",
        Metadata = new Dictionary<string, string> { ["order"] = "42" },
    };

    [Fact]
    public async Task A_setup_session_saves_a_bacs_mandate_to_the_customer_and_returns_to_the_success_url()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var session = await shop.Server.V1.Checkout.Sessions.CreateAsync(BacsSetup(customer.Id), shop.On(), Ct);

        var next = await HostedCheckout.CompleteAsync(session, HostedCheckout.Bacs());
        var get = new SessionGetOptions();
        get.AddExpand("setup_intent");
        var done = await shop.Server.V1.Checkout.Sessions.GetAsync(session.Id, get, shop.On(), Ct);
        var mandate = await shop.Server.V1.Mandates.GetAsync(done.SetupIntent.MandateId, requestOptions: shop.On(), cancellationToken: Ct);
        var saved = await shop.Server.V1.PaymentMethods.GetAsync(done.SetupIntent.PaymentMethodId, requestOptions: shop.On(), cancellationToken: Ct);

        Assert.Equal("open", session.Status);
        Assert.StartsWith("cs_test_", session.Id);
        Assert.Equal($"{sandbox.BaseUrl}/c/pay/{session.Id}", session.Url);
        Assert.StartsWith("seti_", session.SetupIntentId);
        Assert.Equal($"https://shop.example/done?session={session.Id}", next);
        Assert.Equal("complete", done.Status);
        Assert.Equal("no_payment_required", done.PaymentStatus);
        Assert.Null(done.Url);
        Assert.Equal("42", done.Metadata["order"]);
        Assert.Equal("jenny@example.co.uk", done.CustomerDetails.Email);
        Assert.Equal("succeeded", done.SetupIntent.Status);
        Assert.Equal(["bacs_debit"], done.SetupIntent.PaymentMethodTypes);
        Assert.Equal("pending", mandate.Status);
        Assert.Equal("online", mandate.CustomerAcceptance.Type);
        Assert.Equal(customer.Id, saved.CustomerId);
        Assert.Equal("bacs_debit", saved.Type);
        var events = await shop.EventTypesAsync();
        Assert.Equal(["setup_intent.created", "payment_method.attached", "setup_intent.succeeded", "checkout.session.completed"],
            events.Where(e => e.StartsWith("setup_intent.", StringComparison.Ordinal) || e.StartsWith("checkout.", StringComparison.Ordinal)
                || e == "payment_method.attached"));
    }

    [Fact]
    public async Task A_checkout_session_has_every_key_of_stripes_example()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var session = await shop.Server.V1.Checkout.Sessions.CreateAsync(BacsSetup(customer.Id), shop.On(), Ct);

        var json = await shop.GetJsonAsync($"/v1/checkout/sessions/{session.Id}");

        FixtureShapes.AssertShape("checkout.session", json, "after_expiration", "consent", "consent_collection",
            "collected_information", "currency_conversion", "invoice_creation", "payment_method_configuration_details",
            "permissions", "saved_payment_method_options", "shipping_address_collection", "shipping_cost", "total_details",
            "custom_text", "automatic_tax", "wallet_options");
    }

    [Fact]
    public async Task A_subscription_session_with_a_trial_makes_the_customer_and_a_trialing_subscription_with_the_fee()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var price = await MonthlyPriceAsync(shop);
        var session = await shop.Server.V1.Checkout.Sessions.CreateAsync(new SessionCreateOptions
        {
            Mode = "subscription", AllowedPaymentMethodTypes = ["card", "bacs_debit"],
            LineItems = [new SessionLineItemOptions { Price = price.Id, Quantity = 1 }],
            SubscriptionData = new SessionSubscriptionDataOptions
            {
                TrialPeriodDays = 14, ApplicationFeePercent = 2.5m,
                Metadata = new Dictionary<string, string> { ["order"] = "7" },
            },
            SuccessUrl = "https://shop.example/done",
        }, shop.On(), Ct);

        await HostedCheckout.CompleteAsync(session, HostedCheckout.Bacs());
        var done = await shop.Server.V1.Checkout.Sessions.GetAsync(session.Id, requestOptions: shop.On(), cancellationToken: Ct);
        var subscription = await shop.Server.V1.Subscriptions.GetAsync(done.SubscriptionId, requestOptions: shop.On(), cancellationToken: Ct);
        var customer = await shop.Server.V1.Customers.GetAsync(done.CustomerId, requestOptions: shop.On(), cancellationToken: Ct);

        Assert.Equal(999, session.AmountSubtotal);
        Assert.Equal(0, session.AmountTotal);
        Assert.Equal("complete", done.Status);
        Assert.Equal("no_payment_required", done.PaymentStatus);
        Assert.Equal("trialing", subscription.Status);
        Assert.Equal(2.5m, subscription.ApplicationFeePercent);
        Assert.Equal("7", subscription.Metadata["order"]);
        Assert.NotNull(subscription.DefaultPaymentMethodId);
        Assert.Equal("jenny@example.co.uk", customer.Email);
        Assert.Contains("checkout.session.completed", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task A_subscription_session_without_a_trial_pays_the_first_invoice_with_the_card()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var price = await MonthlyPriceAsync(shop);
        var session = await shop.Server.V1.Checkout.Sessions.CreateAsync(new SessionCreateOptions
        {
            Mode = "subscription", LineItems = [new SessionLineItemOptions { Price = price.Id, Quantity = 2 }],
            SuccessUrl = "https://shop.example/done", CustomerEmail = "kim@example.com",
        }, shop.On(), Ct);

        await HostedCheckout.CompleteAsync(session, HostedCheckout.Card());
        var done = await shop.Server.V1.Checkout.Sessions.GetAsync(session.Id, requestOptions: shop.On(), cancellationToken: Ct);
        var subscription = await shop.Server.V1.Subscriptions.GetAsync(done.SubscriptionId, requestOptions: shop.On(), cancellationToken: Ct);

        Assert.Equal(1998, session.AmountTotal);
        Assert.Equal(["card"], session.PaymentMethodTypes);
        Assert.Equal("paid", done.PaymentStatus);
        Assert.Equal("active", subscription.Status);
        Assert.Equal(done.InvoiceId, subscription.LatestInvoiceId);
    }

    [Fact]
    public async Task A_declined_card_stays_on_the_page_with_stripes_message_and_the_session_stays_open()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var session = await shop.Server.V1.Checkout.Sessions.CreateAsync(new SessionCreateOptions
        {
            Mode = "setup", Currency = "gbp", Customer = customer.Id, AllowedPaymentMethodTypes = ["card"],
            SuccessUrl = "https://shop.example/done", CancelUrl = "https://shop.example/back",
        }, shop.On(), Ct);

        using var declined = await HostedCheckout.SubmitAsync(session, HostedCheckout.Card("4000 0000 0000 0002"));
        var page = await declined.Content.ReadAsStringAsync(Ct);
        var after = await shop.Server.V1.Checkout.Sessions.GetAsync(session.Id, requestOptions: shop.On(), cancellationToken: Ct);
        var next = await HostedCheckout.CompleteAsync(session, HostedCheckout.Card());

        Assert.Equal(HttpStatusCode.BadRequest, declined.StatusCode);
        Assert.Contains("Your card was declined.", page, StringComparison.Ordinal);
        Assert.Contains("href=\"https://shop.example/back\"", page, StringComparison.Ordinal);
        Assert.Equal("open", after.Status);
        Assert.Equal("https://shop.example/done", next);
    }

    [Fact]
    public async Task Bacs_on_the_hosted_page_needs_the_direct_debit_terms_accepted_and_shows_them()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var session = await shop.Server.V1.Checkout.Sessions.CreateAsync(BacsSetup(customer.Id), shop.On(), Ct);
        using var http = new HttpClient();

        var page = await http.GetStringAsync(session.Url, Ct);
        using var refused = await HostedCheckout.SubmitAsync(session, HostedCheckout.Bacs(acceptTerms: false));

        Assert.Contains("Direct Debit Instruction", page, StringComparison.Ordinal);
        Assert.Contains("Bacs Shop", page, StringComparison.Ordinal);
        Assert.Contains("about 4 business days", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Confirm the Direct Debit terms", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_session_cancels_its_setup_intent_and_its_page_says_so()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var session = await shop.Server.V1.Checkout.Sessions.CreateAsync(BacsSetup(customer.Id), shop.On(), Ct);

        var expired = await shop.Server.V1.Checkout.Sessions.ExpireAsync(session.Id, requestOptions: shop.On(), cancellationToken: Ct);
        var again = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.Checkout.Sessions.ExpireAsync(session.Id, requestOptions: shop.On(), cancellationToken: Ct));
        var setup = await shop.Server.V1.SetupIntents.GetAsync(session.SetupIntentId, requestOptions: shop.On(), cancellationToken: Ct);
        using var submitted = await HostedCheckout.SubmitAsync(session, HostedCheckout.Bacs());

        Assert.Equal("expired", expired.Status);
        Assert.Null(expired.Url);
        Assert.Equal(HttpStatusCode.BadRequest, again.HttpStatusCode);
        Assert.Equal("canceled", setup.Status);
        Assert.Equal(HttpStatusCode.Gone, submitted.StatusCode);
        Assert.Contains("checkout.session.expired", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task Sessions_are_listed_by_customer_and_status_on_their_account_only()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var first = await shop.Server.V1.Checkout.Sessions.CreateAsync(BacsSetup(customer.Id), shop.On(), Ct);
        var second = await shop.Server.V1.Checkout.Sessions.CreateAsync(BacsSetup(customer.Id), shop.On(), Ct);
        await shop.Server.V1.Checkout.Sessions.ExpireAsync(first.Id, requestOptions: shop.On(), cancellationToken: Ct);

        var open = await shop.Server.V1.Checkout.Sessions.ListAsync(new SessionListOptions { Customer = customer.Id, Status = "open" }, shop.On(), Ct);
        var onPlatform = await shop.Server.V1.Checkout.Sessions.ListAsync(new SessionListOptions(), cancellationToken: Ct);

        Assert.Equal([second.Id], open.Data.Select(s => s.Id));
        Assert.Empty(onPlatform.Data);
    }

    [Fact]
    public async Task The_setup_intent_of_a_session_cannot_be_confirmed_or_canceled_directly()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var session = await shop.Server.V1.Checkout.Sessions.CreateAsync(BacsSetup(customer.Id), shop.On(), Ct);

        var confirm = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.SetupIntents.ConfirmAsync(session.SetupIntentId,
            new SetupIntentConfirmOptions { PaymentMethod = "pm_card_visa" }, shop.On(), Ct));
        var cancel = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.SetupIntents.CancelAsync(session.SetupIntentId,
            new SetupIntentCancelOptions(), shop.On(), Ct));

        Assert.Contains("Checkout Session", confirm.StripeError.Message, StringComparison.Ordinal);
        Assert.Contains("Checkout Session", cancel.StripeError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bacs_needs_a_uk_account_with_an_active_bacs_debit_payments_capability()
    {
        var platform = sandbox.NewPlatform();
        var express = await NewAccounts.ExpressAsync(platform.Test);
        var options = new SessionCreateOptions
        {
            Mode = "setup", Currency = "gbp", AllowedPaymentMethodTypes = ["bacs_debit"], SuccessUrl = "https://shop.example/done",
        };

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Checkout.Sessions.CreateAsync(options,
            new RequestOptions { StripeAccount = express.Id }, Ct));
        var card = await platform.Test.V1.Checkout.Sessions.CreateAsync(new SessionCreateOptions
        {
            Mode = "setup", Currency = "gbp", AllowedPaymentMethodTypes = ["card"], SuccessUrl = "https://shop.example/done",
        }, new RequestOptions { StripeAccount = express.Id }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("allowed_payment_method_types", error.StripeError.Param);
        Assert.StartsWith("The payment method type provided: bacs_debit is invalid.", error.StripeError.Message, StringComparison.Ordinal);
        Assert.Equal("open", card.Status);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "success_url=https://a.example", "mode" },
        { "mode=payment&success_url=https://a.example", "mode" },
        { "mode=setup&success_url=https://a.example&allowed_payment_method_types[]=bacs_debit", "currency" },
        { "mode=setup&currency=usd&success_url=https://a.example&allowed_payment_method_types[]=bacs_debit", "currency" },
        { "mode=setup&currency=gbp&allowed_payment_method_types[]=card", "success_url" },
        { "mode=setup&currency=gbp&success_url=not-a-url", "success_url" },
        { "mode=setup&currency=gbp&success_url=https://a.example&line_items[0][price]=price_x", "line_items" },
        { "mode=setup&currency=gbp&success_url=https://a.example&allowed_payment_method_types[]=ideal", "allowed_payment_method_types" },
        { "mode=setup&currency=gbp&success_url=https://a.example&customer=cus_x&customer_email=a@b.example", "customer_email" },
        { "mode=subscription&success_url=https://a.example", "line_items" },
        { "mode=setup&currency=gbp&success_url=https://a.example&subscription_data[trial_period_days]=0", "subscription_data" },
        { "mode=setup&currency=gbp&success_url=https://a.example&ui_mode=embedded_page", "ui_mode" },
    };

    /// <summary>Parameters as docs.stripe.com/api/checkout/sessions/create describes them (stricter where it is vague).</summary>
    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Invalid_create_parameters_are_a_400_naming_the_parameter(string body, string param)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{sandbox.BaseUrl}/v1/checkout/sessions")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new("Bearer", shop.Platform.TestSecretKey);
        request.Headers.Add("Stripe-Account", shop.AccountId);

        using var response = await http.SendAsync(request, Ct);
        var error = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", error["type"]!.ToString());
        Assert.Equal(param, error["param"]?.ToString());
    }

    /// <summary>Before endive a session lists <c>payment_method_types[]</c>; with endive (Stripe.net 53) only
    /// <c>allowed_payment_method_types[]</c> exists.</summary>
    [Theory]
    [InlineData("2025-03-31.basil", HttpStatusCode.OK)]
    [InlineData("2026-10-28.endive", HttpStatusCode.BadRequest)]
    public async Task Payment_method_types_is_read_before_endive_only(string version, HttpStatusCode expected)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{sandbox.BaseUrl}/v1/checkout/sessions")
        {
            Content = new StringContent("mode=setup&currency=gbp&success_url=https://a.example&payment_method_types[]=card",
                System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new("Bearer", shop.Platform.TestSecretKey);
        request.Headers.Add("Stripe-Account", shop.AccountId);
        request.Headers.Add("Stripe-Version", version);

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(expected, response.StatusCode);
    }

    private static async Task<Price> MonthlyPriceAsync(ConnectedShop shop) =>
        await shop.Server.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Currency = "gbp", UnitAmount = 999, Recurring = new PriceRecurringOptions { Interval = "month" },
            ProductData = new PriceProductDataOptions { Name = "Book club" },
        }, shop.On(), Ct);
}
