using System.Net.Http.Headers;
using System.Text;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Recur.Web.Stripe;
using Stripe;

namespace Recur.Tests.Webhooks;

/// <summary>Garbage at the webhook endpoints, signed or not, is refused with a 4xx ProblemDetails, never a 500.</summary>
public sealed class WebhookMalformedInputTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string, bool> Bodies => new()
    {
        { "test", "application/json", "", false },
        { "test", "application/json", "garbage", false },
        { "test", "application/json", "{", false },
        { "test", "text/plain", "garbage", false },
        { "test", "application/x-www-form-urlencoded", "a=b", false },
        { "test", "application/json", new string('x', 900_000), false },
        { "production", "application/json", "garbage", false },
        { "test", "application/json", "", true },
        { "test", "application/json", "garbage", true },
        { "test", "application/json", "{", true },
        { "test", "application/json", "null", true },
        { "test", "application/json", "[]", true },
        { "test", "application/json", "42", true },
        { "test", "application/json", "{}", true },
        { "test", "application/json", """{"object":"event"}""", true },
        { "test", "application/json", """{"id":"evt_1","object":"event","created":"abc"}""", true },
        { "test", "application/json", """{"id":123,"object":"event","livemode":"maybe"}""", true },
        { "test", "application/json", "{\"id\":\"evt_x\",\"object\":\"event\",\"api_version\":\"" + WebhookEndpointRegistration.ApiVersion + "\",\"created\":99999999999999999999,\"livemode\":false,\"type\":\"account.updated\",\"data\":{\"object\":{}}}", true },
        { "test", "application/json", "{\"object\":\"event\",\"api_version\":\"" + WebhookEndpointRegistration.ApiVersion + "\",\"created\":1,\"livemode\":false,\"type\":\"account.updated\",\"data\":{\"object\":{}}}", true },
        { "test", "application/json", "{\"id\":\"" + new string('e', 100_000) + "\",\"object\":\"event\",\"api_version\":\"" + WebhookEndpointRegistration.ApiVersion + "\",\"created\":1,\"livemode\":false,\"type\":\"account.updated\",\"data\":{\"object\":{}}}", true },
        { "test", "application/json", "{\"id\":\"evt_x\",\"object\":\"event\",\"api_version\":\"" + WebhookEndpointRegistration.ApiVersion + "\",\"created\":1,\"livemode\":false,\"type\":\"account.updated\",\"data\":\"x\"}", true },
        { "test", "application/json", "{\"id\":\"evt_x\",\"object\":\"event\",\"api_version\":\"" + WebhookEndpointRegistration.ApiVersion + "\",\"created\":1,\"livemode\":false,\"type\":\"account.updated\",\"data\":{\"object\":[" + string.Concat(Enumerable.Repeat("[", 300)) + "]}}", true },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_malformed_webhook_is_refused_with_a_4xx_problem(string route, string contentType, string body, bool signed)
    {
        var environment = route == "test" ? StripeEnvironment.Test : StripeEnvironment.Production;
        var signature = signed ? EventUtility.GenerateSignatureHeader(body, factory.Service<WebhookSecrets>().Get(environment)!) : "t=1,v1=garbage";
        using var http = new HttpClient { BaseAddress = factory.ServerAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe/" + route)
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);

        using var response = await http.SendAsync(request, Cancel);

        await CheckoutMalformedInputTests.AssertProblemAsync(response, 400);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("t=abc,v1=")]
    [InlineData("t=99999999999999999999,v1=abc")]
    [InlineData(",,,=,=")]
    public async Task A_garbage_signature_header_is_refused_with_a_400_problem(string signature)
    {
        using var http = new HttpClient { BaseAddress = factory.ServerAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe/test")
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);

        using var response = await http.SendAsync(request, Cancel);

        await CheckoutMalformedInputTests.AssertProblemAsync(response, 400);
    }
}
