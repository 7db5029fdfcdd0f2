using System.Net;
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

public sealed class StripeWebhookTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deauthorizing_recur_from_the_stripe_dashboard_shows_the_connection_disconnected()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync();
        var accountId = card.TestId("account-id")!;
        var dashboard = await browser.GetAsync(new Uri(factory.SandboxAddress, "/dashboard/" + accountId).ToString());
        var disconnect = dashboard.Forms.Single(f => f.Action.EndsWith("/disconnect", StringComparison.Ordinal) && f.Fields.GetValueOrDefault("client_id") == factory.ClientId);

        await browser.SubmitAsync(dashboard, disconnect);

        var after = await browser.WaitForStatusAsync("Disconnected");
        Assert.Equal("Disconnected", after.TestId("status"));
        Assert.Equal(accountId, after.TestId("account-id"));
        Assert.Contains("no longer connected to Recur", after.TestId("next-step"));
        Assert.NotEqual("None received yet", after.TestId("last-event"));
    }

    [Fact]
    public async Task An_event_with_a_forged_signature_is_refused_with_400_and_not_stored()
    {
        var json = Event("account.application.deauthorized", "acct_forged", livemode: false, Application());

        using var response = await PostAsync("test", json, EventUtility.GenerateSignatureHeader(json, "whsec_forged"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("signature", await response.Content.ReadAsStringAsync(Cancel));
        Assert.False(await IsStoredAsync(json));
    }

    [Fact]
    public async Task An_event_with_a_stale_signature_is_refused_with_400_and_not_stored()
    {
        var json = Event("account.application.deauthorized", "acct_stale", livemode: false, Application());
        var tenMinutesAgo = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds();

        using var response = await PostAsync("test", json, EventUtility.GenerateSignatureHeader(json, Secret(StripeEnvironment.Test), tenMinutesAgo));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("tolerance", await response.Content.ReadAsStringAsync(Cancel));
        Assert.False(await IsStoredAsync(json));
    }

    [Fact]
    public async Task An_event_without_a_signature_is_refused_with_400()
    {
        var json = Event("account.updated", "acct_unsigned", livemode: false, Application());

        using var response = await PostAsync("test", json, signature: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(await IsStoredAsync(json));
    }

    [Fact]
    public async Task A_test_event_on_the_production_route_is_answered_counted_and_changes_no_live_data()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync("production");
        var accountId = card.TestId("account-id")!;
        Assert.Equal("Connected", card.TestId("status"));
        // Stripe sends the test events of an account connected in live mode to the live endpoint too.
        var json = Event("account.application.deauthorized", accountId, livemode: false, Application());

        using var response = await PostAsync("production", json, EventUtility.GenerateSignatureHeader(json, Secret(StripeEnvironment.Production)));
        await factory.Service<StripeEventProcessor>().RunOnceAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(await IsStoredAsync(json));
        Assert.True(await IsCountedAsWrongModeAsync(json, StripeEnvironment.Production));
        var after = await browser.StripeCardAsync("production");
        Assert.Equal("Connected", after.TestId("status"));
        Assert.Equal(accountId, after.TestId("account-id"));
    }

    [Fact]
    public async Task A_live_event_on_the_test_route_is_answered_counted_and_not_applied()
    {
        var json = Event("account.application.deauthorized", "acct_livemode", livemode: true, Application());

        using var response = await PostAsync("test", json, EventUtility.GenerateSignatureHeader(json, Secret(StripeEnvironment.Test)));
        using var again = await PostAsync("test", json, EventUtility.GenerateSignatureHeader(json, Secret(StripeEnvironment.Test)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.False(await IsStoredAsync(json));
        Assert.True(await IsCountedAsWrongModeAsync(json, StripeEnvironment.Test));
    }

    [Fact]
    public async Task An_account_updated_event_changes_the_card_and_a_duplicate_changes_nothing()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync();
        var accountId = card.TestId("account-id")!;
        // The sandbox's own account.application.authorized (which re-reads the account) must not land after ours.
        await AppliedAsync("account.application.authorized", accountId);
        var json = Event("account.updated", accountId, livemode: false, RestrictedAccount(accountId));
        var secret = Secret(StripeEnvironment.Test);

        using (var first = await PostAsync("test", json, EventUtility.GenerateSignatureHeader(json, secret)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        await factory.Service<StripeEventProcessor>().RunOnceAsync(Cancel);
        var afterEvent = await browser.StripeCardAsync();
        Assert.Equal("Onboarding incomplete", afterEvent.TestId("status"));
        Assert.Contains("external_account", afterEvent.TestId("requirements"));
        var refreshed = await browser.SubmitAsync(afterEvent, afterEvent.Form("handler=Refresh"));
        Assert.Equal("Connected", refreshed.TestId("status"));
        var stored = await StoredAsync(json);

        using (var duplicate = await PostAsync("test", json, EventUtility.GenerateSignatureHeader(json, secret)))
        {
            Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        }
        await factory.Service<StripeEventProcessor>().RunOnceAsync(Cancel);

        var final = await browser.StripeCardAsync();
        Assert.Equal("Connected", final.TestId("status"));
        var again = await StoredAsync(json);
        Assert.Equal(1, again.Attempts);
        Assert.Equal(stored.ProcessedAt, again.ProcessedAt);
        Assert.Equal(1, await CountAsync(json));
    }

    [Fact]
    public async Task An_event_for_an_account_nobody_connected_is_accepted_and_ignored()
    {
        var json = Event("account.updated", "acct_nobody", livemode: false, RestrictedAccount("acct_nobody"));

        using var response = await PostAsync("test", json, EventUtility.GenerateSignatureHeader(json, Secret(StripeEnvironment.Test)));
        await factory.Service<StripeEventProcessor>().RunOnceAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull((await StoredAsync(json)).ProcessedAt);
    }

    private string Secret(StripeEnvironment environment) => factory.Service<WebhookSecrets>().Get(environment)!;

    private async Task<HttpResponseMessage> PostAsync(string route, string json, string? signature)
    {
        using var http = new HttpClient { BaseAddress = factory.ServerAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe/" + route)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (signature is not null)
        {
            request.Headers.Add("Stripe-Signature", signature);
        }
        return await http.SendAsync(request, Cancel);
    }

    /// <summary>Waits until an event of the type about the account has arrived from the sandbox and been applied.</summary>
    private async Task AppliedAsync(string type, string accountId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await factory.Service<StripeEventProcessor>().RunOnceAsync(Cancel);
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                if (await scope.ServiceProvider.GetRequiredService<AppDbContext>().StripeEvents
                        .AnyAsync(e => e.Type == type && e.Account == accountId && e.ProcessedAt != null, Cancel))
                {
                    return;
                }
            }
            Assert.True(DateTime.UtcNow < deadline, $"No {type} for {accountId} was applied.");
            await Task.Delay(50, Cancel);
        }
    }

    private async Task<bool> IsCountedAsWrongModeAsync(string json, StripeEnvironment route)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var id = EventId(json);
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().WrongModeEvents
            .CountAsync(e => e.Id == id && e.Route == route, Cancel) == 1;
    }

    private static string EventId(string json) => JsonNode.Parse(json)!["id"]!.GetValue<string>();

    private async Task<bool> IsStoredAsync(string json) => await CountAsync(json) > 0;

    private async Task<int> CountAsync(string json)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var id = EventId(json);
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().StripeEvents.CountAsync(e => e.Id == id, Cancel);
    }

    private async Task<StripeEvent> StoredAsync(string json)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var id = EventId(json);
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().StripeEvents.AsNoTracking().SingleAsync(e => e.Id == id, Cancel);
    }

    /// <summary>A Connect event as Stripe sends it, pinned to the API version Stripe.net 53 parses.</summary>
    private static string Event(string type, string account, bool livemode, JsonObject dataObject) => new JsonObject
    {
        ["id"] = "evt_" + Guid.NewGuid().ToString("N"),
        ["object"] = "event",
        ["api_version"] = WebhookEndpointRegistration.ApiVersion,
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["livemode"] = livemode,
        ["type"] = type,
        ["account"] = account,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["data"] = new JsonObject { ["object"] = dataObject },
    }.ToJsonString();

    private static JsonObject Application() => new()
    {
        ["id"] = "ca_" + Guid.NewGuid().ToString("N"),
        ["object"] = "application",
        ["name"] = "Recur",
    };

    private static JsonObject RestrictedAccount(string accountId) => new()
    {
        ["id"] = accountId,
        ["object"] = "account",
        ["business_profile"] = new JsonObject { ["name"] = "Existing Books Ltd" },
        ["country"] = "GB",
        ["default_currency"] = "gbp",
        ["details_submitted"] = false,
        ["charges_enabled"] = false,
        ["payouts_enabled"] = false,
        ["capabilities"] = new JsonObject { ["card_payments"] = "inactive", ["transfers"] = "inactive" },
        ["requirements"] = new JsonObject
        {
            ["currently_due"] = new JsonArray("external_account"),
            ["eventually_due"] = new JsonArray("external_account"),
            ["past_due"] = new JsonArray(),
            ["pending_verification"] = new JsonArray(),
            ["disabled_reason"] = "requirements.past_due",
        },
    };
}
