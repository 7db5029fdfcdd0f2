using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Webhooks;

namespace Recur.Tests.Webhooks;

/// <summary>An event whose processing was cut off by a crash (its row still claimed) is applied at the next start,
/// not a lease later; events waiting for a real retry keep their time.</summary>
public sealed class StripeEventClaimTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_event_claimed_by_a_run_that_was_killed_is_applied_at_the_next_start_without_waiting_out_its_claim()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync();
        var accountId = card.TestId("account-id")!;
        var now = DateTimeOffset.UtcNow;
        var email = $"claimed-{Guid.NewGuid():N}@example.com";
        var claimed = SignedEvents.Event("customer.created", accountId, livemode: false, SignedEvents.Customer(email));
        var retrying = SignedEvents.Event("customer.created", accountId, livemode: false, SignedEvents.Customer($"later-{Guid.NewGuid():N}@example.com"));
        // As a killed run leaves them: one event claimed (due again only when the claim runs out), one waiting for
        // its next retry in ten minutes.
        await AddAsync(claimed, accountId, now.AddSeconds(55));
        await AddAsync(retrying, accountId, now.AddMinutes(10));

        var released = await factory.Service<StripeEventProcessor>().ReleaseClaimsOfEarlierRunsAsync(Cancel);

        Assert.True(released >= 1);
        var applied = await factory.WaitForEventAsync(SignedEvents.Id(claimed), e => e.Status == StripeEventStatus.Processed);
        Assert.NotNull(applied.ProcessedAt);
        Assert.Contains(email, (await browser.GetAsync("/admin/customers")).Text);
        var waiting = (await factory.StoredEventAsync(SignedEvents.Id(retrying)))!;
        Assert.Equal(StripeEventStatus.Pending, waiting.Status);
        Assert.True(waiting.NextAttemptAt > now.AddMinutes(9), "An event waiting for a retry keeps its time.");
    }

    private async Task AddAsync(string json, string accountId, DateTimeOffset nextAttemptAt)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var row = new StripeEvent(SignedEvents.Id(json), StripeEnvironment.Test, "customer.created", accountId, false,
            WebhookEndpointRegistration.ApiVersion, DateTimeOffset.UtcNow, json, DateTimeOffset.UtcNow);
        db.StripeEvents.Add(row);
        db.Entry(row).Property(e => e.NextAttemptAt).CurrentValue = nextAttemptAt;
        await db.SaveChangesAsync(Cancel);
    }
}
