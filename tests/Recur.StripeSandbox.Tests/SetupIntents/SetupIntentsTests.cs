using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.PaymentIntents;
using Stripe;

namespace Recur.StripeSandbox.Tests.SetupIntents;

/// <summary>SetupIntents: saving a card (or a BACS account, see <c>BacsTests</c>) for later payments, as a trial does.</summary>
public sealed class SetupIntentsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly HttpClient _browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _browser.Dispose();

    [Fact]
    public async Task A_confirmed_setup_saves_the_card_to_the_customer()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var created = await shop.Server.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id, AllowedPaymentMethodTypes = ["card"],
        }, shop.On(), Ct);
        var card = await shop.CardAsync("4242424242424242");
        var confirm = new SetupIntentConfirmOptions { PaymentMethod = card.Id };
        confirm.AddExtraParam("client_secret", created.ClientSecret);

        var confirmed = await shop.Browser.V1.SetupIntents.ConfirmAsync(created.Id, confirm, shop.On(), Ct);
        var saved = await shop.Server.V1.PaymentMethods.GetAsync(card.Id, requestOptions: shop.On(), cancellationToken: Ct);
        var attempts = await shop.Server.V1.SetupAttempts.ListAsync(
            new SetupAttemptListOptions { SetupIntent = created.Id }, shop.On(), Ct);

        Assert.Equal("requires_payment_method", created.Status);
        Assert.Equal("off_session", created.Usage);
        Assert.Matches($"^{created.Id}_secret_", created.ClientSecret);
        Assert.Equal("succeeded", confirmed.Status);
        Assert.Equal(customer.Id, saved.CustomerId);
        Assert.Equal("succeeded", Assert.Single(attempts.Data).Status);
        Assert.Equal(confirmed.LatestAttemptId, attempts.Data[0].Id);
        Assert.Equal(["customer.created", "setup_intent.created", "payment_method.attached", "setup_intent.succeeded"],
            await shop.EventTypesAsync());
    }

    [Fact]
    public async Task A_declined_card_fails_the_setup_with_a_card_error()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.SetupIntents.CreateAsync(
            new SetupIntentCreateOptions { Customer = customer.Id, PaymentMethod = "pm_card_chargeDeclined", Confirm = true },
            shop.On(), Ct));

        Assert.Equal(HttpStatusCode.PaymentRequired, error.HttpStatusCode);
        Assert.Equal("generic_decline", error.StripeError.DeclineCode);
        Assert.Equal("requires_payment_method", error.StripeError.SetupIntent.Status);
        Assert.Equal("card_declined", error.StripeError.SetupIntent.LastSetupError.Code);
        Assert.Contains("setup_intent.setup_failed", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task The_customer_fail_card_is_saved_by_a_setup_and_fails_only_when_charged()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();

        var setup = await shop.Server.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id, PaymentMethod = "pm_card_chargeCustomerFail", Confirm = true,
        }, shop.On(), Ct);
        var (renewal, error) = await TestCardTests.ConfirmOnSessionAsync(shop, setup.PaymentMethodId, customer.Id, offSession: true);

        Assert.Equal("succeeded", setup.Status);
        Assert.Equal("requires_payment_method", renewal.Status);
        Assert.Equal("card_declined", error!.StripeError.Code);
    }

    [Theory]
    [InlineData("complete", "succeeded", null)]
    [InlineData("fail", "requires_payment_method", "setup_intent_authentication_failure")]
    public async Task A_setup_needing_3ds_ends_as_the_challenge_does(string action, string status, string? code)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var setup = await shop.Server.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id, PaymentMethod = "pm_card_threeDSecure2Required", Confirm = true,
            ReturnUrl = "https://shop.example/setup",
        }, shop.On(), Ct);

        using var response = await _browser.PostAsync(setup.NextAction.RedirectToUrl.Url,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = action }), Ct);
        var after = await shop.Server.V1.SetupIntents.GetAsync(setup.Id, requestOptions: shop.On(), cancellationToken: Ct);

        Assert.Equal("requires_action", setup.Status);
        Assert.Equal("redirect_to_url", setup.NextAction.Type);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains($"setup_intent={setup.Id}", response.Headers.Location!.Query, StringComparison.Ordinal);
        Assert.Equal(status, after.Status);
        Assert.Equal(code, after.LastSetupError?.Code);
        Assert.Contains("setup_intent.requires_action", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task The_publishable_key_needs_the_client_secret()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var setup = await shop.Server.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions(), shop.On(), Ct);

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Browser.V1.SetupIntents.ConfirmAsync(setup.Id,
            new SetupIntentConfirmOptions { PaymentMethod = "pm_card_visa" }, shop.On(), Ct));
        var read = await shop.Browser.V1.SetupIntents.GetAsync(setup.Id,
            new SetupIntentGetOptions { ClientSecret = setup.ClientSecret }, shop.On(), Ct);

        Assert.Equal("client_secret", error.StripeError.Param);
        Assert.Equal(["card", "bacs_debit"], read.PaymentMethodTypes);
    }

    [Fact]
    public async Task A_setup_can_be_canceled_and_is_listed_by_customer()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var setup = await shop.Server.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions { Customer = customer.Id }, shop.On(), Ct);

        var canceled = await shop.Server.V1.SetupIntents.CancelAsync(setup.Id,
            new SetupIntentCancelOptions { CancellationReason = "abandoned" }, shop.On(), Ct);
        var listed = await shop.Server.V1.SetupIntents.ListAsync(new SetupIntentListOptions { Customer = customer.Id }, shop.On(), Ct);
        var again = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.SetupIntents.ConfirmAsync(setup.Id,
            new SetupIntentConfirmOptions { PaymentMethod = "pm_card_visa" }, shop.On(), Ct));

        Assert.Equal("canceled", canceled.Status);
        Assert.Equal([setup.Id], listed.Data.Select(s => s.Id));
        Assert.Equal("setup_intent_unexpected_state", again.StripeError.Code);
    }
}
