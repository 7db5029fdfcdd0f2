using System.Net;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Tests.Accounts;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.AccountLinks;

public sealed class OnboardingTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly HostedOnboarding _browser = new();

    public void Dispose() => _browser.Dispose();

    [Fact]
    public async Task The_page_shows_a_form_with_the_expected_fields_prefilled_from_the_account()
    {
        var platform = sandbox.NewPlatform();
        var (account, link) = await NewAccounts.ExpressWithOnboardingLinkAsync(platform);

        var page = await _browser.OpenAsync(link.Url);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains($"Stripe sandbox — onboarding for {account.Id}", page.Html);
        Assert.Contains("TEST MODE", page.Html);
        Assert.Equal("Express Shop", page.Fields["business_name"]);
        Assert.Equal("GB", page.Fields["country"]);
        Assert.Equal("gbp", page.Fields["default_currency"]);
        foreach (var name in new[] { "url", "product_description", "support_phone", "sort_code", "account_number", "nonce" })
        {
            Assert.True(page.Fields.ContainsKey(name), name);
        }

        Assert.Contains("name=\"action\" value=\"submit\"", page.Html);
        Assert.Contains("Agree and submit", page.Html);
        Assert.Contains("name=\"action\" value=\"leave\"", page.Html);
        Assert.Contains("Save and return later", page.Html);
    }

    [Fact]
    public async Task Submitting_valid_details_onboards_the_account_and_returns_to_the_platform()
    {
        var platform = sandbox.NewPlatform();
        var (account, link) = await NewAccounts.ExpressWithOnboardingLinkAsync(platform);

        var result = await _browser.CompleteAsync(link.Url);
        var read = await platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.Redirect, result.Status);
        Assert.Equal("http://localhost:5080/onboarding/return", result.Location);
        Assert.True(read.DetailsSubmitted);
        Assert.True(read.ChargesEnabled);
        Assert.True(read.PayoutsEnabled);
        Assert.Empty(read.Requirements.CurrentlyDue);
        Assert.Empty(read.Requirements.PastDue);
        Assert.Null(read.Requirements.DisabledReason);
        Assert.Equal("active", read.Capabilities.CardPayments);
        Assert.Equal("active", read.Capabilities.Transfers);
        Assert.Equal("Sandbox Coffee Ltd", read.BusinessProfile.Name);
        Assert.Equal("https://coffee.example", read.BusinessProfile.Url);
        Assert.NotNull(read.TosAcceptance.Date);
        Assert.Equal("127.0.0.1", read.TosAcceptance.Ip);
        var bank = Assert.IsType<BankAccount>(Assert.Single(read.ExternalAccounts.Data));
        Assert.Equal("STRIPE TEST BANK", bank.BankName);
        Assert.Equal("2345", bank.Last4);
        Assert.Equal("gbp", bank.Currency);
        Assert.Equal("GB", bank.Country);
        Assert.True(bank.DefaultForCurrency);

        var types = Events(account.Id).Select(e => e.Data["type"]!.ToString()).ToList();
        Assert.Contains("account.external_account.created", types);
        Assert.Equal(2, types.Count(t => t == "capability.updated"));
        var updated = Assert.Single(Events(account.Id), e => e.Data["type"]!.ToString() == "account.updated");
        Assert.True(updated.Data["data"]!["object"]!["charges_enabled"]!.GetValue<bool>());
        Assert.False(updated.Data["data"]!["previous_attributes"]!["charges_enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Invalid_bank_details_show_the_form_again_with_a_clear_error()
    {
        var platform = sandbox.NewPlatform();
        var (account, link) = await NewAccounts.ExpressWithOnboardingLinkAsync(platform);
        var page = await _browser.OpenAsync(link.Url);

        var again = await _browser.PostAsync(page, "submit",
            new Dictionary<string, string>(HostedOnboarding.ValidDetails) { ["sort_code"] = "20-00-00" });
        var fixedUp = await _browser.PostAsync(again, "submit", HostedOnboarding.ValidDetails);

        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Contains("Bank account: Real bank details can&#x27;t be used in test mode", again.Html);
        Assert.Equal("Sandbox Coffee Ltd", again.Fields["business_name"]);
        Assert.NotEqual(page.Fields["nonce"], again.Fields["nonce"]);
        Assert.Equal(HttpStatusCode.Redirect, fixedUp.Status);
        Assert.True((await platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct)).ChargesEnabled);
    }

    [Theory]
    [InlineData("account_number", "123")]
    [InlineData("sort_code", "")]
    [InlineData("business_name", "")]
    [InlineData("support_phone", "call me")]
    public async Task Missing_or_malformed_details_are_refused(string field, string value)
    {
        var platform = sandbox.NewPlatform();
        var (account, link) = await NewAccounts.ExpressWithOnboardingLinkAsync(platform);
        var page = await _browser.OpenAsync(link.Url);

        var again = await _browser.PostAsync(page, "submit",
            new Dictionary<string, string>(HostedOnboarding.ValidDetails) { [field] = value });

        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Contains("role=\"alert\"", again.Html);
        Assert.False((await platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct)).DetailsSubmitted);
    }

    [Fact]
    public async Task Leaving_early_saves_what_was_entered_and_keeps_requirements_due()
    {
        var platform = sandbox.NewPlatform();
        var (account, link) = await NewAccounts.ExpressWithOnboardingLinkAsync(platform);
        var page = await _browser.OpenAsync(link.Url);

        var result = await _browser.PostAsync(page, "leave", new Dictionary<string, string>
        {
            ["business_name"] = "Half Done Ltd", ["url"] = "https://half.example", ["support_phone"] = "+442079460000",
            ["sort_code"] = "108800", ["account_number"] = "00012345",
        });
        var read = await platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.Redirect, result.Status);
        Assert.Equal("http://localhost:5080/onboarding/return", result.Location);
        Assert.False(read.DetailsSubmitted);
        Assert.False(read.ChargesEnabled);
        Assert.Equal("Half Done Ltd", read.BusinessProfile.Name);
        Assert.Equal(["external_account", "tos_acceptance.date", "tos_acceptance.ip"],
            read.Requirements.CurrentlyDue.Where(r => !r.StartsWith("business_type", StringComparison.Ordinal)));
        Assert.Equal("requirements.past_due", read.Requirements.DisabledReason);
        Assert.Empty(read.ExternalAccounts.Data);
        Assert.Single(Events(account.Id), e => e.Data["type"]!.ToString() == "account.updated");
    }

    [Fact]
    public async Task Resuming_with_a_new_link_after_leaving_completes_onboarding()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);
        var first = await _browser.OpenAsync((await NewAccounts.OnboardingLinkAsync(platform, account.Id)).Url);
        await _browser.PostAsync(first, "leave", new Dictionary<string, string> { ["business_name"] = "Resumed Ltd" });

        var resumed = await _browser.OpenAsync((await NewAccounts.OnboardingLinkAsync(platform, account.Id)).Url);
        var done = await _browser.PostAsync(resumed, "submit", new Dictionary<string, string>(HostedOnboarding.ValidDetails)
        {
            ["business_name"] = resumed.Fields["business_name"],
        });
        var read = await platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct);

        Assert.Equal("Resumed Ltd", resumed.Fields["business_name"]);
        Assert.Equal(HttpStatusCode.Redirect, done.Status);
        Assert.True(read.ChargesEnabled);
        Assert.Equal("Resumed Ltd", read.BusinessProfile.Name);
    }

    [Fact]
    public async Task A_used_link_goes_to_the_refresh_url()
    {
        var platform = sandbox.NewPlatform();
        var (_, link) = await NewAccounts.ExpressWithOnboardingLinkAsync(platform);
        await _browser.OpenAsync(link.Url);

        var second = await _browser.OpenAsync(link.Url);

        Assert.Equal(HttpStatusCode.Redirect, second.Status);
        Assert.Equal("http://localhost:5080/onboarding/refresh", second.Location);
    }

    [Fact]
    public async Task A_form_posted_twice_goes_to_the_refresh_url_the_second_time()
    {
        var platform = sandbox.NewPlatform();
        var (account, link) = await NewAccounts.ExpressWithOnboardingLinkAsync(platform);
        var page = await _browser.OpenAsync(link.Url);
        await _browser.PostAsync(page, "leave");

        var replay = await _browser.PostAsync(page, "submit", HostedOnboarding.ValidDetails);
        var forged = await _browser.PostAsync(page with { Fields = new Dictionary<string, string>(page.Fields) { ["nonce"] = "nonce_guess" } },
            "submit", HostedOnboarding.ValidDetails);

        Assert.Equal(HttpStatusCode.Redirect, replay.Status);
        Assert.Equal("http://localhost:5080/onboarding/refresh", replay.Location);
        Assert.Equal("http://localhost:5080/onboarding/refresh", forged.Location);
        Assert.False((await platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct)).DetailsSubmitted);
    }

    [Fact]
    public async Task An_unknown_link_is_a_plain_404_page()
    {
        var page = await _browser.OpenAsync($"{sandbox.BaseUrl}/connect/onboarding/onb_unknown");

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Contains("does not exist", page.Html);
    }

    [Fact]
    public async Task A_link_to_a_deleted_account_goes_to_the_refresh_url()
    {
        var platform = sandbox.NewPlatform();
        var (account, link) = await NewAccounts.ExpressWithOnboardingLinkAsync(platform);
        await platform.Test.V1.Accounts.DeleteAsync(account.Id, cancellationToken: Ct);

        var page = await _browser.OpenAsync(link.Url);

        Assert.Equal("http://localhost:5080/onboarding/refresh", page.Location);
    }

    [Fact]
    public async Task A_live_account_is_onboarded_on_a_live_mode_page_with_real_bank_details()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Live);
        var link = await NewAccounts.OnboardingLinkAsync(platform, account.Id, platform.Live);
        var page = await _browser.OpenAsync(link.Url);

        var refused = await _browser.PostAsync(page, "submit", HostedOnboarding.ValidDetails);
        var done = await _browser.PostAsync(refused, "submit",
            new Dictionary<string, string>(HostedOnboarding.ValidDetails) { ["sort_code"] = "20-00-00", ["account_number"] = "55779911" });
        var read = await platform.Live.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct);

        Assert.Contains("LIVE MODE", page.Html);
        Assert.Contains("can&#x27;t be used in live mode", refused.Html);
        Assert.Equal(HttpStatusCode.Redirect, done.Status);
        Assert.True(read.ChargesEnabled);
        Assert.Equal("9911", Assert.IsType<BankAccount>(Assert.Single(read.ExternalAccounts.Data)).Last4);
    }

    private List<StoredObject> Events(string accountId) =>
        sandbox.Services.GetRequiredService<SandboxStore>().All("event", e => e.Account == accountId);
}
