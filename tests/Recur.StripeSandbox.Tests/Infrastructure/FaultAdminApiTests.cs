using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.Infrastructure;

/// <summary>Faults switched on a running sandbox over HTTP, as a script or another process would.</summary>
public sealed class FaultAdminApiTests : IAsyncLifetime
{
    private const string RateLimitCustomers = """
        {"seed": 7, "api": [{"kind": "rate_limit", "rate": {"every": 1}, "methods": ["POST"], "paths": ["/v1/customers"]}],
         "webhooks": [{"kind": "drop", "rate": {"fraction": 0.25}}]}
        """;

    private FaultySandbox _sandbox = null!;
    private HttpClient _http = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await FaultySandbox.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_sandbox.BaseUrl) };
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _sandbox.DisposeAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string? json = null, string? token = FaultySandbox.AdminToken,
        string? stripeKey = null)
    {
        using var request = new HttpRequestMessage(method, FaultAdminApi.Path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Add(FaultAdminApi.TokenHeader, token);
        }

        if (stripeKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stripeKey);
        }

        return await _http.SendAsync(request, Ct);
    }

    [Fact]
    public async Task A_plan_posted_as_json_takes_effect_get_reads_its_counts_and_delete_ends_it()
    {
        var platform = _sandbox.NewPlatform();

        using var posted = await SendAsync(HttpMethod.Post, RateLimitCustomers);
        var refused = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Customers.CreateAsync(
            new CustomerCreateOptions { Email = "a@example.com" }, cancellationToken: Ct));
        var state = await (await SendAsync(HttpMethod.Get)).Content.ReadFromJsonAsync<JsonObject>(Ct);
        using var deleted = await SendAsync(HttpMethod.Delete);
        var created = await platform.Test.V1.Customers.CreateAsync(
            new CustomerCreateOptions { Email = "a@example.com" }, cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal((HttpStatusCode)429, refused.HttpStatusCode);
        Assert.Equal("rate_limit", state!["plan"]!["api"]![0]!["kind"]!.ToString());
        Assert.Equal(0.25, state["plan"]!["webhooks"]![0]!["rate"]!["fraction"]!.GetValue<double>());
        Assert.Equal(1, state["counts"]!["rate_limit"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.StartsWith("cus_", created.Id, StringComparison.Ordinal);
        Assert.Equal(FaultPlan.None, _sandbox.Faults.Plan);
        Assert.Equal(0, _sandbox.Faults.Counts.RateLimit);
    }

    [Theory]
    [InlineData("""{"api": [{"kind": "explode", "rate": {"every": 1}}]}""", "$.api[0].kind")]
    [InlineData("""{"api": [{"kind": "rate_limit", "rate": {}}]}""", "every")]
    [InlineData("""{"api": [{"kind": "rate_limit", "rate": {"every": 1, "fraction": 0.5}}]}""", "exactly one")]
    [InlineData("""{"api": [{"kind": "rate_limit", "rate": {"fraction": 1.5}}]}""", "fraction")]
    [InlineData("""{"api": [{"kind": "slow", "rate": {"every": 1}, "delay_ms": -1}]}""", "delay_ms")]
    [InlineData("""{"api": [{"kind": "rate_limit", "rate": {"every": 1}, "status": 503}]}""", "status")]
    [InlineData("""{"api": [{"kind": "rate_limit", "rate": {"every": 1}, "paths": ["/oauth/token"]}]}""", "/v1")]
    [InlineData("""{"webhooks": [{"kind": "drop", "rate": {"every": 1}, "delay_ms": 5}]}""", "delay_ms")]
    [InlineData("""{"webhooks": [{"kind": "drop"}]}""", "rate")]
    [InlineData("""{"surprise": true}""", "surprise")]
    [InlineData("""not json""", "JSON")]
    public async Task A_plan_that_cannot_be_used_is_a_400_that_says_why_and_changes_nothing(string json, string said)
    {
        _sandbox.Faults.Set(new FaultPlan { Api = [new ApiFault(ApiFaultKind.Slow, FaultRate.EveryNth(5))] });
        var before = _sandbox.Faults.Plan;

        using var response = await SendAsync(HttpMethod.Post, json);
        var error = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(said, error!["error"]!["message"]!.ToString(), StringComparison.Ordinal);
        Assert.Same(before, _sandbox.Faults.Plan);
    }

    [Fact]
    public async Task A_stripe_secret_key_alone_does_not_open_the_fault_admin()
    {
        var platform = _sandbox.NewPlatform();

        using var withKey = await SendAsync(HttpMethod.Post, RateLimitCustomers, token: null, stripeKey: platform.TestSecretKey);
        using var withWrongToken = await SendAsync(HttpMethod.Post, RateLimitCustomers, token: "guess");
        using var read = await SendAsync(HttpMethod.Get, token: null, stripeKey: platform.TestSecretKey);

        Assert.Equal(HttpStatusCode.Unauthorized, withKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withWrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        Assert.Equal(FaultPlan.None, _sandbox.Faults.Plan);
    }

    [Fact]
    public async Task A_sandbox_started_without_an_admin_token_has_no_fault_admin()
    {
        var app = SandboxServer.Create(new SandboxOptions { Url = "http://127.0.0.1:0", DatabasePath = null });
        await app.StartAsync(Ct);
        await using (app)
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            using var request = new HttpRequestMessage(HttpMethod.Post, FaultAdminApi.Path)
            {
                Content = new StringContent(RateLimitCustomers, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(FaultAdminApi.TokenHeader, "");

            using var response = await http.SendAsync(request, Ct);

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(FaultPlan.None, app.Services.GetRequiredService<SandboxFaults>().Plan);
        }
    }
}
