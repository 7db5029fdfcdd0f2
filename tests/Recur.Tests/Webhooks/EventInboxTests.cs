using System.Net;
using Recur.Tests.Infrastructure;
using Recur.Web.Stripe;
using Recur.Web.Webhooks;

namespace Recur.Tests.Webhooks;

/// <summary>Events Recur cannot apply as they are: held for another API version, shown to the operator, replayed;
/// applied events lose their payload after the retention.</summary>
public sealed class EventInboxTests(OperatorRecurFactory factory) : IClassFixture<OperatorRecurFactory>
{
    private const string OtherVersion = "2026-08-26.dahlia";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_event_in_another_api_version_is_held_reported_on_health_and_to_the_operator_and_applied_when_replayed()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync();
        var accountId = card.TestId("account-id")!;
        var email = $"held-{Guid.NewGuid():N}@example.com";
        var json = SignedEvents.Event("customer.created", accountId, livemode: false, SignedEvents.Customer(email), OtherVersion);
        var id = SignedEvents.Id(json);

        using var response = await factory.PostAsync(json);
        await factory.Service<StripeEventProcessor>().RunOnceAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var held = (await factory.StoredEventAsync(id))!;
        Assert.Equal(StripeEventStatus.Held, held.Status);
        Assert.Equal(OtherVersion, held.ApiVersion);
        Assert.Null(held.ProcessedAt);
        Assert.Equal(json, held.Payload);
        Assert.DoesNotContain(email, (await browser.GetAsync("/admin/customers")).Text);

        using (var http = new HttpClient { BaseAddress = factory.ServerAddress })
        {
            using var health = await http.GetAsync("/health", Cancel);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            var report = await health.Content.ReadAsStringAsync(Cancel);
            Assert.StartsWith("Degraded", report);
            Assert.Contains("configuration problem", report);
            Assert.Contains(OtherVersion, report);
        }

        var operatorBrowser = await factory.OperatorBrowserAsync();
        var view = await operatorBrowser.GetAsync("/admin/operator");
        Assert.Contains(OtherVersion, view.TestId("version-mismatch"));
        Assert.Contains(id, view.TestId("held-events"));
        var replay = view.Forms.Single(f => f.Action.Contains("handler=Replay", StringComparison.OrdinalIgnoreCase) && f.Fields["eventId"] == id);

        var replayed = await operatorBrowser.SubmitAsync(view, replay);

        Assert.Contains("queued again", replayed.TestId("message"));
        var applied = await factory.WaitForEventAsync(id, e => e.Status == StripeEventStatus.Processed);
        Assert.NotNull(applied.ReplayedAt);
        Assert.Contains(email, (await browser.GetAsync("/admin/customers")).Text);
        var after = await operatorBrowser.GetAsync("/admin/operator");
        Assert.DoesNotContain(id, after.Text);
    }

    [Fact]
    public async Task Events_of_the_other_mode_are_counted_for_the_operator()
    {
        var json = SignedEvents.Event("account.updated", "acct_live_elsewhere", livemode: true, new() { ["id"] = "acct_live_elsewhere", ["object"] = "account" });

        using var response = await factory.PostAsync(json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(await factory.StoredEventAsync(SignedEvents.Id(json)));
        var view = await (await factory.OperatorBrowserAsync()).GetAsync("/admin/operator");
        Assert.Matches("Test route: [1-9][0-9]* event", view.TestId("wrong-mode-test"));
        Assert.Contains(SignedEvents.Id(json), view.Text);
    }

    [Fact]
    public async Task A_tenant_admin_who_is_not_an_operator_cannot_see_the_operator_view()
    {
        var (browser, _) = await factory.SignUpTenantAsync();

        using var response = await browser.GetRawAsync("/admin/operator");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location!.ToString().Replace(factory.ServerAddress.ToString().TrimEnd('/'), ""));
        var page = await browser.GetAsync("/admin/operator");
        Assert.DoesNotContain("Operator: Stripe webhooks", page.Text);
    }

    [Fact]
    public async Task An_applied_event_keeps_its_payload_until_the_retention_ends_then_only_its_ids_and_times()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync();
        var accountId = card.TestId("account-id")!;
        var email = $"pruned-{Guid.NewGuid():N}@example.com";
        var json = SignedEvents.Event("customer.created", accountId, livemode: false, SignedEvents.Customer(email));
        var id = SignedEvents.Id(json);
        using (var response = await factory.PostAsync(json))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var applied = await factory.WaitForEventAsync(id, e => e.Status == StripeEventStatus.Processed);
        var processor = factory.Service<StripeEventProcessor>();
        var retention = factory.Service<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value.PayloadRetention;

        await processor.PruneAsync(applied.ProcessedAt!.Value + retention - TimeSpan.FromMinutes(1), Cancel);
        Assert.Equal(json, (await factory.StoredEventAsync(id))!.Payload);

        await processor.PruneAsync(applied.ProcessedAt!.Value + retention + TimeSpan.FromMinutes(1), Cancel);

        var pruned = (await factory.StoredEventAsync(id))!;
        Assert.Equal("", pruned.Payload);
        Assert.NotNull(pruned.PayloadPrunedAt);
        Assert.Equal(("customer.created", accountId, StripeEnvironment.Test), (pruned.Type, pruned.Account, pruned.Environment));
        Assert.Equal(applied.ProcessedAt, pruned.ProcessedAt);
        Assert.Contains(email, (await browser.GetAsync("/admin/customers")).Text);
    }
}
