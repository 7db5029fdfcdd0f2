using System.Net;
using Recur.Tests.Infrastructure;

namespace Recur.Tests.Integrations;

public sealed class AccountOnboardingTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    [Fact]
    public async Task A_new_express_account_that_completes_onboarding_shows_connected_with_its_account_id()
    {
        var (browser, _) = await factory.SignUpTenantAsync("Acme Books");
        await browser.ChooseSettingsAsync("test", "Express");

        var onboarding = await browser.CreateNewAccountAsync();
        Assert.Equal(factory.SandboxAddress.Authority, onboarding.Url.Authority);
        Assert.StartsWith("/connect/onboarding/", onboarding.Url.AbsolutePath);
        var card = await browser.CompleteOnboardingAsync(onboarding);

        Assert.Equal("/admin/integrations/stripe", card.Url.AbsolutePath);
        Assert.Contains("Welcome back from Stripe.", card.Text);
        Assert.Equal("Connected", card.TestId("status"));
        Assert.StartsWith("acct_", card.TestId("account-id"));
        Assert.Equal("Acme Books", card.TestId("business-name"));
        Assert.Equal("United Kingdom (GB)", card.TestId("country"));
        Assert.Equal("GBP", card.TestId("currency"));
        Assert.Equal("Yes", card.TestId("payouts-enabled"));
        Assert.Equal("None", card.TestId("requirements"));
        Assert.Contains("Express (created by Recur)", card.Text);
    }

    [Fact]
    public async Task A_new_standard_account_that_completes_onboarding_shows_connected()
    {
        var (browser, _) = await factory.SignUpTenantAsync("Standard Books");

        var onboarding = await browser.CreateNewAccountAsync();
        var card = await browser.CompleteOnboardingAsync(onboarding, "Standard Books");

        Assert.Equal("Connected", card.TestId("status"));
        Assert.StartsWith("acct_", card.TestId("account-id"));
        Assert.Contains("Standard (created by Recur)", card.Text);
    }

    [Fact]
    public async Task Leaving_onboarding_early_shows_the_requirements_due_and_resuming_connects()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        await browser.ChooseSettingsAsync("test", "Express");
        var onboarding = await browser.CreateNewAccountAsync();

        var incomplete = await browser.LeaveOnboardingAsync(onboarding);

        Assert.Equal("Onboarding incomplete", incomplete.TestId("status"));
        Assert.NotEqual("None", incomplete.TestId("requirements"));
        Assert.Contains("Resume onboarding", incomplete.TestId("next-step"));
        var accountId = incomplete.TestId("account-id");

        var resumed = await browser.SubmitAsync(incomplete, incomplete.Form("handler=Resume"));
        Assert.StartsWith("/connect/onboarding/", resumed.Url.AbsolutePath);
        var connected = await browser.CompleteOnboardingAsync(resumed);

        Assert.Equal("Connected", connected.TestId("status"));
        Assert.Equal(accountId, connected.TestId("account-id"));
        Assert.Equal("None", connected.TestId("requirements"));
        Assert.DoesNotContain("Resume onboarding", connected.Text);
    }

    [Fact]
    public async Task A_used_onboarding_link_sends_the_admin_through_refresh_to_a_fresh_link()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var first = await browser.CreateNewAccountAsync();

        var again = await browser.GetAsync(first.Url.ToString());

        Assert.Contains(again.Visited, u => u.AbsolutePath == "/integrations/stripe/onboarding/refresh");
        Assert.StartsWith("/connect/onboarding/", again.Url.AbsolutePath);
        Assert.NotEqual(first.Url, again.Url);
        var card = await browser.CompleteOnboardingAsync(again);
        Assert.Equal("Connected", card.TestId("status"));
    }

    [Fact]
    public async Task Open_stripe_dashboard_for_an_express_account_mints_a_fresh_login_link_each_time()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        await browser.ChooseSettingsAsync("test", "Express");
        var card = await browser.CompleteOnboardingAsync(await browser.CreateNewAccountAsync());

        using var first = await browser.PostRawAsync(card, card.Form("handler=Dashboard"));
        using var second = await browser.PostRawAsync(card, card.Form("handler=Dashboard"));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(factory.SandboxAddress.Authority, first.Headers.Location!.Authority);
        Assert.StartsWith("/express/", first.Headers.Location.AbsolutePath);
        Assert.NotEqual(first.Headers.Location, second.Headers.Location);
    }

    [Fact]
    public async Task Refresh_status_reads_the_account_from_stripe()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var incomplete = await browser.LeaveOnboardingAsync(await browser.CreateNewAccountAsync());

        var refreshed = await browser.SubmitAsync(incomplete, incomplete.Form("handler=Refresh"));

        Assert.Contains("Status refreshed from Stripe.", refreshed.Text);
        Assert.Equal("Onboarding incomplete", refreshed.TestId("status"));
        Assert.NotEqual("—", refreshed.Text.Split("Last read from Stripe")[1].Trim().Split(' ')[0]);
    }

    [Fact]
    public async Task Disconnecting_an_account_recur_created_unlinks_it_and_offers_to_connect_again()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var card = await browser.CompleteOnboardingAsync(await browser.CreateNewAccountAsync());

        var disconnected = await browser.SubmitConfirmedAsync(card, "handler=Disconnect");

        Assert.Equal("Disconnected", disconnected.TestId("status"));
        Assert.Equal(card.TestId("account-id"), disconnected.TestId("account-id"));
        var again = await browser.CompleteOnboardingAsync(await browser.CreateNewAccountAsync());
        Assert.Equal("Connected", again.TestId("status"));
        Assert.NotEqual(card.TestId("account-id"), again.TestId("account-id"));
    }

    [Fact]
    public async Task A_second_account_cannot_be_created_while_one_is_connected()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var before = await browser.StripeCardAsync();
        await browser.CompleteOnboardingAsync(await browser.CreateNewAccountAsync());

        var refused = await browser.SubmitAsync(before, before.Form("handler=CreateAccount"));

        Assert.Contains("An account is already connected in this environment.", refused.Text);
        Assert.Equal("Connected", refused.TestId("status"));
    }

    [Fact]
    public async Task A_new_account_in_production_onboards_in_live_mode()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        await browser.ChooseSettingsAsync("production", "Express");

        var card = await browser.CompleteOnboardingAsync(await browser.CreateNewAccountAsync("production"), live: true);

        Assert.Equal("PRODUCTION", card.TestId("environment"));
        Assert.Equal("Connected", card.TestId("status"));
        Assert.StartsWith("acct_", card.TestId("account-id"));
    }
}
