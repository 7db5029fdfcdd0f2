using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Webhooks;
using Stripe;

namespace Recur.Tests.Webhooks;

/// <summary>Events as Stripe sends them, signed with the secret of the endpoint Recur registered, posted to Recur.</summary>
public static class SignedEvents
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static string Event(string type, string account, bool livemode, JsonObject dataObject, string? apiVersion = null) => new JsonObject
    {
        ["id"] = "evt_" + Guid.NewGuid().ToString("N"),
        ["object"] = "event",
        ["api_version"] = apiVersion ?? WebhookEndpointRegistration.ApiVersion,
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["livemode"] = livemode,
        ["type"] = type,
        ["account"] = account,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["data"] = new JsonObject { ["object"] = dataObject },
    }.ToJsonString();

    public static JsonObject Customer(string email) => new()
    {
        ["id"] = "cus_" + Guid.NewGuid().ToString("N")[..14],
        ["object"] = "customer",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["email"] = email,
        ["name"] = "Ada Held",
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
    };

    public static string Id(string json) => JsonNode.Parse(json)!["id"]!.GetValue<string>();

    public static async Task<HttpResponseMessage> PostAsync(this RecurFactory factory, string json, StripeEnvironment environment = StripeEnvironment.Test)
    {
        var secret = factory.Services.GetRequiredService<WebhookSecrets>().Get(environment)!;
        using var http = new HttpClient { BaseAddress = factory.ServerAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe/" + environment.ToSlug())
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Stripe-Signature", EventUtility.GenerateSignatureHeader(json, secret));
        return await http.SendAsync(request, Cancel);
    }

    /// <summary>The inbox row of an event, read afresh; null when it is not stored.</summary>
    public static async Task<StripeEvent?> StoredEventAsync(this RecurFactory factory, string id)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().StripeEvents.AsNoTracking()
            .SingleOrDefaultAsync(e => e.Id == id, Cancel);
    }

    /// <summary>Runs the processor until the condition on the event's row holds (within 20 s).</summary>
    public static async Task<StripeEvent> WaitForEventAsync(this RecurFactory factory, string id, Func<StripeEvent, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await factory.Services.GetRequiredService<StripeEventProcessor>().RunOnceAsync(Cancel);
            if (await factory.StoredEventAsync(id) is { } row && condition(row))
            {
                return row;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Event {id} did not reach the expected state.");
            await Task.Delay(50, Cancel);
        }
    }

    /// <summary>Reads a page until it contains the text (webhooks arrive asynchronously), within 20 s.</summary>
    public static async Task<Page> WaitForTextAsync(this RecurBrowser browser, string url, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var page = await browser.GetAsync(url);
            if (page.Text.Contains(text, StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                return page;
            }
            await Task.Delay(100, Cancel);
        }
    }
}
