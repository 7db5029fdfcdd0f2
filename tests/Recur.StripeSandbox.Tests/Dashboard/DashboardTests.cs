using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.OAuth;
using Recur.StripeSandbox.Tests.WebhookEndpoints;
using Stripe;

namespace Recur.StripeSandbox.Tests.Dashboard;

public sealed class DashboardTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_dashboard_shows_the_account_and_a_disconnect_form_for_each_OAuth_platform()
    {
        var platform = sandbox.NewPlatform();
        var token = await OAuthFlow.ConnectAsync(platform.Test, $"{Guid.NewGuid():N}@example.com");
        using var browser = OAuthFlow.Browser();

        var html = await browser.GetStringAsync($"{sandbox.BaseUrl}/dashboard/{token.StripeUserId}", Ct);

        Assert.Contains(token.StripeUserId, html);
        Assert.Contains("TEST MODE", html);
        Assert.Contains($"""<form method="post" action="/dashboard/{token.StripeUserId}/disconnect">""", html);
        Assert.Equal(platform.ClientId, OAuthFlow.Inputs(html)["client_id"]);
        Assert.Contains(">Disconnect</button>", html);
    }

    [Fact]
    public async Task An_account_the_platform_controls_shows_no_disconnect_button()
    {
        var platform = sandbox.NewPlatform();
        var account = await platform.Test.V1.Accounts.CreateAsync(new AccountCreateOptions
        {
            Controller = new AccountControllerOptions
            {
                StripeDashboard = new AccountControllerStripeDashboardOptions { Type = "full" },
            },
            Country = "GB",
            BusinessProfile = new AccountBusinessProfileOptions { Name = "Owned Ltd" },
        }, cancellationToken: Ct);
        using var browser = OAuthFlow.Browser();

        var html = await browser.GetStringAsync($"{sandbox.BaseUrl}/dashboard/{account.Id}", Ct);

        Assert.Contains("Owned Ltd", html);
        Assert.Contains(platform.Name, html);
        Assert.DoesNotContain(">Disconnect</button>", html);
    }

    [Fact]
    public async Task An_unknown_account_has_no_dashboard()
    {
        using var browser = OAuthFlow.Browser();

        var response = await browser.GetAsync($"{sandbox.BaseUrl}/dashboard/acct_missing", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Disconnecting_on_the_dashboard_deauthorizes_the_platform_and_delivers_the_deauthorized_event()
    {
        var platform = sandbox.NewPlatform();
        await using var receiver = await WebhookReceiver.StartAsync();
        var endpoint = await platform.Test.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = receiver.Url, Connect = true, EnabledEvents = ["account.application.deauthorized"],
        }, cancellationToken: Ct);
        var token = await OAuthFlow.ConnectAsync(platform.Test);
        using var browser = OAuthFlow.Browser();

        var response = await browser.PostAsync($"{sandbox.BaseUrl}/dashboard/{token.StripeUserId}/disconnect",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = platform.ClientId }), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var webhook = Assert.Single(await receiver.WaitForAsync("account.application.deauthorized", token.StripeUserId));
        var stripeEvent = EventUtility.ConstructEvent(webhook.Body, webhook.Signature, endpoint.Secret, throwOnApiVersionMismatch: false);
        Assert.Equal(token.StripeUserId, stripeEvent.Account);
        Assert.Equal(platform.ClientId, ((Application)stripeEvent.Data.Object).Id);
        var revoked = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Events.ListAsync(
            new EventListOptions(), new RequestOptions { StripeAccount = token.StripeUserId }, Ct));
        Assert.Equal(HttpStatusCode.Forbidden, revoked.HttpStatusCode);
        var page = await browser.GetStringAsync(new Uri(new Uri(sandbox.BaseUrl), response.Headers.Location!), Ct);
        Assert.DoesNotContain(">Disconnect</button>", page);
    }

    [Fact]
    public async Task Disconnecting_a_platform_that_is_not_connected_changes_nothing()
    {
        var platform = sandbox.NewPlatform();
        var token = await OAuthFlow.ConnectAsync(platform.Test);
        using var browser = OAuthFlow.Browser();

        var response = await browser.PostAsync($"{sandbox.BaseUrl}/dashboard/{token.StripeUserId}/disconnect",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = "ca_someoneelse" }), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var events = await platform.Test.V1.Events.ListAsync(new EventListOptions(),
            new RequestOptions { StripeAccount = token.StripeUserId }, Ct);
        Assert.Single(events.Data);
    }
}
