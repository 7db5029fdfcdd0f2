using Microsoft.Data.Sqlite;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.Subscriptions;

/// <summary>Subscriptions, their invoices and their scheduled renewals survive a restart of a sandbox with a database file.</summary>
public sealed class BillingPersistenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_subscription_made_before_a_restart_renews_after_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sandbox-{Guid.NewGuid():N}.db");
        var platform = Guid.NewGuid().ToString("N");
        try
        {
            string subscriptionId;
            string clockId;
            RequestOptions on;
            await using (var first = await StartAsync(path))
            {
                var shop = await BillingShop.OpenAsync(new SandboxPlatform(platform, first.Urls.First()));
                var (_, _, clock, created, _) = await shop.ActiveSubscriptionAsync();
                subscriptionId = created.Id;
                clockId = clock.Id;
                on = shop.On();
            }

            await using var second = await StartAsync(path);
            var client = SandboxPlatform.Client($"sk_test_{platform}", platform, second.Urls.First());
            await client.V1.TestHelpers.TestClocks.AdvanceAsync(clockId, new Stripe.TestHelpers.TestClockAdvanceOptions
            {
                FrozenTime = BillingShop.Start.AddMonths(1).AddDays(1).UtcDateTime,
            }, new RequestOptions { StripeAccount = on.StripeAccount }, Ct);
            var renewed = await client.V1.Subscriptions.GetAsync(subscriptionId, new SubscriptionGetOptions { Expand = ["latest_invoice"] },
                new RequestOptions { StripeAccount = on.StripeAccount }, Ct);

            Assert.Equal("active", renewed.Status);
            Assert.Equal("subscription_cycle", renewed.LatestInvoice.BillingReason);
            Assert.Equal("paid", renewed.LatestInvoice.Status);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                System.IO.File.Delete(file);
            }
        }
    }

    private static async Task<WebApplication> StartAsync(string path)
    {
        var app = SandboxServer.Create(new SandboxOptions { Url = "http://127.0.0.1:0", DatabasePath = path });
        await app.StartAsync(Ct);
        return app;
    }
}
