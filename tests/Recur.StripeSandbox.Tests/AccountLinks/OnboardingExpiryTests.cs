using System.Net;
using Microsoft.Extensions.Time.Testing;
using Recur.StripeSandbox.Tests.Accounts;
using Recur.StripeSandbox.Tests.Infrastructure;

namespace Recur.StripeSandbox.Tests.AccountLinks;

/// <summary>A sandbox whose clock the tests move, to see links and pages go stale.</summary>
public sealed class OnboardingExpiryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly HostedOnboarding _browser = new();
    private WebApplication? _app;
    private string _baseUrl = "";

    public async ValueTask InitializeAsync()
    {
        _app = SandboxServer.Create(new SandboxOptions { Url = "http://127.0.0.1:0", Time = _time });
        await _app.StartAsync(TestContext.Current.CancellationToken);
        _baseUrl = _app.Urls.First();
    }

    public async ValueTask DisposeAsync()
    {
        _browser.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_link_opened_after_five_minutes_goes_to_the_refresh_url()
    {
        var platform = new SandboxPlatform(Guid.NewGuid().ToString("N"), _baseUrl);
        var (_, link) = await NewAccounts.ExpressWithOnboardingLinkAsync(platform);

        _time.Advance(TimeSpan.FromSeconds(301));
        var page = await _browser.OpenAsync(link.Url);

        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.Equal("http://localhost:5080/onboarding/refresh", page.Location);
    }

    [Fact]
    public async Task A_link_opened_in_time_may_be_filled_in_after_it_expires()
    {
        var platform = new SandboxPlatform(Guid.NewGuid().ToString("N"), _baseUrl);
        var (_, link) = await NewAccounts.ExpressWithOnboardingLinkAsync(platform);
        var page = await _browser.OpenAsync(link.Url);

        _time.Advance(TimeSpan.FromMinutes(20));
        var result = await _browser.PostAsync(page, "submit", HostedOnboarding.ValidDetails);

        Assert.Equal("http://localhost:5080/onboarding/return", result.Location);
    }

    [Fact]
    public async Task A_page_left_open_for_more_than_an_hour_goes_to_the_refresh_url()
    {
        var platform = new SandboxPlatform(Guid.NewGuid().ToString("N"), _baseUrl);
        var (account, link) = await NewAccounts.ExpressWithOnboardingLinkAsync(platform);
        var page = await _browser.OpenAsync(link.Url);

        _time.Advance(TimeSpan.FromMinutes(61));
        var result = await _browser.PostAsync(page, "submit", HostedOnboarding.ValidDetails);

        Assert.Equal("http://localhost:5080/onboarding/refresh", result.Location);
        Assert.False((await platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: TestContext.Current.CancellationToken)).DetailsSubmitted);
    }
}
