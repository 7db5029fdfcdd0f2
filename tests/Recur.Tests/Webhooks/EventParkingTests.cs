using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Webhooks;

namespace Recur.Tests.Webhooks;

/// <summary>A Recur that parks an event at its first failure (<c>Webhooks:RetryFor</c> shorter than the first retry delay).</summary>
public sealed class ParkingRecurFactory : OperatorRecurFactory
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings =>
        new Dictionary<string, string?>(base.ExtraSettings) { ["Webhooks:RetryFor"] = "00:00:01" };
}

public sealed class EventParkingTests(ParkingRecurFactory factory) : IClassFixture<ParkingRecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_event_that_keeps_failing_is_parked_with_its_reason_shown_to_the_operator_and_applied_when_replayed()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync();
        var accountId = card.TestId("account-id")!;
        var email = $"parked-{Guid.NewGuid():N}@example.com";
        var json = SignedEvents.Event("customer.created", accountId, livemode: false, SignedEvents.Customer(email));
        var id = SignedEvents.Id(json);
        // The database refuses this customer, as a full disk or a broken migration would.
        await SqlAsync($"CREATE TRIGGER refuse_parked_customer BEFORE INSERT ON Customers WHEN NEW.Email = '{email}' BEGIN SELECT RAISE(ABORT, 'customer refused'); END;");

        using (var response = await factory.PostAsync(json))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var parked = await factory.WaitForEventAsync(id, e => e.Status == StripeEventStatus.Parked);

        Assert.Contains("DbUpdateException", parked.LastError);
        Assert.NotNull(parked.ParkedAt);
        Assert.Null(parked.NextAttemptAt);
        Assert.Equal(json, parked.Payload);
        using (var http = new HttpClient { BaseAddress = factory.ServerAddress })
        {
            var report = await http.GetStringAsync("/health", Cancel);
            Assert.StartsWith("Degraded", report);
            Assert.Contains("parked", report);
        }
        var operatorBrowser = await factory.OperatorBrowserAsync();
        var view = await operatorBrowser.GetAsync("/admin/operator");
        Assert.Contains(id, view.TestId("parked-events"));
        Assert.Contains("DbUpdateException", view.TestId("parked-events"));
        Assert.DoesNotContain(email, (await browser.GetAsync("/admin/customers")).Text);

        await SqlAsync("DROP TRIGGER refuse_parked_customer;");
        var replay = view.Forms.Single(f => f.Action.Contains("handler=Replay", StringComparison.OrdinalIgnoreCase) && f.Fields["eventId"] == id);
        await operatorBrowser.SubmitAsync(view, replay);

        var applied = await factory.WaitForEventAsync(id, e => e.Status == StripeEventStatus.Processed);
        Assert.Null(applied.LastError);
        Assert.Contains(email, (await browser.GetAsync("/admin/customers")).Text);
        Assert.NotNull((await operatorBrowser.GetAsync("/admin/operator")).TestId("no-parked"));
    }

    private async Task SqlAsync(string sql)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.ExecuteSqlRawAsync(sql, Cancel);
    }
}
