using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Tests.Accounts;
using Stripe;

namespace Recur.StripeSandbox.Tests.Infrastructure;

public sealed class ApiAuthenticationTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_without_a_key_is_401_with_stripes_error_body()
    {
        using var http = new HttpClient();

        using var response = await http.GetAsync($"{sandbox.BaseUrl}/v1/accounts", Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_request_error", body["error"]!["type"]!.ToString());
        Assert.Contains("You did not provide an API key", body["error"]!["message"]!.ToString());
    }

    [Fact]
    public async Task A_malformed_key_is_401()
    {
        var client = Infrastructure.SandboxPlatform.Client("rk_nonsense", "x", sandbox.BaseUrl);

        var error = await Assert.ThrowsAsync<StripeException>(() => client.V1.Accounts.ListAsync(cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, error.HttpStatusCode);
        Assert.StartsWith("Invalid API Key provided", error.StripeError.Message);
    }

    [Fact]
    public async Task A_publishable_key_cannot_create_accounts()
    {
        var platform = sandbox.NewPlatform();
        var client = SandboxPlatform.Client(platform.TestPublishableKey, platform.Name, sandbox.BaseUrl);

        var error = await Assert.ThrowsAsync<StripeException>(() => client.V1.Accounts.CreateAsync(new AccountCreateOptions(), cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, error.HttpStatusCode);
        Assert.Contains("publishable API key", error.StripeError.Message);
        Assert.Empty(await platform.Test.V1.Accounts.ListAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task Basic_authentication_with_the_secret_key_is_accepted()
    {
        var platform = sandbox.NewPlatform();
        await NewAccounts.ExpressAsync(platform.Test);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(platform.TestSecretKey + ":")));

        var body = JsonNode.Parse(await http.GetStringAsync($"{sandbox.BaseUrl}/v1/accounts", Ct))!;

        Assert.Single(body["data"]!.AsArray());
    }

    [Fact]
    public async Task An_unknown_stripe_account_header_is_403_account_invalid()
    {
        var platform = sandbox.NewPlatform();

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.GetSelfAsync(
            requestOptions: new RequestOptions { StripeAccount = "acct_1Unknown000000" }, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Forbidden, error.HttpStatusCode);
        Assert.Equal("account_invalid", error.StripeError.Code);
    }

    [Fact]
    public async Task Another_platforms_account_in_the_stripe_account_header_is_403_account_invalid()
    {
        var owner = sandbox.NewPlatform();
        var other = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(owner.Test);

        var error = await Assert.ThrowsAsync<StripeException>(() => other.Test.V1.Accounts.GetSelfAsync(
            requestOptions: new RequestOptions { StripeAccount = account.Id }, cancellationToken: Ct));
        var wrongMode = await Assert.ThrowsAsync<StripeException>(() => owner.Live.V1.Accounts.GetSelfAsync(
            requestOptions: new RequestOptions { StripeAccount = account.Id }, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Forbidden, error.HttpStatusCode);
        Assert.Equal("account_invalid", error.StripeError.Code);
        Assert.Equal("account_invalid", wrongMode.StripeError.Code);
    }

    [Fact]
    public async Task A_connected_account_sees_only_itself()
    {
        var platform = sandbox.NewPlatform();
        var first = await NewAccounts.ExpressAsync(platform.Test);
        var second = await NewAccounts.ExpressAsync(platform.Test);
        var asFirst = new RequestOptions { StripeAccount = first.Id };

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            platform.Test.V1.Accounts.GetAsync(second.Id, requestOptions: asFirst, cancellationToken: Ct));
        var listError = await Assert.ThrowsAsync<StripeException>(() =>
            platform.Test.V1.Accounts.ListAsync(requestOptions: asFirst, cancellationToken: Ct));

        Assert.Equal("resource_missing", error.StripeError.Code);
        Assert.Equal("platform_account_required", listError.StripeError.Code);
    }

    [Fact]
    public async Task An_unknown_api_route_is_404_with_stripes_message()
    {
        var platform = sandbox.NewPlatform();
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.TestSecretKey);

        using var response = await http.GetAsync($"{sandbox.BaseUrl}/v1/teleports", Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.StartsWith("Unrecognized request URL (GET: /v1/teleports)", body["error"]!["message"]!.ToString());
    }
}
