using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Recur.Tests.Subscriptions;
using Recur.Web.Data;
using Recur.Web.Reconciliation;

namespace Recur.Tests.Reconciliation;

/// <summary>Subscriptions changed on Stripe while every webhook about them was lost (and the catch-up is far away):
/// "Reconcile now" finds the drift, repairs it, says what changed, and touches only the tenant's own data.</summary>
public sealed class ReconciliationTests(ReconciliationRecurFactory factory) : IClassFixture<ReconciliationRecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_subscription_cancelled_on_stripe_without_a_webhook_is_repaired_and_reported_by_reconcile()
    {
        var (tenant, detail) = await factory.TenantWithActiveSubscriptionAsync("Drifting Books");
        var subscriptionId = detail.StripeSubscriptionId();

        await factory.CancelOnStripeWithWebhooksLostAsync((tenant.AccountId, subscriptionId));
        Assert.Equal("active", (await tenant.Admin.GetAsync(detail.Url.PathAndQuery)).TestId("stripe-status"));

        var report = await tenant.Admin.ReconcileAsync();

        Assert.Equal("1", report.TestId("changed"));
        Assert.Equal("0", report.TestId("missing"));
        Assert.Equal("0", report.TestId("unknown"));
        Assert.Contains(subscriptionId, report.TestId("findings"));
        Assert.StartsWith("Active → Canceled", report.TestId("finding-detail"));
        Assert.Contains("@example.com", report.TestId("started-by"));
        Assert.Equal("everything on Stripe (first run)", report.TestId("since"));
        var repaired = await tenant.Admin.GetAsync(detail.Url.PathAndQuery);
        Assert.Equal("canceled", repaired.TestId("stripe-status"));
        Assert.Equal("Ended", repaired.TestId("status"));
    }

    [Fact]
    public async Task A_second_reconcile_finds_nothing_changed()
    {
        var (tenant, detail) = await factory.TenantWithActiveSubscriptionAsync("Steady Books");
        await factory.CancelOnStripeWithWebhooksLostAsync((tenant.AccountId, detail.StripeSubscriptionId()));
        var first = await tenant.Admin.ReconcileAsync();
        Assert.Equal("1", first.TestId("changed"));

        var second = await tenant.Admin.ReconcileAsync();

        Assert.NotEqual(Run(first), Run(second));
        Assert.Equal("0", second.TestId("changed"));
        Assert.Equal("Nothing changed: Recur agrees with Stripe.", second.TestId("nothing-changed"));
        Assert.StartsWith("subscriptions and invoices created since", second.TestId("since"));
        Assert.Equal(2, (await RunsOfAsync(tenant.Admin)).Count);
    }

    [Fact]
    public async Task Reconciling_one_tenant_never_touches_another_tenants_subscriptions_or_runs()
    {
        var (mine, myDetail) = await factory.TenantWithActiveSubscriptionAsync("Mine Ltd");
        var (theirs, theirDetail) = await factory.TenantWithActiveSubscriptionAsync("Theirs Ltd");
        await factory.CancelOnStripeWithWebhooksLostAsync(
            (mine.AccountId, myDetail.StripeSubscriptionId()), (theirs.AccountId, theirDetail.StripeSubscriptionId()));
        var theirsSyncedBefore = await SyncedAtAsync(theirDetail.StripeSubscriptionId());

        var report = await mine.Admin.ReconcileAsync();

        Assert.Equal("1", report.TestId("changed"));
        Assert.DoesNotContain(theirDetail.StripeSubscriptionId(), report.Html);
        Assert.DoesNotContain(theirs.AccountId, report.Html);
        Assert.Equal("canceled", (await mine.Admin.GetAsync(myDetail.Url.PathAndQuery)).TestId("stripe-status"));
        Assert.Equal("active", (await theirs.Admin.GetAsync(theirDetail.Url.PathAndQuery)).TestId("stripe-status"));
        Assert.Equal(theirsSyncedBefore, await SyncedAtAsync(theirDetail.StripeSubscriptionId()));
        Assert.Equal("No reconciliation yet.", (await theirs.Admin.GetAsync("/admin/reconciliation")).TestId("no-runs"));
        var mineRun = Run(report);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await theirs.Admin.GetAsync("/admin/reconciliation?run=" + mineRun)).Status);

        var theirReport = await theirs.Admin.ReconcileAsync();
        Assert.Equal("1", theirReport.TestId("changed"));
        Assert.DoesNotContain(myDetail.StripeSubscriptionId(), theirReport.Html);
        Assert.Single(await RunsOfAsync(mine.Admin));
    }

    private static string Run(Page report) =>
        System.Text.RegularExpressions.Regex.Match(report.Html, @"data-testid=""report"" data-run=""(?<id>[0-9a-f-]{36})""").Groups["id"].Value;

    private static async Task<IReadOnlyList<string>> RunsOfAsync(RecurBrowser admin)
    {
        var page = await admin.GetAsync("/admin/reconciliation");
        return System.Text.RegularExpressions.Regex.Matches(page.Html, @"href=""/admin/reconciliation\?run=(?<id>[0-9a-f-]{36})""")
            .Select(m => m.Groups["id"].Value).ToList();
    }

    private async Task<DateTimeOffset?> SyncedAtAsync(string stripeSubscriptionId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Subscriptions.IgnoreQueryFilters()
            .Where(s => s.StripeSubscriptionId == stripeSubscriptionId).Select(s => s.SyncedAt).SingleAsync(Cancel);
    }
}

/// <summary>With the background reconciliation on, a lost cancellation heals by itself.</summary>
public sealed class BackgroundReconciliationTests(BackgroundReconciliationRecurFactory factory) : IClassFixture<BackgroundReconciliationRecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_subscription_cancelled_on_stripe_without_a_webhook_shows_cancelled_without_anyone_pressing_reconcile()
    {
        var (tenant, detail) = await factory.TenantWithActiveSubscriptionAsync("Self Healing Ltd");
        var subscriptionId = detail.StripeSubscriptionId();

        await factory.CancelOnStripeWithWebhooksLostAsync((tenant.AccountId, subscriptionId));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        ReconciliationFinding? repair;
        while ((repair = await BackgroundRepairAsync(subscriptionId)) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "No background run repaired the subscription within a minute: " + await FindingsAsync());
            await Task.Delay(200, Cancel);
        }
        Assert.Equal("canceled", (await tenant.Admin.GetAsync(detail.Url.PathAndQuery)).TestId("stripe-status"));
        Assert.Contains("Background", (await tenant.Admin.GetAsync("/admin/reconciliation")).TestId("runs"));
    }

    private async Task<string> FindingsAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var runs = await scope.ServiceProvider.GetRequiredService<AppDbContext>().ReconciliationRuns.IgnoreQueryFilters().ToListAsync(Cancel);
        return $"{runs.Count} runs; " + string.Join(" | ", runs.SelectMany(r => r.Findings).Select(f => $"{f.Kind} {f.StripeId} {f.Detail}"));
    }

    private async Task<ReconciliationFinding?> BackgroundRepairAsync(string stripeSubscriptionId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var runs = await scope.ServiceProvider.GetRequiredService<AppDbContext>().ReconciliationRuns.IgnoreQueryFilters()
            .Where(r => r.StartedBy == ReconciliationRun.Background && r.Changed > 0).ToListAsync(Cancel);
        return runs.SelectMany(r => r.Findings).FirstOrDefault(f => f.StripeId == stripeSubscriptionId && f.Kind == FindingKind.Changed
            && f.Detail.StartsWith("Active → Canceled", StringComparison.Ordinal));
    }
}
