using System.Net;
using Recur.StripeSandbox.Tests.AccountLinks;
using Recur.StripeSandbox.Tests.Accounts;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.LoginLinks;

public sealed class LoginLinksTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_onboarded_express_account_gets_a_single_use_dashboard_link()
    {
        var platform = sandbox.NewPlatform();
        var account = await OnboardedExpressAsync(platform);

        var link = await platform.Test.V1.Accounts.LoginLinks.CreateAsync(account.Id, cancellationToken: Ct);
        using var http = new HttpClient();
        using var first = await http.GetAsync(link.Url, Ct);
        var html = await first.Content.ReadAsStringAsync(Ct);
        using var second = await http.GetAsync(link.Url, Ct);

        Assert.Equal("login_link", link.Object);
        Assert.StartsWith($"{sandbox.BaseUrl}/express/", link.Url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("Express dashboard", html);
        Assert.Contains("Sandbox Coffee Ltd", html);
        Assert.Contains("Payouts enabled</dt><dd>Yes", html);
        Assert.Contains("TEST MODE", html);
        Assert.Equal(HttpStatusCode.Gone, second.StatusCode);
    }

    [Fact]
    public async Task Only_express_accounts_get_login_links()
    {
        var platform = sandbox.NewPlatform();
        var standard = await NewAccounts.StandardAsync(platform.Test);

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            platform.Test.V1.Accounts.LoginLinks.CreateAsync(standard.Id, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Contains("Express Dashboard", error.StripeError.Message);
    }

    [Fact]
    public async Task An_express_account_that_has_not_finished_onboarding_gets_no_login_link()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            platform.Test.V1.Accounts.LoginLinks.CreateAsync(account.Id, cancellationToken: Ct));

        Assert.Contains("not completed onboarding", error.StripeError.Message);
    }

    [Fact]
    public async Task Another_platform_gets_no_login_link_for_the_account()
    {
        var platform = sandbox.NewPlatform();
        var other = sandbox.NewPlatform();
        var account = await OnboardedExpressAsync(platform);

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            other.Test.V1.Accounts.LoginLinks.CreateAsync(account.Id, cancellationToken: Ct));

        Assert.Equal("account_invalid", error.StripeError.Code);
    }

    private static async Task<Account> OnboardedExpressAsync(SandboxPlatform platform)
    {
        var (account, link) = await NewAccounts.ExpressWithOnboardingLinkAsync(platform);
        using var onboarding = new HostedOnboarding();
        await onboarding.CompleteAsync(link.Url);
        return account;
    }
}
