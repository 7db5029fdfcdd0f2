using Microsoft.Playwright;
using Recur.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Recur.BrowserTests.StripeJs;

/// <summary>
/// The sandbox's Payment Element on a merchant page of another origin, in deferred mode (no intent yet): what it
/// shows, the events it sends, <c>elements.submit()</c>'s validation, and that card details stay in its frame.
/// </summary>
public sealed class PaymentElementTests(BrowserFixture browser, StripeJsSandbox sandbox)
    : IClassFixture<BrowserFixture>, IClassFixture<StripeJsSandbox>
{
    private string Deferred(string types) => $"pk={sandbox.NewPlatform().PublishableKey}&types={types}";

    [Fact]
    public async Task The_element_mounts_in_a_frame_on_the_sandbox_origin_and_reports_ready_and_change()
    {
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, Deferred("card"));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            var src = await customer.Page.Locator("#payment-element iframe").GetAttributeAsync("src");
            Assert.StartsWith(sandbox.SandboxUrl + "/v3/elements/payment", src);
            await Expect(customer.Element.GetByRole(AriaRole.Tab)).ToHaveCountAsync(0);

            await customer.FillCardAsync("4242424242424242");
            await Expect(customer.Element.GetByLabel("Card number")).ToHaveValueAsync("4242 4242 4242 4242");

            await customer.Page.WaitForFunctionAsync(
                "() => window.stripeEvents.some(e => e.name === 'change' && e.event.complete)");
            var last = (await customer.EventsAsync("change"))[^1];
            Assert.Equal("payment", last.GetProperty("elementType").GetString());
            Assert.True(last.GetProperty("complete").GetBoolean());
            Assert.False(last.GetProperty("empty").GetBoolean());
            Assert.Equal("card", last.GetProperty("value").GetProperty("type").GetString());
            Assert.NotEmpty(await customer.EventsAsync("focus"));
            await Expect(customer.Page.Locator("#payment-element")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("StripeElement--complete"));
            await customer.ScreenshotAsync("stripejs-card-element.png");
        });
    }

    [Fact]
    public async Task Elements_submit_with_an_incomplete_card_answers_a_validation_error_and_shows_it_in_the_form()
    {
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, Deferred("card"));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await customer.Element.GetByLabel("Card number").FillAsync("4242 4242");
            await customer.PayAsync();

            var result = await customer.ResultAsync();
            var error = result.GetProperty("error");
            Assert.Equal("validation_error", error.GetProperty("type").GetString());
            Assert.Equal("incomplete_number", error.GetProperty("code").GetString());
            await Expect(customer.Message).ToHaveTextAsync("Your card number is incomplete.");
            await Expect(customer.Element.GetByText("Your card number is incomplete.")).ToBeVisibleAsync();
            await Expect(customer.Element.GetByText("Your card's expiration date is incomplete.")).ToBeVisibleAsync();
            await Expect(customer.Element.GetByLabel("Card number")).ToBeFocusedAsync();
        });
    }

    [Theory]
    [InlineData("4242424242424241", "12 / 34", "123", "invalid_number", "Your card number is invalid.")]
    [InlineData("4242424242424242", "12 / 20", "123", "invalid_expiry_year_past", "Your card's expiration year is in the past.")]
    [InlineData("4242424242424242", "13 / 34", "123", "invalid_expiry_month", "Your card's expiration date is invalid.")]
    [InlineData("4242424242424242", "12 / 34", "12", "incomplete_cvc", "Your card's security code is incomplete.")]
    [InlineData("378282246310005", "12 / 34", "123", "incomplete_cvc", "Your card's security code is incomplete.")]
    public async Task Invalid_card_details_fail_validation_as_stripe_elements_do(
        string number, string expiry, string cvc, string code, string message)
    {
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, Deferred("card"));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await customer.FillCardAsync(number, expiry, cvc);
            await customer.PayAsync();

            var error = (await customer.ResultAsync()).GetProperty("error");
            Assert.Equal("validation_error", error.GetProperty("type").GetString());
            Assert.Equal(code, error.GetProperty("code").GetString());
            Assert.Equal(message, error.GetProperty("message").GetString());
        });
    }

    [Fact]
    public async Task Two_payment_method_types_show_as_tabs_and_bacs_shows_the_mandate_before_anything_is_confirmed()
    {
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, Deferred("card,bacs_debit"));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await Expect(customer.Element.GetByRole(AriaRole.Tab)).ToHaveTextAsync(["Card", "Bacs Direct Debit"]);
            await customer.ChooseBacsAsync();

            var mandate = customer.Element.Locator("#bacs-mandate");
            await Expect(mandate).ToContainTextAsync("you hold this bank account");
            await Expect(mandate).ToContainTextAsync("the only person whose authorisation is needed");
            await Expect(mandate).ToContainTextAsync("collects payments by Direct Debit through its payment provider, Stripe");
            await customer.Page.WaitForFunctionAsync(
                "() => window.stripeEvents.some(e => e.name === 'change' && e.event.value.type === 'bacs_debit')");

            await customer.FillBacsAsync("108800", "00012345", acceptMandate: false);
            await Expect(customer.Element.GetByLabel("Sort code")).ToHaveValueAsync("10-88-00");
            await customer.PayAsync();
            var error = (await customer.ResultAsync()).GetProperty("error");
            Assert.Equal("validation_error", error.GetProperty("type").GetString());
            Assert.Equal("incomplete_mandate", error.GetProperty("code").GetString());
            await customer.ScreenshotAsync("stripejs-bacs-element.png");
        });
    }

    [Fact]
    public async Task Billing_details_the_merchant_collects_itself_are_not_asked_again()
    {
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, Deferred("bacs_debit") + "&billing=merchant");
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await Expect(customer.Element.GetByLabel("Sort code")).ToBeVisibleAsync();
            await Expect(customer.Element.GetByLabel("Email")).ToHaveCountAsync(0);
            await Expect(customer.Element.GetByLabel("Full name")).ToHaveCountAsync(0);
            await Expect(customer.Element.GetByLabel("Address line 1")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task Card_details_never_reach_the_merchant_page()
    {
        await using var customer = await CheckoutBrowser.OpenAsync(browser, sandbox, Deferred("card"));
        await customer.ScreenshotOnFailureAsync(async () =>
        {
            await customer.WaitUntilReadyAsync();
            await customer.FillCardAsync("4000002760003184", cvc: "987");

            var merchantHtml = await customer.Page.ContentAsync();
            Assert.DoesNotContain("4000 0027", merchantHtml);
            Assert.DoesNotContain("4000002760003184", merchantHtml);
            // The frame is cross-origin: the merchant's scripts cannot read its document.
            Assert.True(await customer.Page.EvaluateAsync<bool>(
                "() => document.querySelector('#payment-element iframe').contentDocument === null"));
            var messages = await customer.Page.EvaluateAsync<string>("() => JSON.stringify(window.stripeEvents)");
            Assert.DoesNotContain("4000", messages);
            Assert.DoesNotContain("987", messages);
        });
    }
}
