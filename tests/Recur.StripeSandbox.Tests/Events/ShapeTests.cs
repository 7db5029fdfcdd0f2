using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.OAuth;

namespace Recur.StripeSandbox.Tests.Events;

/// <summary>Every key of Stripe's fixture for an object is in what the sandbox returns for it.</summary>
public sealed class ShapeTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_event_and_its_application_have_the_keys_of_Stripes_fixtures()
    {
        var platform = sandbox.NewPlatform();
        var token = await OAuthFlow.ConnectAsync(platform.Test);
        using var http = Api(platform);
        http.DefaultRequestHeaders.Add("Stripe-Account", token.StripeUserId);

        var list = await GetAsync(http, "/v1/events");
        var stripeEvent = await GetAsync(http, $"/v1/events/{list["data"]![0]!["id"]}");

        Assert.Empty(StripeFixture.MissingKeys(StripeFixture.Resource("event"), stripeEvent, "data.object"));
        Assert.Empty(StripeFixture.MissingKeys(StripeFixture.Resource("application"), stripeEvent["data"]!["object"]!.AsObject()));
        Assert.Equal("application", stripeEvent["data"]!["object"]!["object"]?.ToString());
        Assert.Equal(token.StripeUserId, stripeEvent["account"]?.ToString());
    }

    [Fact]
    public async Task A_webhook_endpoint_and_a_deleted_one_have_the_keys_of_Stripes_fixtures()
    {
        var platform = sandbox.NewPlatform();
        using var http = Api(platform);

        var created = await SendAsync(http, HttpMethod.Post, "/v1/webhook_endpoints",
            new() { ["url"] = "https://recur.example/hook", ["enabled_events[]"] = "*" });
        var retrieved = await GetAsync(http, $"/v1/webhook_endpoints/{created["id"]}");
        var deleted = await SendAsync(http, HttpMethod.Delete, $"/v1/webhook_endpoints/{created["id"]}", null);

        Assert.Empty(StripeFixture.MissingKeys(StripeFixture.Resource("webhook_endpoint"), created));
        Assert.Empty(StripeFixture.MissingKeys(StripeFixture.Resource("webhook_endpoint"), retrieved));
        Assert.Empty(StripeFixture.MissingKeys(StripeFixture.Resource("deleted_webhook_endpoint"), deleted));
        Assert.True(created.ContainsKey("secret"));
        Assert.False(retrieved.ContainsKey("secret"));
    }

    private HttpClient Api(SandboxPlatform platform)
    {
        var http = new HttpClient { BaseAddress = new Uri(sandbox.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.TestSecretKey);
        return http;
    }

    private static Task<JsonObject> GetAsync(HttpClient http, string path) => SendAsync(http, HttpMethod.Get, path, null);

    private static async Task<JsonObject> SendAsync(HttpClient http, HttpMethod method, string path, Dictionary<string, string>? form)
    {
        using var request = new HttpRequestMessage(method, path);
        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }

        using var response = await http.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!.AsObject();
    }
}
