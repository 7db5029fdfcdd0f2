using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Accounts;
using Recur.StripeSandbox.Tests.AccountLinks;
using Recur.StripeSandbox.Tests.Accounts;
using Recur.StripeSandbox.Tests.Infrastructure;

namespace Recur.StripeSandbox.Tests.Shapes;

/// <summary>
/// Every object the sandbox returns for accounts, capabilities, account links, login links and bank accounts has
/// every key of Stripe's example of it in <c>fixtures3.json</c>, nested objects included. Read as raw JSON, so that
/// nothing Stripe.net ignores goes unnoticed.
/// </summary>
public sealed class ShapeTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task A_new_account_has_every_key_of_stripes_account()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);

        AssertShape("account", await GetAsync(platform, $"/v1/accounts/{account.Id}"));
    }

    [Fact]
    public async Task An_onboarded_account_and_its_bank_account_have_every_key_of_stripes()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.StandardAsync(platform.Test);
        using var onboarding = new HostedOnboarding();
        await onboarding.CompleteAsync((await NewAccounts.OnboardingLinkAsync(platform, account.Id)).Url);

        var read = await GetAsync(platform, $"/v1/accounts/{account.Id}");
        var banks = await GetAsync(platform, $"/v1/accounts/{account.Id}/external_accounts");

        AssertShape("account", read);
        AssertShape("bank_account", read["external_accounts"]!["data"]![0]!.AsObject());
        AssertShape("bank_account", banks["data"]![0]!.AsObject());
    }

    [Fact]
    public async Task Listed_accounts_and_the_platforms_own_account_have_every_key_of_stripes_account()
    {
        var platform = sandbox.NewPlatform();
        await NewAccounts.CustomAsync(platform.Test);

        var list = await GetAsync(platform, "/v1/accounts");

        AssertShape("account", list["data"]![0]!.AsObject());
        AssertShape("account", await GetAsync(platform, "/v1/account"));
    }

    [Fact]
    public void An_existing_users_standalone_account_has_every_key_of_stripes_account()
    {
        var account = AccountObjects.NewStandalone("owner@example.com", "Owner Ltd", "GB", false, 1_700_000_000);

        AssertShape("account", account.Data);
        Assert.True(account.Data["charges_enabled"]!.GetValue<bool>());
        Assert.Empty(account.Data["requirements"]!["currently_due"]!.AsArray());
    }

    [Fact]
    public async Task Capabilities_have_every_key_of_stripes_capability()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);

        AssertShape("capability", await GetAsync(platform, $"/v1/accounts/{account.Id}/capabilities/card_payments"));
        AssertShape("capability", await GetAsync(platform, $"/v1/accounts/{account.Id}/capabilities/bacs_debit_payments"));
        AssertShape("capability", (await GetAsync(platform, $"/v1/accounts/{account.Id}/capabilities"))["data"]![0]!.AsObject());
    }

    [Fact]
    public async Task Account_links_login_links_and_deleted_accounts_have_every_key_of_stripes()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);

        var link = await PostAsync(platform, "/v1/account_links", new()
        {
            ["account"] = account.Id, ["type"] = "account_onboarding",
            ["refresh_url"] = "http://localhost/refresh", ["return_url"] = "http://localhost/return",
        });
        using var onboarding = new HostedOnboarding();
        await onboarding.CompleteAsync(link["url"]!.ToString());
        var login = await PostAsync(platform, $"/v1/accounts/{account.Id}/login_links", []);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"{sandbox.BaseUrl}/v1/accounts/{account.Id}");
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", platform.TestSecretKey);
        using var deleted = await _http.SendAsync(delete, TestContext.Current.CancellationToken);

        AssertShape("account_link", link);
        AssertShape("login_link", login);
        AssertShape("deleted_account", JsonNode.Parse(await deleted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject());
    }

    private static void AssertShape(string resource, JsonObject actual)
    {
        var missing = StripeFixtures.MissingKeys(StripeFixtures.Resource(resource), actual);
        Assert.True(missing.Count == 0, $"{resource} lacks: {string.Join(", ", missing)}");
        Assert.Equal(StripeFixtures.Resource(resource)["object"]!.ToString(), actual["object"]!.ToString());
    }

    private async Task<JsonObject> GetAsync(SandboxPlatform platform, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, sandbox.BaseUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", platform.TestSecretKey);
        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
    }

    private async Task<JsonObject> PostAsync(SandboxPlatform platform, string path, Dictionary<string, string> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, sandbox.BaseUrl + path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", platform.TestSecretKey);
        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
    }
}
