using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Recur.Tests.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Web.Data;
using Recur.Web.Webhooks;
using Stripe;

namespace Recur.Tests.Reconciliation;

/// <summary>Recur with the embedded sandbox's fault admin open, the catch-up of missed events far away (so only
/// reconciliation can heal what a test drops) and the background reconciliation as the subclass says.</summary>
public class ReconciliationRecurFactory : RecurFactory
{
    public const string AdminToken = "reconciliation-fault-admin";

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Sandbox:FaultAdminToken"] = AdminToken,
        ["Webhooks:CatchUpInterval"] = "1.00:00:00",
        // An event that lost a race with a reconciliation's read is retried at once, not 30 s later.
        ["Webhooks:FirstRetryDelay"] = "00:00:01",
        ["Webhooks:MaxRetryDelay"] = "00:00:02",
        ["Reconciliation:Enabled"] = BackgroundInterval is null ? "false" : "true",
        ["Reconciliation:Interval"] = (BackgroundInterval ?? TimeSpan.FromMinutes(5)).ToString(),
    };

    /// <summary>How often the background reconciles; null: it does not.</summary>
    protected virtual TimeSpan? BackgroundInterval => null;
}

/// <summary>As <see cref="ReconciliationRecurFactory"/>, reconciling every tenant in the background every second.</summary>
public sealed class BackgroundReconciliationRecurFactory : ReconciliationRecurFactory
{
    protected override TimeSpan? BackgroundInterval => TimeSpan.FromSeconds(1);
}

