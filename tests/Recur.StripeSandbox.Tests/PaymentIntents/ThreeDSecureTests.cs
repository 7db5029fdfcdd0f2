using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.PaymentIntents;

/// <summary>
/// 3-D Secure: the hosted challenge page behind <c>next_action.redirect_to_url</c>, completed or failed as a card holder
/// would, and the cards whose behaviour depends on whether they were set up for off-session payments.
/// </summary>
public sealed class ThreeDSecureTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly HttpClient _browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _browser.Dispose();

    [Theory]
    [InlineData("4000002500003155", "succeeded", null)]
    [InlineData("4000002760003184", "succeeded", null)]
    [InlineData("4000003800000446", "succeeded", null)]
    [InlineData("4000000000003220", "succeeded", null)]
    [InlineData("4000008260003178", "requires_payment_method", "insufficient_funds")]
    [InlineData("4000008400001629", "requires_payment_method", "generic_decline")]
    public async Task Completing_the_challenge_goes_on_to_the_cards_outcome(string number, string status, string? declineCode)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var (intent, _) = await TestCardTests.ConfirmOnSessionAsync(shop, (await shop.CardAsync(number)).Id);

        var page = await _browser.GetStringAsync(intent.NextAction.RedirectToUrl.Url, Ct);
        var redirect = await DecideAsync(intent.NextAction.RedirectToUrl.Url, "complete");
        var after = await shop.Server.V1.PaymentIntents.GetAsync(intent.Id, requestOptions: shop.On(), cancellationToken: Ct);

        Assert.Contains("Complete authentication", page, StringComparison.Ordinal);
        Assert.Contains("Fail authentication", page, StringComparison.Ordinal);
        Assert.Contains("£20.00", page, StringComparison.Ordinal);
        Assert.Equal(status, after.Status);
        Assert.Equal(declineCode, after.LastPaymentError?.DeclineCode);
        Assert.Null(after.NextAction);
        var query = QueryHelpers.ParseQuery(redirect.Query);
        Assert.Equal("https://shop.example/return", redirect.GetLeftPart(UriPartial.Path));
        Assert.Equal(intent.Id, query["payment_intent"].ToString());
        Assert.Equal(intent.ClientSecret, query["payment_intent_client_secret"].ToString());
        Assert.Equal(status == "succeeded" ? "succeeded" : "failed", query["redirect_status"].ToString());
        var charge = await shop.Server.V1.Charges.GetAsync(after.LatestChargeId, requestOptions: shop.On(), cancellationToken: Ct);
        Assert.Equal("authenticated", charge.PaymentMethodDetails.Card.ThreeDSecure.Result);
    }

    [Fact]
    public async Task Failing_the_challenge_returns_to_requires_payment_method_with_an_authentication_failure()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var card = await shop.CardAsync("4000002760003184");
        var (intent, _) = await TestCardTests.ConfirmOnSessionAsync(shop, card.Id);

        var redirect = await DecideAsync(intent.NextAction.RedirectToUrl.Url, "fail");
        var after = await shop.Server.V1.PaymentIntents.GetAsync(intent.Id, requestOptions: shop.On(), cancellationToken: Ct);

        Assert.Equal("requires_payment_method", after.Status);
        Assert.Equal("payment_intent_authentication_failure", after.LastPaymentError.Code);
        Assert.Equal(card.Id, after.LastPaymentError.PaymentMethod.Id);
        Assert.Null(after.LatestChargeId);
        Assert.Equal("failed", QueryHelpers.ParseQuery(redirect.Query)["redirect_status"].ToString());
        Assert.Equal(["payment_intent.created", "payment_intent.requires_action", "payment_intent.payment_failed"],
            await shop.EventTypesAsync());
    }

    [Fact]
    public async Task A_challenge_link_works_once()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var (intent, _) = await TestCardTests.ConfirmOnSessionAsync(shop, (await shop.CardAsync("4000000000003220")).Id);
        await DecideAsync(intent.NextAction.RedirectToUrl.Url, "complete");

        using var again = await _browser.GetAsync(intent.NextAction.RedirectToUrl.Url, Ct);
        using var post = await _browser.PostAsync(intent.NextAction.RedirectToUrl.Url,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "fail" }), Ct);

        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        var after = await shop.Server.V1.PaymentIntents.GetAsync(intent.Id, requestOptions: shop.On(), cancellationToken: Ct);
        Assert.Equal("succeeded", after.Status);
    }

    [Fact]
    public async Task Without_a_return_url_the_page_says_the_window_may_be_closed()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var intent = await shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 500, Currency = "gbp", PaymentMethod = "pm_card_threeDSecure2Required", Confirm = true,
        }, shop.On(), Ct);

        using var response = await _browser.PostAsync(intent.NextAction.RedirectToUrl.Url,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "complete" }), Ct);

        Assert.Null(intent.NextAction.RedirectToUrl.ReturnUrl);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("You can close this window", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_authentication_required_on_setup_card_fails_off_session_until_it_is_set_up()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var setup = await shop.Server.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id, PaymentMethod = "pm_card_authenticationRequiredOnSetup", Confirm = true,
            ReturnUrl = "https://shop.example/setup",
        }, shop.On(), Ct);
        var card = setup.PaymentMethodId;

        var (before, beforeError) = await TestCardTests.ConfirmOnSessionAsync(shop, card, customer.Id, offSession: true);
        await DecideAsync(setup.NextAction.RedirectToUrl.Url, "complete");
        var (after, afterError) = await TestCardTests.ConfirmOnSessionAsync(shop, card, customer.Id, offSession: true);

        Assert.Equal("requires_action", setup.Status);
        Assert.Equal("requires_payment_method", before.Status);
        Assert.Equal("authentication_required", beforeError!.StripeError.Code);
        Assert.Equal("authentication_required", beforeError.StripeError.DeclineCode);
        Assert.Null(afterError);
        Assert.Equal("succeeded", after.Status);
    }

    [Fact]
    public async Task The_authentication_required_card_fails_off_session_even_after_it_is_set_up()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var setup = await shop.Server.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id, PaymentMethod = "pm_card_authenticationRequired", Confirm = true,
            ReturnUrl = "https://shop.example/setup",
        }, shop.On(), Ct);
        await DecideAsync(setup.NextAction.RedirectToUrl.Url, "complete");

        var (intent, error) = await TestCardTests.ConfirmOnSessionAsync(shop, setup.PaymentMethodId, customer.Id, offSession: true);

        Assert.Equal("requires_payment_method", intent.Status);
        Assert.Equal("authentication_required", error!.StripeError.Code);
    }

    [Fact]
    public async Task The_already_set_up_card_succeeds_off_session_and_needs_3ds_on_session()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var card = await shop.Server.V1.PaymentMethods.AttachAsync("pm_card_authenticationRequiredSetupForOffSession",
            new PaymentMethodAttachOptions { Customer = customer.Id }, shop.On(), Ct);

        var (offSession, _) = await TestCardTests.ConfirmOnSessionAsync(shop, card.Id, customer.Id, offSession: true);
        var (onSession, _) = await TestCardTests.ConfirmOnSessionAsync(shop, card.Id, customer.Id);

        Assert.Equal("succeeded", offSession.Status);
        Assert.Equal("requires_action", onSession.Status);
    }

    [Fact]
    public async Task A_card_set_up_by_a_payment_with_setup_future_usage_pays_off_session_later()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var card = await shop.CardAsync("4000002500003155");
        var (first, _) = await TestCardTests.ConfirmOnSessionAsync(shop, card.Id, customer.Id, setupFutureUsage: "off_session");
        await DecideAsync(first.NextAction.RedirectToUrl.Url, "complete");

        var (renewal, error) = await TestCardTests.ConfirmOnSessionAsync(shop, card.Id, customer.Id, offSession: true);

        Assert.Null(error);
        Assert.Equal("succeeded", renewal.Status);
        var saved = await shop.Server.V1.PaymentMethods.GetAsync(card.Id, requestOptions: shop.On(), cancellationToken: Ct);
        Assert.Equal(customer.Id, saved.CustomerId);
    }

    [Fact]
    public async Task Error_on_requires_action_fails_instead_of_asking_for_authentication()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions
            {
                Amount = 500, Currency = "gbp", PaymentMethod = "pm_card_authenticationRequired", Confirm = true,
                ErrorOnRequiresAction = true,
            }, shop.On(), Ct));

        Assert.Equal("authentication_required", error.StripeError.Code);
        Assert.Equal("requires_payment_method", error.StripeError.PaymentIntent.Status);
    }

    /// <summary>Presses a button on the challenge page; returns where the browser is sent next.</summary>
    internal async Task<Uri> DecideAsync(string challengeUrl, string action)
    {
        using var response = await _browser.PostAsync(challengeUrl,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = action }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }
}
