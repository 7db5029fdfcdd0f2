using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Tests.Infrastructure;

namespace Recur.StripeSandbox.Tests.PaymentIntents;

/// <summary>
/// <c>payment_method_types[]</c> when creating a PaymentIntent or a SetupIntent
/// (https://docs.stripe.com/api/payment_intents/create#create_payment_intent-payment_method_types and
/// https://docs.stripe.com/api/setup_intents/create#create_setup_intent-payment_method_types): accepted from clients on
/// API versions before endive (or sending no version), validated against the types Stripe knows; the intent then takes
/// only those types. Endive renamed it <c>allowed_payment_method_types</c> (Stripe.net 53), so with an endive
/// <c>Stripe-Version</c> it is an unknown parameter.
/// </summary>
public sealed class PaymentMethodTypesTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("payment_intents", null, "card", HttpStatusCode.OK, "card")]
    [InlineData("payment_intents", "2025-03-31.basil", "card", HttpStatusCode.OK, "card")]
    [InlineData("payment_intents", "2024-06-20", "card,card", HttpStatusCode.OK, "card")]
    [InlineData("payment_intents", null, "teapot", HttpStatusCode.BadRequest, null)]
    [InlineData("payment_intents", null, "sepa_debit", HttpStatusCode.BadRequest, null)]
    [InlineData("payment_intents", "2026-10-28.endive", "card", HttpStatusCode.BadRequest, "parameter_unknown")]
    [InlineData("setup_intents", null, "card", HttpStatusCode.OK, "card")]
    [InlineData("setup_intents", "2025-03-31.basil", "card", HttpStatusCode.OK, "card")]
    [InlineData("setup_intents", null, "teapot", HttpStatusCode.BadRequest, null)]
    [InlineData("setup_intents", null, "sepa_debit", HttpStatusCode.BadRequest, null)]
    [InlineData("setup_intents", "2026-10-28.endive", "card", HttpStatusCode.BadRequest, "parameter_unknown")]
    public async Task Payment_method_types_are_accepted_on_the_api_versions_that_have_them(string resource, string? version,
        string types, HttpStatusCode status, string? expected)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var form = Types(types);
        if (resource == "payment_intents")
        {
            form.Add(new("amount", "1500"));
            form.Add(new("currency", "gbp"));
        }

        var (actualStatus, body) = await PostAsync(shop, $"/v1/{resource}", version, form);

        Assert.Equal(status, actualStatus);
        if (status == HttpStatusCode.OK)
        {
            Assert.Equal(expected!.Split(','), body["payment_method_types"]!.AsArray().Select(t => t!.ToString()));
        }
        else
        {
            Assert.Equal("invalid_request_error", body["error"]!["type"]!.ToString());
            Assert.Contains("payment_method_types", body["error"]!["param"]!.ToString());
            if (expected is not null)
            {
                Assert.Equal(expected, body["error"]!["code"]!.ToString());
            }
        }
    }

    [Fact]
    public async Task A_payment_intent_made_for_cards_refuses_a_bacs_payment_method()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var bank = await shop.BacsAsync("00012345");
        var form = Types("card");
        form.AddRange([new("amount", "1500"), new("currency", "gbp"), new("payment_method", bank.Id), new("confirm", "true")]);

        var (status, body) = await PostAsync(shop, "/v1/payment_intents", null, form);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("payment_method", body["error"]!["param"]!.ToString());
    }

    [Theory]
    [InlineData("payment_intents")]
    [InlineData("setup_intents")]
    public async Task Payment_method_types_and_allowed_payment_method_types_together_are_refused(string resource)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var form = Types("card");
        form.AddRange([new("allowed_payment_method_types[]", "card"), new("amount", "1500"), new("currency", "gbp")]);
        if (resource == "setup_intents")
        {
            form.RemoveAll(pair => pair.Key is "amount" or "currency");
        }

        var (status, body) = await PostAsync(shop, $"/v1/{resource}", null, form);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("payment_method_types", body["error"]!["message"]!.ToString());
    }

    private static List<KeyValuePair<string, string>> Types(string types) =>
        types.Split(',').Select(t => KeyValuePair.Create("payment_method_types[]", t)).ToList();

    private static async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(ConnectedShop shop, string path,
        string? version, List<KeyValuePair<string, string>> form)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, shop.Platform.BaseUrl + path)
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", shop.Platform.TestSecretKey);
        request.Headers.Add("Stripe-Account", shop.AccountId);
        if (version is not null)
        {
            request.Headers.Add("Stripe-Version", version);
        }

        using var response = await http.SendAsync(request, Ct);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject());
    }
}
