using System.Net;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Tests.PaymentIntents;
using Stripe;

namespace Recur.StripeSandbox.Tests.Infrastructure;

/// <summary>
/// Stripe.js calls the API with the publishable key as <c>key</c> and the connected account as
/// <c>_stripe_account</c> in the form body (the query for a GET), next to <c>client_secret</c>, with no Authorization
/// header (https://docs.stripe.com/js, <c>Stripe(publishableKey, {stripeAccount})</c>). The sandbox accepts that where a
/// publishable key is accepted at all, and nowhere else.
/// </summary>
public sealed class PublishableKeyInBodyTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_payment_method_is_created_and_a_payment_confirmed_with_the_key_in_the_body()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var intent = await NewIntentAsync(shop);
        using var http = new HttpClient();

        var method = await SendAsync(http, HttpMethod.Post, "/v1/payment_methods", new()
        {
            ["key"] = shop.Platform.TestPublishableKey, ["_stripe_account"] = shop.AccountId, ["type"] = "card",
            ["card[number]"] = "4242424242424242", ["card[exp_month]"] = "12", ["card[exp_year]"] = "2034", ["card[cvc]"] = "123",
        });
        var confirmed = await SendAsync(http, HttpMethod.Post, $"/v1/payment_intents/{intent.Id}/confirm", new()
        {
            ["key"] = shop.Platform.TestPublishableKey, ["_stripe_account"] = shop.AccountId,
            ["client_secret"] = intent.ClientSecret, ["payment_method"] = method.Body["id"]!.ToString(),
            ["return_url"] = "https://shop.example/return",
        });
        var read = await SendAsync(http, HttpMethod.Get,
            $"/v1/payment_intents/{intent.Id}?key={shop.Platform.TestPublishableKey}&_stripe_account={shop.AccountId}&client_secret={Uri.EscapeDataString(intent.ClientSecret)}", null);
        var onServer = await shop.Server.V1.PaymentIntents.GetAsync(intent.Id, null, shop.On(), Ct);

        Assert.Equal(HttpStatusCode.OK, method.Status);
        Assert.Equal(HttpStatusCode.OK, confirmed.Status);
        Assert.Equal("succeeded", confirmed.Body["status"]!.ToString());
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal("succeeded", read.Body["status"]!.ToString());
        Assert.Equal("succeeded", onServer.Status);
        Assert.Equal(method.Body["id"]!.ToString(), onServer.PaymentMethodId);
    }

    /// <summary>Where the key in the body is not enough: a secret-key endpoint, a secret key, no key, an account the
    /// platform cannot act for (403 <c>account_invalid</c>, as with the header).</summary>
    [Theory]
    [InlineData("/v1/customers", "pk", "own", HttpStatusCode.Unauthorized)]
    [InlineData("/v1/payment_methods", "sk", "own", HttpStatusCode.Unauthorized)]
    [InlineData("/v1/payment_methods", "none", "own", HttpStatusCode.Unauthorized)]
    [InlineData("/v1/payment_methods", "pk", "unknown", HttpStatusCode.Forbidden)]
    public async Task The_key_in_the_body_is_refused_where_stripe_refuses_it(string path, string key, string account,
        HttpStatusCode expected)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        using var http = new HttpClient();
        var form = new Dictionary<string, string>
        {
            ["type"] = "card", ["card[number]"] = "4242424242424242", ["card[exp_month]"] = "12", ["card[exp_year]"] = "2034",
            ["_stripe_account"] = account == "own" ? shop.AccountId : "acct_1Unknown000000",
        };
        if (key != "none")
        {
            form["key"] = key == "sk" ? shop.Platform.TestSecretKey : shop.Platform.TestPublishableKey;
        }

        var answer = await SendAsync(http, HttpMethod.Post, path, form);

        Assert.Equal(expected, answer.Status);
        Assert.Equal(expected == HttpStatusCode.Forbidden ? "account_invalid" : null, answer.Body["error"]!["code"]?.ToString());
        Assert.Null(answer.Body["id"]);
    }

    private static async Task<PaymentIntent> NewIntentAsync(ConnectedShop shop) =>
        await shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1500, Currency = "gbp", AllowedPaymentMethodTypes = ["card"],
        }, shop.On(), Ct);

    private async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(HttpClient http, HttpMethod method, string path,
        Dictionary<string, string>? form)
    {
        using var request = new HttpRequestMessage(method, sandbox.BaseUrl + path);
        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }

        using var response = await http.SendAsync(request, Ct);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject());
    }
}
