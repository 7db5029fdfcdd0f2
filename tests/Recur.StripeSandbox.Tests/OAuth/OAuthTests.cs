using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.OAuth;

public sealed class OAuthTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_authorize_page_shows_the_consent_form_with_its_fields()
    {
        var platform = sandbox.NewPlatform();
        using var browser = OAuthFlow.Browser();

        var response = await browser.GetAsync(OAuthFlow.AuthorizeUrl(platform.Test, "s-1", "ada@example.com", "Ada Ltd"), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"connect your Stripe account to {platform.Name}", html);
        var fields = OAuthFlow.Inputs(html);
        Assert.Equal(platform.ClientId, fields["client_id"]);
        Assert.Equal("code", fields["response_type"]);
        Assert.Equal(OAuthFlow.RedirectUri, fields["redirect_uri"]);
        Assert.Equal("read_write", fields["scope"]);
        Assert.Equal("s-1", fields["state"]);
        Assert.Equal("ada@example.com", fields["email"]);
        Assert.Equal("Ada Ltd", fields["business_name"]);
        Assert.Equal("GB", fields["country"]);
        Assert.Contains("""name="decision" value="allow" class="primary">Connect my Stripe account</button>""", html);
        Assert.Contains("""name="decision" value="deny">Deny access</button>""", html);
    }

    [Fact]
    public async Task Allowing_access_redirects_back_with_a_code_the_scope_and_the_state()
    {
        var platform = sandbox.NewPlatform();

        var redirect = await OAuthFlow.SubmitAsync(OAuthFlow.AuthorizeUrl(platform.Test, "state with spaces&more"), "allow");

        Assert.StartsWith(OAuthFlow.RedirectUri + "?", redirect.ToString());
        var query = OAuthFlow.Query(redirect);
        Assert.StartsWith("ac_", query["code"]);
        Assert.Equal("read_write", query["scope"]);
        Assert.Equal("state with spaces&more", query["state"]);
    }

    [Fact]
    public async Task Exchanging_the_code_with_the_test_key_connects_the_account_in_test_mode()
    {
        var platform = sandbox.NewPlatform();
        var code = await OAuthFlow.CodeAsync(platform.Test, "grace@example.com");

        var token = await OAuthFlow.Exchange(platform.Test, code);

        Assert.StartsWith("acct_", token.StripeUserId);
        Assert.False(token.Livemode);
        Assert.Equal("read_write", token.Scope);
        Assert.Equal("bearer", token.TokenType);
#pragma warning disable CS0618 // Deprecated by Stripe, still in the response: checked for shape only.
        Assert.NotNull(token.AccessToken);
        Assert.StartsWith("rt_", token.RefreshToken);
        Assert.StartsWith("pk_test_", token.StripePublishableKey);
#pragma warning restore CS0618
        var events = await platform.Test.V1.Events.ListAsync(new EventListOptions(),
            new RequestOptions { StripeAccount = token.StripeUserId }, Ct);
        var authorized = Assert.Single(events.Data);
        Assert.Equal("account.application.authorized", authorized.Type);
        Assert.Equal(token.StripeUserId, authorized.Account);
        var account = await platform.Test.V1.Accounts.GetAsync(token.StripeUserId, cancellationToken: Ct);
        Assert.Equal("grace@example.com", account.Email);
        Assert.True(account.ChargesEnabled);
        Assert.Equal("standard", account.Type);
    }

    [Fact]
    public async Task Exchanging_the_code_with_the_live_key_connects_the_account_in_live_mode()
    {
        var platform = sandbox.NewPlatform();
        var code = await OAuthFlow.CodeAsync(platform.Live);

        var token = await OAuthFlow.Exchange(platform.Live, code);

        Assert.True(token.Livemode);
#pragma warning disable CS0618 // Deprecated by Stripe, still in the response: checked for shape only.
        Assert.StartsWith("pk_live_", token.StripePublishableKey);
#pragma warning restore CS0618
        var live = await platform.Live.V1.Events.ListAsync(new EventListOptions(),
            new RequestOptions { StripeAccount = token.StripeUserId }, Ct);
        Assert.True(Assert.Single(live.Data).Livemode);
        // The test key may act on an account connected in live mode, and sees only test data there.
        var fromTest = await platform.Test.V1.Events.ListAsync(
            new EventListOptions(), new RequestOptions { StripeAccount = token.StripeUserId }, Ct);
        Assert.Empty(fromTest.Data);
    }

    [Fact]
    public async Task Signing_in_again_with_the_same_email_connects_the_same_account()
    {
        var first = sandbox.NewPlatform();
        var second = sandbox.NewPlatform();
        var email = $"{Guid.NewGuid():N}@example.com";

        var one = await OAuthFlow.ConnectAsync(first.Test, email);
        var two = await OAuthFlow.ConnectAsync(second.Test, email.ToUpperInvariant());

        Assert.Equal(one.StripeUserId, two.StripeUserId);
        Assert.Equal(email, (await first.Test.V1.Accounts.GetAsync(one.StripeUserId, cancellationToken: Ct)).Email);
        Assert.Equal(email, (await second.Test.V1.Accounts.GetAsync(one.StripeUserId, cancellationToken: Ct)).Email);
    }

    [Fact]
    public async Task Reusing_a_code_fails_with_invalid_grant_and_revokes_the_connection()
    {
        var platform = sandbox.NewPlatform();
        var code = await OAuthFlow.CodeAsync(platform.Test);
        var token = await OAuthFlow.Exchange(platform.Test, code);

        var reuse = await Assert.ThrowsAsync<StripeException>(() => OAuthFlow.Exchange(platform.Test, code));

        Assert.Equal(HttpStatusCode.BadRequest, reuse.HttpStatusCode);
        Assert.Equal("invalid_grant", reuse.StripeError.Error);
        Assert.Contains("already been used", reuse.StripeError.ErrorDescription);
        var revoked = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Events.ListAsync(
            new EventListOptions(), new RequestOptions { StripeAccount = token.StripeUserId }, Ct));
        Assert.Equal(HttpStatusCode.Forbidden, revoked.HttpStatusCode);
        Assert.Contains(Store.All("event", e => e.Account == token.StripeUserId),
            e => e.Data["type"]?.ToString() == "account.application.deauthorized");
    }

    [Fact]
    public async Task A_code_of_another_platform_or_an_unknown_code_is_an_invalid_grant()
    {
        var platform = sandbox.NewPlatform();
        var other = sandbox.NewPlatform();
        var code = await OAuthFlow.CodeAsync(other.Test);

        var stolen = await Assert.ThrowsAsync<StripeException>(() => OAuthFlow.Exchange(platform.Test, code));
        var unknown = await Assert.ThrowsAsync<StripeException>(() => OAuthFlow.Exchange(platform.Test, "ac_nope"));

        Assert.Equal("invalid_grant", stolen.StripeError.Error);
        Assert.Equal("invalid_grant", unknown.StripeError.Error);
        var token = await OAuthFlow.Exchange(other.Test, code);
        Assert.StartsWith("acct_", token.StripeUserId);
    }

    [Fact]
    public async Task Denying_access_redirects_with_access_denied_and_the_state()
    {
        var platform = sandbox.NewPlatform();

        var redirect = await OAuthFlow.SubmitAsync(OAuthFlow.AuthorizeUrl(platform.Test, "s-deny"), "deny");

        Assert.Contains("error=access_denied", redirect.Query);
        Assert.Contains("error_description=The+user+denied+your+request", redirect.Query);
        var query = OAuthFlow.Query(redirect);
        Assert.Equal("s-deny", query["state"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Theory]
    [InlineData("client_id=ca_X&response_type=token&scope=read_write&redirect_uri=https://a.example/cb", "unsupported_response_type")]
    [InlineData("client_id=ca_X&scope=read_write&redirect_uri=https://a.example/cb", "invalid_request")]
    [InlineData("client_id=ca_X&response_type=code&scope=everything&redirect_uri=https://a.example/cb", "invalid_scope")]
    [InlineData("client_id=ca_X&response_type=code&scope=read_write&redirect_uri=javascript:alert(1)", "invalid_redirect_uri")]
    [InlineData("client_id=ca_X&response_type=code&scope=read_write", "invalid_redirect_uri")]
    [InlineData("client_id=pk_test_X&response_type=code&scope=read_write&redirect_uri=https://a.example/cb", "invalid_client")]
    [InlineData("response_type=code&scope=read_write&redirect_uri=https://a.example/cb", "invalid_request")]
    public async Task A_bad_authorize_request_is_answered_with_JSON_instead_of_a_redirect(string query, string error)
    {
        using var browser = OAuthFlow.Browser();

        var response = await browser.GetAsync($"{sandbox.BaseUrl}/oauth/authorize?{query}&state=s-bad", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(error, body["error"]?.ToString());
        Assert.False(string.IsNullOrEmpty(body["error_description"]?.ToString()));
        Assert.Equal("s-bad", body["state"]?.ToString());
    }

    [Fact]
    public async Task A_bad_secret_key_is_refused_with_invalid_client()
    {
        var platform = sandbox.NewPlatform();
        var code = await OAuthFlow.CodeAsync(platform.Test);
        var publishable = SandboxPlatform.Client(platform.TestPublishableKey, platform.Name, sandbox.BaseUrl);

        var refused = await Assert.ThrowsAsync<StripeException>(() => OAuthFlow.Exchange(publishable, code));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.HttpStatusCode);
        Assert.Equal("invalid_client", refused.StripeError.Error);
        Assert.StartsWith("acct_", (await OAuthFlow.Exchange(platform.Test, code)).StripeUserId);
    }

    [Fact]
    public async Task A_missing_or_unknown_grant_type_is_refused()
    {
        var platform = sandbox.NewPlatform();
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.TestSecretKey);

        var missing = await http.PostAsync($"{sandbox.BaseUrl}/oauth/token",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = "ac_x" }), Ct);
        var unknown = await http.PostAsync($"{sandbox.BaseUrl}/oauth/token",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password" }), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("invalid_request", JsonNode.Parse(await missing.Content.ReadAsStringAsync(Ct))!["error"]?.ToString());
        Assert.Equal("unsupported_grant_type", JsonNode.Parse(await unknown.Content.ReadAsStringAsync(Ct))!["error"]?.ToString());
    }

    [Fact]
    public async Task A_refresh_token_gives_a_new_token_while_the_account_stays_connected()
    {
        var platform = sandbox.NewPlatform();
        var token = await OAuthFlow.ConnectAsync(platform.Test);
        var service = new OAuthTokenService(platform.Test);
#pragma warning disable CS0618 // Deprecated by Stripe, still supported: the refresh grant uses them.
        var refresh = new OAuthTokenCreateOptions { GrantType = "refresh_token", RefreshToken = token.RefreshToken };

        var refreshed = await service.CreateAsync(refresh, cancellationToken: Ct);
        await service.DeauthorizeAsync(new OAuthDeauthorizeOptions { StripeUserId = token.StripeUserId }, cancellationToken: Ct);
        var afterDisconnect = await Assert.ThrowsAsync<StripeException>(() => service.CreateAsync(refresh, cancellationToken: Ct));

        Assert.Equal(token.StripeUserId, refreshed.StripeUserId);
        Assert.NotEqual(token.AccessToken, refreshed.AccessToken);
#pragma warning restore CS0618
        Assert.Equal("invalid_grant", afterDisconnect.StripeError.Error);
    }

    [Fact]
    public async Task Deauthorizing_an_OAuth_account_disconnects_it()
    {
        var platform = sandbox.NewPlatform();
        var token = await OAuthFlow.ConnectAsync(platform.Test);

        var result = await new OAuthTokenService(platform.Test).DeauthorizeAsync(
            new OAuthDeauthorizeOptions { StripeUserId = token.StripeUserId }, cancellationToken: Ct);

        Assert.Equal(token.StripeUserId, result.StripeUserId);
        var revoked = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Events.ListAsync(
            new EventListOptions(), new RequestOptions { StripeAccount = token.StripeUserId }, Ct));
        Assert.Equal(HttpStatusCode.Forbidden, revoked.HttpStatusCode);
        var deauthorized = Assert.Single(Store.All("event",
            e => e.Account == token.StripeUserId && e.Data["type"]?.ToString() == "account.application.deauthorized"));
        Assert.Equal(platform.ClientId, deauthorized.Data["data"]?["object"]?["id"]?.ToString());
        var again = await Assert.ThrowsAsync<StripeException>(() => new OAuthTokenService(platform.Test).DeauthorizeAsync(
            new OAuthDeauthorizeOptions { StripeUserId = token.StripeUserId }, cancellationToken: Ct));
        Assert.Equal("invalid_client", again.StripeError.Error);
    }

    [Fact]
    public async Task Deauthorizing_an_account_the_platform_created_fails_with_invalid_client()
    {
        var platform = sandbox.NewPlatform();
        var account = await platform.Test.V1.Accounts.CreateAsync(new AccountCreateOptions
        {
            Controller = new AccountControllerOptions
            {
                StripeDashboard = new AccountControllerStripeDashboardOptions { Type = "full" },
            },
            Country = "GB",
        }, cancellationToken: Ct);

        var refused = await Assert.ThrowsAsync<StripeException>(() => new OAuthTokenService(platform.Test).DeauthorizeAsync(
            new OAuthDeauthorizeOptions { StripeUserId = account.Id }, cancellationToken: Ct));

        Assert.Equal("invalid_client", refused.StripeError.Error);
        Assert.Contains("no_deauth_on_controlled_account", refused.StripeError.ErrorDescription);
        var stillThere = await platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct);
        Assert.Equal(account.Id, stillThere.Id);
    }

    [Fact]
    public async Task Deauthorizing_with_the_key_of_the_other_mode_or_platform_fails_with_invalid_client()
    {
        var platform = sandbox.NewPlatform();
        var other = sandbox.NewPlatform();
        var token = await OAuthFlow.ConnectAsync(platform.Test);

        var liveKey = await Assert.ThrowsAsync<StripeException>(() => new OAuthTokenService(platform.Live).DeauthorizeAsync(
            new OAuthDeauthorizeOptions { StripeUserId = token.StripeUserId }, cancellationToken: Ct));
        var otherPlatform = await Assert.ThrowsAsync<StripeException>(() => new OAuthTokenService(other.Test).DeauthorizeAsync(
            new OAuthDeauthorizeOptions { StripeUserId = token.StripeUserId }, cancellationToken: Ct));
        var foreignClientId = await Assert.ThrowsAsync<StripeException>(() => new OAuthTokenService(other.Test).DeauthorizeAsync(
            new OAuthDeauthorizeOptions { StripeUserId = token.StripeUserId, ClientId = platform.ClientId }, cancellationToken: Ct));

        Assert.Equal("invalid_client", liveKey.StripeError.Error);
        Assert.Equal("invalid_client", otherPlatform.StripeError.Error);
        Assert.Equal("invalid_client", foreignClientId.StripeError.Error);
        var account = await platform.Test.V1.Accounts.GetAsync(token.StripeUserId, cancellationToken: Ct);
        Assert.Equal(token.StripeUserId, account.Id);
    }

    private SandboxStore Store => sandbox.Services.GetRequiredService<SandboxStore>();
}
