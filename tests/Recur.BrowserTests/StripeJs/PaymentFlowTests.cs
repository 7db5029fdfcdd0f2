using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Recur.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Recur.BrowserTests.StripeJs;

/// <summary>
/// A customer pays on the merchant's page through the sandbox's Stripe.js: the intent is created on the connected
/// account by the merchant's server, confirmed by <c>stripe.confirmPayment</c> / <c>confirmSetup</c> with
/// <c>redirect: 'if_required'</c>, and the results are Stripe.js's own shapes.
/// </summary>
public sealed class PaymentFlowTests(BrowserFixture browser, StripeJsSandbox sandbox)
    : IClassFixture<BrowserFixture>, IClassFixture<StripeJsSandbox>
{
    [Fact]
    public async Task A_good_card_succeeds_and_confirm_payment_resolves_with_the_payment_intent()
    {
        var merchant = await StripeJsMerchant.CreateAsync(sandbox);
        var intent = await merchant.PaymentIntentAsync("card");
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, merchant.Checkout(intent.ClientSecret));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await customer.FillCardAsync("4242424242424242");
            await customer.PayAsync();

            await Expect(customer.Status).ToHaveTextAsync("succeeded");
            var result = await customer.ResultAsync();
            Assert.False(result.TryGetProperty("error", out _));
            var paymentIntent = result.GetProperty("paymentIntent");
            Assert.Equal(intent.Id, paymentIntent.GetProperty("id").GetString());
            Assert.Equal("payment_intent", paymentIntent.GetProperty("object").GetString());

            var stored = await merchant.RetrieveAsync(intent);
            Assert.Equal("succeeded", stored.Status);
            Assert.Equal("card", stored.PaymentMethod.Type);
            Assert.Equal("4242", stored.PaymentMethod.Card.Last4);
            Assert.Equal(2034, stored.PaymentMethod.Card.ExpYear);
            Assert.Equal("GB", stored.PaymentMethod.BillingDetails.Address.Country);
            Assert.Equal("SW1A 1AA", stored.PaymentMethod.BillingDetails.Address.PostalCode);
            await customer.ScreenshotAsync("stripejs-card-succeeded.png");
        });
    }

    [Theory]
    [InlineData("4000000000000002", "card_declined", "generic_decline")]
    [InlineData("4000000000009995", "card_declined", "insufficient_funds")]
    public async Task A_declined_card_answers_a_card_error_with_stripes_message_and_decline_code(
        string number, string code, string declineCode)
    {
        var merchant = await StripeJsMerchant.CreateAsync(sandbox);
        var intent = await merchant.PaymentIntentAsync("card");
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, merchant.Checkout(intent.ClientSecret));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await customer.FillCardAsync(number);
            await customer.PayAsync();

            await Expect(customer.ErrorType).ToHaveTextAsync("card_error");
            await Expect(customer.ErrorCode).ToHaveTextAsync(code);
            await Expect(customer.DeclineCode).ToHaveTextAsync(declineCode);
            var error = (await customer.ResultAsync()).GetProperty("error");
            var stored = await merchant.RetrieveAsync(intent);
            Assert.Equal(stored.LastPaymentError.Message, error.GetProperty("message").GetString());
            await Expect(customer.Message).ToHaveTextAsync(stored.LastPaymentError.Message);
            Assert.Equal(intent.Id, error.GetProperty("payment_intent").GetProperty("id").GetString());
            Assert.Equal("requires_payment_method", error.GetProperty("payment_intent").GetProperty("status").GetString());
            Assert.Equal("requires_payment_method", stored.Status);
            await customer.ScreenshotAsync($"stripejs-card-declined-{declineCode}.png");

            // The customer tries again with another card on the same intent.
            await customer.FillCardAsync("4242424242424242");
            await customer.Page.EvaluateAsync("() => { delete window.lastResult; }");
            await customer.PayAsync();
            await Expect(customer.Status).ToHaveTextAsync("succeeded");
            await Expect(customer.Message).ToBeEmptyAsync();
        });
    }

    [Fact]
    public async Task A_card_that_needs_3d_secure_opens_the_challenge_over_the_page_and_succeeds_once_completed()
    {
        var merchant = await StripeJsMerchant.CreateAsync(sandbox);
        var intent = await merchant.PaymentIntentAsync("card");
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, merchant.Checkout(intent.ClientSecret));
        var returnPageLoads = 0;
        customer.Page.Context.Request += (_, request) =>
        {
            if (request.Url.StartsWith($"{sandbox.MerchantUrl}/return", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref returnPageLoads);
            }
        };
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await customer.FillCardAsync("4000002760003184");
            await customer.PayAsync();

            await Expect(customer.ChallengeModal).ToBeVisibleAsync();
            var complete = customer.Challenge.GetByRole(AriaRole.Button, new() { Name = "Complete authentication" });
            await Expect(complete).ToBeVisibleAsync();
            await customer.ScreenshotAsync("stripejs-3ds-challenge.png");
            Assert.Equal("requires_action", (await merchant.RetrieveAsync(intent)).Status);
            await complete.ClickAsync();

            await Expect(customer.Status).ToHaveTextAsync("succeeded");
            await Expect(customer.ChallengeModal).ToHaveCountAsync(0);
            Assert.Equal("merchant", await customer.Page.EvaluateAsync<string>(
                "() => document.querySelector('h1').textContent === 'Checkout' ? 'merchant' : 'elsewhere'"));
            Assert.Equal("succeeded", (await merchant.RetrieveAsync(intent)).Status);
            // The challenge ends inside the modal: the merchant's return page is not loaded behind the customer's back.
            Assert.Equal(0, returnPageLoads);
        });
    }

    [Fact]
    public async Task Failing_the_3d_secure_challenge_answers_the_authentication_error()
    {
        var merchant = await StripeJsMerchant.CreateAsync(sandbox);
        var intent = await merchant.PaymentIntentAsync("card");
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, merchant.Checkout(intent.ClientSecret));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await customer.FillCardAsync("4000002760003184");
            await customer.PayAsync();
            await customer.Challenge.GetByRole(AriaRole.Button, new() { Name = "Fail authentication" }).ClickAsync();

            await Expect(customer.ErrorCode).ToHaveTextAsync("payment_intent_authentication_failure");
            await Expect(customer.ChallengeModal).ToHaveCountAsync(0);
            var error = (await customer.ResultAsync()).GetProperty("error");
            Assert.Equal("requires_payment_method", error.GetProperty("payment_intent").GetProperty("status").GetString());
            var stored = await merchant.RetrieveAsync(intent);
            Assert.Equal("requires_payment_method", stored.Status);
            await Expect(customer.Message).ToHaveTextAsync(stored.LastPaymentError.Message);
        });
    }

    [Fact]
    public async Task Bacs_debit_with_the_test_account_is_processing_with_a_mandate_accepted_online()
    {
        var merchant = await StripeJsMerchant.CreateAsync(sandbox, "Bramble Books");
        var intent = await merchant.PaymentIntentAsync("bacs_debit");
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, merchant.Checkout(intent.ClientSecret));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await Expect(customer.Element.Locator("#bacs-mandate")).ToContainTextAsync("Bramble Books collects payments by Direct Debit");
            await customer.FillBacsAsync("108800", "00012345");
            await customer.ScreenshotAsync("stripejs-bacs-filled.png");
            await customer.PayAsync();

            await Expect(customer.Status).ToHaveTextAsync("processing");
            var stored = await merchant.RetrieveAsync(intent);
            Assert.Equal("processing", stored.Status);
            Assert.Equal("bacs_debit", stored.PaymentMethod.Type);
            Assert.Equal("108800", stored.PaymentMethod.BacsDebit.SortCode);
            Assert.Equal("2345", stored.PaymentMethod.BacsDebit.Last4);
            Assert.Equal("Jenny Rosen", stored.PaymentMethod.BillingDetails.Name);
            Assert.Equal("jenny@example.com", stored.PaymentMethod.BillingDetails.Email);
            Assert.Equal("1 High Street", stored.PaymentMethod.BillingDetails.Address.Line1);

            var mandateId = stored.LatestCharge.PaymentMethodDetails.BacsDebit.Mandate;
            Assert.False(string.IsNullOrEmpty(mandateId));
            var mandate = await merchant.MandateAsync(mandateId);
            Assert.Equal("online", mandate.CustomerAcceptance.Type);
            Assert.Contains("Chrome", mandate.CustomerAcceptance.Online.UserAgent);
            Assert.False(string.IsNullOrEmpty(mandate.CustomerAcceptance.Online.IpAddress));
        });
    }

    [Fact]
    public async Task A_bank_account_the_bank_refuses_answers_the_api_error_and_marks_the_field()
    {
        var merchant = await StripeJsMerchant.CreateAsync(sandbox);
        var intent = await merchant.PaymentIntentAsync("bacs_debit");
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, merchant.Checkout(intent.ClientSecret));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await customer.FillBacsAsync("108800", "00044444");
            await customer.PayAsync();

            await Expect(customer.ErrorType).ToHaveTextAsync("invalid_request_error");
            await Expect(customer.ErrorCode).ToHaveTextAsync("account_number_invalid");
            var message = (await customer.ResultAsync()).GetProperty("error").GetProperty("message").GetString()!;
            await Expect(customer.Message).ToHaveTextAsync(message);
            await Expect(customer.Element.GetByRole(AriaRole.Alert).Filter(new() { HasText = message })).ToBeVisibleAsync();
            Assert.Equal("requires_payment_method", (await merchant.RetrieveAsync(intent)).Status);
        });
    }

    [Fact]
    public async Task Bacs_debit_uses_the_billing_details_the_merchant_passes_in_confirm_params()
    {
        var merchant = await StripeJsMerchant.CreateAsync(sandbox);
        var intent = await merchant.PaymentIntentAsync("bacs_debit");
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox,
            merchant.Checkout(intent.ClientSecret, "&billing=merchant"));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await customer.FillBacsAsync("108800", "00012345", customerDetails: false);
            await customer.PayAsync();

            await Expect(customer.Status).ToHaveTextAsync("processing");
            var stored = await merchant.RetrieveAsync(intent);
            Assert.Equal("Jenny Rosen", stored.PaymentMethod.BillingDetails.Name);
            Assert.Equal("SW1A 1AA", stored.PaymentMethod.BillingDetails.Address.PostalCode);
        });
    }

    [Fact]
    public async Task An_intent_with_card_and_bacs_shows_both_and_pays_with_the_one_chosen()
    {
        var merchant = await StripeJsMerchant.CreateAsync(sandbox);
        var intent = await merchant.PaymentIntentAsync("card", "bacs_debit");
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, merchant.Checkout(intent.ClientSecret));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await Expect(customer.Element.GetByRole(AriaRole.Tab)).ToHaveTextAsync(["Card", "Bacs Direct Debit"]);
            await customer.ChooseBacsAsync();
            await customer.FillBacsAsync("108800", "00012345");
            await customer.PayAsync();

            await Expect(customer.Status).ToHaveTextAsync("processing");
            Assert.Equal("bacs_debit", (await merchant.RetrieveAsync(intent)).PaymentMethod.Type);
        });
    }

    [Fact]
    public async Task In_deferred_mode_the_client_secret_given_to_confirm_payment_is_the_one_confirmed()
    {
        var merchant = await StripeJsMerchant.CreateAsync(sandbox);
        var intent = await merchant.PaymentIntentAsync("card");
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox,
            merchant.Checkout(intent.ClientSecret, "&deferred=1&types=card"));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await customer.FillCardAsync("5555555555554444");
            await customer.PayAsync();

            await Expect(customer.Status).ToHaveTextAsync("succeeded");
            var stored = await merchant.RetrieveAsync(intent);
            Assert.Equal("succeeded", stored.Status);
            Assert.Equal("mastercard", stored.PaymentMethod.Card.Brand);
        });
    }

    [Fact]
    public async Task Confirm_setup_saves_a_card_and_resolves_with_the_setup_intent()
    {
        var merchant = await StripeJsMerchant.CreateAsync(sandbox);
        var intent = await merchant.SetupIntentAsync("card");
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, merchant.Checkout(intent.ClientSecret));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await customer.FillCardAsync("4242424242424242");
            await customer.PayAsync();

            await Expect(customer.Status).ToHaveTextAsync("succeeded");
            var setupIntent = (await customer.ResultAsync()).GetProperty("setupIntent");
            Assert.Equal(intent.Id, setupIntent.GetProperty("id").GetString());
            var stored = await merchant.RetrieveAsync(intent);
            Assert.Equal("succeeded", stored.Status);
            Assert.Equal("4242", stored.PaymentMethod.Card.Last4);
        });
    }

    [Fact]
    public async Task Confirm_setup_with_a_card_that_needs_3d_secure_goes_through_the_challenge()
    {
        var merchant = await StripeJsMerchant.CreateAsync(sandbox);
        var intent = await merchant.SetupIntentAsync("card");
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, merchant.Checkout(intent.ClientSecret));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await customer.FillCardAsync("4000002760003184");
            await customer.PayAsync();
            await customer.Challenge.GetByRole(AriaRole.Button, new() { Name = "Complete authentication" }).ClickAsync();

            await Expect(customer.Status).ToHaveTextAsync("succeeded");
            var retrieved = await customer.Page.EvaluateAsync<JsonElement>(
                "secret => stripe.retrieveSetupIntent(secret)", intent.ClientSecret);
            Assert.Equal("succeeded", retrieved.GetProperty("setupIntent").GetProperty("status").GetString());
            Assert.Equal("succeeded", (await merchant.RetrieveAsync(intent)).Status);
        });
    }

    /// <summary>Stripe does not collect Bacs mandates with a SetupIntent in the Payment Element (Checkout does):
    /// the element shows Stripe's refusal and no mandate is made.</summary>
    [Fact]
    public async Task Confirm_setup_with_bacs_is_refused_with_stripes_message()
    {
        var merchant = await StripeJsMerchant.CreateAsync(sandbox);
        var intent = await merchant.SetupIntentAsync();
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, merchant.Checkout(intent.ClientSecret));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await customer.ChooseBacsAsync();
            await customer.FillBacsAsync("108800", "00012345");
            await customer.PayAsync();

            await Expect(customer.Message).ToContainTextAsync("isn't configured to directly use SetupIntents to create Mandates for Bacs Direct Debits");
            var stored = await merchant.RetrieveAsync(intent);
            Assert.Equal("requires_payment_method", stored.Status);
            Assert.Null(stored.MandateId);
        });
    }

    [Fact]
    public async Task With_redirect_always_the_browser_goes_to_the_return_url_with_stripes_query_parameters()
    {
        var merchant = await StripeJsMerchant.CreateAsync(sandbox);
        var intent = await merchant.PaymentIntentAsync("card");
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox,
            merchant.Checkout(intent.ClientSecret, "&redirect=always"));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await customer.FillCardAsync("4242424242424242");
            await customer.PayAsync();

            // Polls the address: the return page may have loaded before this line runs.
            await Expect(customer.Page).ToHaveURLAsync(new Regex("/return\\?"));
            var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(customer.Page.Url).Query);
            Assert.Equal(intent.Id, query["payment_intent"].ToString());
            Assert.Equal(intent.ClientSecret, query["payment_intent_client_secret"].ToString());
            Assert.Equal("succeeded", query["redirect_status"].ToString());
        });
    }

    [Fact]
    public async Task Retrieve_payment_intent_reads_the_intent_with_its_client_secret()
    {
        var merchant = await StripeJsMerchant.CreateAsync(sandbox);
        var intent = await merchant.PaymentIntentAsync("card");
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, merchant.Checkout(intent.ClientSecret));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            var result = await customer.Page.EvaluateAsync<JsonElement>(
                "secret => stripe.retrievePaymentIntent(secret)", intent.ClientSecret);
            var paymentIntent = result.GetProperty("paymentIntent");
            Assert.Equal(intent.Id, paymentIntent.GetProperty("id").GetString());
            Assert.Equal("requires_payment_method", paymentIntent.GetProperty("status").GetString());
            Assert.Equal(2000, paymentIntent.GetProperty("amount").GetInt64());

            var wrong = await customer.Page.EvaluateAsync<JsonElement>(
                "secret => stripe.retrievePaymentIntent(secret)", intent.Id + "_secret_wrong");
            Assert.Equal("invalid_request_error", wrong.GetProperty("error").GetProperty("type").GetString());
        });
    }

    [Fact]
    public async Task Card_details_travel_only_from_the_sandbox_frame_to_the_sandbox_api()
    {
        var merchant = await StripeJsMerchant.CreateAsync(sandbox);
        var intent = await merchant.PaymentIntentAsync("card");
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, merchant.Checkout(intent.ClientSecret));
        var carrying = new List<string>();
        customer.Page.Context.Request += (_, request) =>
        {
            var body = request.PostData ?? "";
            if (request.Url.Contains("4242424242424242", StringComparison.Ordinal) || body.Contains("4242424242424242", StringComparison.Ordinal))
            {
                lock (carrying)
                {
                    carrying.Add($"{request.Method} {request.Url} from {request.Frame.Url}");
                }
            }
        };
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await customer.FillCardAsync("4242424242424242");
            await customer.PayAsync();
            await Expect(customer.Status).ToHaveTextAsync("succeeded");

            var request = Assert.Single(carrying);
            Assert.StartsWith($"POST {sandbox.SandboxUrl}/v1/payment_methods from {sandbox.SandboxUrl}/v3/elements/payment", request);
            Assert.DoesNotContain("4242424242424242", await customer.Page.ContentAsync());
            Assert.DoesNotContain("4242424242424242", await customer.Page.EvaluateAsync<string>("() => JSON.stringify(window.lastResult)"));
        });
    }
}
