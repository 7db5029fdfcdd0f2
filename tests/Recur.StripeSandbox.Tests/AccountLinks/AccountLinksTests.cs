using System.Net;
using Recur.StripeSandbox.Tests.Accounts;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.AccountLinks;

public sealed class AccountLinksTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_link_points_at_the_sandboxs_onboarding_page_and_expires_in_five_minutes()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);

        var link = await NewAccounts.OnboardingLinkAsync(platform, account.Id);

        Assert.Equal("account_link", link.Object);
        Assert.StartsWith($"{sandbox.BaseUrl}/connect/onboarding/", link.Url);
        Assert.Equal(TimeSpan.FromSeconds(300), link.ExpiresAt - link.Created);
    }

    [Fact]
    public async Task Each_link_has_its_own_url()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);

        var first = await NewAccounts.OnboardingLinkAsync(platform, account.Id);
        var second = await NewAccounts.OnboardingLinkAsync(platform, account.Id);

        Assert.NotEqual(first.Url, second.Url);
    }

    [Theory]
    [InlineData(null, "http://localhost/return", "refresh_url")]
    [InlineData("http://localhost/refresh", null, "return_url")]
    [InlineData("not a url", "http://localhost/return", "refresh_url")]
    [InlineData("http://localhost/refresh", "ftp://example.com/return", "return_url")]
    public async Task Both_urls_are_required_and_must_be_web_addresses(string? refresh, string? @return, string param)
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.AccountLinks.CreateAsync(new AccountLinkCreateOptions
        {
            Account = account.Id, Type = "account_onboarding", RefreshUrl = refresh, ReturnUrl = @return,
        }, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal(param, error.StripeError.Param);
    }

    [Fact]
    public async Task Live_mode_needs_https_except_on_the_loopback_host()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Live);

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Live.V1.AccountLinks.CreateAsync(new AccountLinkCreateOptions
        {
            Account = account.Id, Type = "account_onboarding",
            RefreshUrl = "http://shop.example/refresh", ReturnUrl = "https://shop.example/return",
        }, cancellationToken: Ct));
        var secure = await platform.Live.V1.AccountLinks.CreateAsync(new AccountLinkCreateOptions
        {
            Account = account.Id, Type = "account_onboarding",
            RefreshUrl = "https://shop.example/refresh", ReturnUrl = "https://shop.example/return",
        }, cancellationToken: Ct);
        var loopback = await NewAccounts.OnboardingLinkAsync(platform, account.Id, platform.Live);

        Assert.Equal("refresh_url", error.StripeError.Param);
        Assert.Contains("HTTPS", error.StripeError.Message);
        Assert.NotNull(secure.Url);
        Assert.NotNull(loopback.Url);
    }

    [Fact]
    public async Task Account_update_links_are_refused_for_accounts_with_a_stripe_dashboard()
    {
        var platform = sandbox.NewPlatform();
        var express = await NewAccounts.ExpressAsync(platform.Test);
        var custom = await NewAccounts.CustomAsync(platform.Test);
        AccountLinkCreateOptions Update(string id) => new()
        {
            Account = id, Type = "account_update",
            RefreshUrl = "http://localhost/refresh", ReturnUrl = "http://localhost/return",
        };

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.AccountLinks.CreateAsync(Update(express.Id), cancellationToken: Ct));
        var link = await platform.Test.V1.AccountLinks.CreateAsync(Update(custom.Id), cancellationToken: Ct);

        Assert.Equal("type", error.StripeError.Param);
        Assert.NotNull(link.Url);
    }

    [Fact]
    public async Task A_link_for_an_unknown_or_foreign_account_is_refused()
    {
        var owner = sandbox.NewPlatform();
        var other = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(owner.Test);

        var foreign = await Assert.ThrowsAsync<StripeException>(() => NewAccounts.OnboardingLinkAsync(other, account.Id));
        var unknown = await Assert.ThrowsAsync<StripeException>(() => NewAccounts.OnboardingLinkAsync(owner, "acct_1Nope0000000000"));

        Assert.Equal("account", foreign.StripeError.Param);
        Assert.Equal("account_invalid", unknown.StripeError.Code);
    }

    [Fact]
    public async Task The_link_type_is_required_and_checked()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.AccountLinks.CreateAsync(new AccountLinkCreateOptions
        {
            Account = account.Id, Type = "account_takeover",
            RefreshUrl = "http://localhost/refresh", ReturnUrl = "http://localhost/return",
        }, cancellationToken: Ct));

        Assert.Equal("type", error.StripeError.Param);
    }
}