public static class ReconciliationFlows
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The <c>sub_…</c> shown on a subscription's page.</summary>
    public static string StripeSubscriptionId(this Page detail) => detail.TestId("stripe-id")!.Split(' ')[0];

    /// <summary>Cancels the subscriptions at Stripe, as the merchant would in the Dashboard, while the sandbox loses
    /// every webhook delivery; returns once each cancellation's events were dropped (Stripe has nothing left to send)
    /// and the faults are off again.</summary>
    public static async Task CancelOnStripeWithWebhooksLostAsync(this RecurFactory factory, params (string AccountId, string SubscriptionId)[] subscriptions)
    {
        var stripe = await factory.PlatformStripeAsync();
        foreach (var accountId in subscriptions.Select(s => s.AccountId).Distinct())
        {
            // The checkout's own events first: one of them applied after the cancellation would read it from Stripe.
            await factory.WaitUntilEveryEventIsAppliedAsync(stripe, accountId);
        }
        await factory.SetFaultPlanAsync(new FaultPlan { Webhooks = [new WebhookFault(WebhookFaultKind.Drop, FaultRate.EveryNth(1))] });
        try
        {
            foreach (var (accountId, subscriptionId) in subscriptions)
            {
                var onAccount = new RequestOptions { StripeAccount = accountId };
                var canceled = await stripe.V1.Subscriptions.CancelAsync(subscriptionId, null, onAccount, Cancel);
                Assert.Equal("canceled", canceled.Status);
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (true)
                {
                    var events = await stripe.V1.Events.ListAsync(new EventListOptions
                    {
                        Created = new DateRangeOptions { GreaterThanOrEqual = canceled.CanceledAt!.Value.AddSeconds(-1) },
                        Limit = 100,
                    }, onAccount, Cancel);
                    var deleted = events.Data.Any(e => e.Type == "customer.subscription.deleted" && e.Data.Object is Subscription s && s.Id == subscriptionId);
                    if (deleted && events.Data.All(e => e.PendingWebhooks == 0))
                    {
                        break;
                    }
                    Assert.True(DateTime.UtcNow < deadline, "The sandbox never tried to deliver the cancellation's events.");
                    await Task.Delay(100, Cancel);
                }
            }
        }
        finally
        {
            await factory.SetFaultPlanAsync(FaultPlan.None);
        }
    }

    /// <summary>Waits until Stripe has delivered every event of the account and Recur has applied each of them.</summary>
    public static async Task WaitUntilEveryEventIsAppliedAsync(this RecurFactory factory, StripeClient stripe, string accountId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var events = await stripe.V1.Events.ListAsync(new EventListOptions { Limit = 100 }, new RequestOptions { StripeAccount = accountId }, Cancel);
            var ids = events.Data.Select(e => e.Id).ToList();
            await using var scope = factory.Services.CreateAsyncScope();
            var done = await scope.ServiceProvider.GetRequiredService<AppDbContext>().StripeEvents
                .CountAsync(e => ids.Contains(e.Id) && e.Status == StripeEventStatus.Processed, Cancel);
            if (events.Data.All(e => e.PendingWebhooks == 0) && done == ids.Count)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                var stored = await scope.ServiceProvider.GetRequiredService<AppDbContext>().StripeEvents.Where(e => ids.Contains(e.Id))
                    .ToDictionaryAsync(e => e.Id, e => $"{e.Status} after {e.Attempts} attempts: {e.LastError}", Cancel);
                Assert.Fail($"Events of {accountId} still on their way: " + string.Join("; ", events.Data
                    .Where(e => e.PendingWebhooks > 0 || !stored.TryGetValue(e.Id, out var state) || !state.StartsWith(nameof(StripeEventStatus.Processed), StringComparison.Ordinal))
                    .Select(e => $"{e.Id} {e.Type} pending {e.PendingWebhooks}, {stored.GetValueOrDefault(e.Id, "not stored")}")));
            }
            // Stored but not yet taken by the processor (busy on a loaded machine): apply them now.
            await factory.Service<StripeEventProcessor>().RunOnceAsync(Cancel);
            await Task.Delay(100, Cancel);
        }
    }

    /// <summary>Presses "Reconcile now"; returns the report page it lands on.</summary>
    public static async Task<Page> ReconcileAsync(this RecurBrowser admin)
    {
        var page = await admin.GetAsync("/admin/reconciliation");
        var report = await admin.SubmitAsync(page, page.Form("handler=Reconcile"));
        Assert.Equal("/admin/reconciliation", report.Url.AbsolutePath);
        return report;
    }

    public static async Task SetFaultPlanAsync(this RecurFactory factory, FaultPlan plan)
    {
        using var http = new HttpClient();
        using var request = FaultAdmin(factory, HttpMethod.Post);
        request.Content = new StringContent(JsonSerializer.Serialize(plan, FaultAdminApi.Json), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static async Task<FaultCounts> FaultCountsAsync(this RecurFactory factory)
    {
        using var http = new HttpClient();
        using var request = FaultAdmin(factory, HttpMethod.Get);
        using var response = await http.SendAsync(request, Cancel);
        var state = await response.Content.ReadFromJsonAsync<JsonObject>(Cancel);
        return state!["counts"].Deserialize<FaultCounts>(FaultAdminApi.Json)!;
    }

    private static HttpRequestMessage FaultAdmin(RecurFactory factory, HttpMethod method)
    {
        var request = new HttpRequestMessage(method, new Uri(factory.SandboxAddress, FaultAdminApi.Path));
        request.Headers.Add(FaultAdminApi.TokenHeader, ReconciliationRecurFactory.AdminToken);
        return request;
    }

    /// <summary>A tenant selling one offer, and one card subscription bought from it, shown Active.</summary>
    public static async Task<(SellingTenant Tenant, Page Detail)> TenantWithActiveSubscriptionAsync(this RecurFactory factory, string businessName)
    {
        var tenant = await factory.SellingTenantAsync(businessName: businessName);
        var (_, _, email) = await factory.BuyWithCardAsync(tenant);
        var detail = await tenant.Admin.SubscriptionPageAsync(email);
        Assert.Equal("active", detail.TestId("stripe-status"));
        return (tenant, detail);
    }
}
