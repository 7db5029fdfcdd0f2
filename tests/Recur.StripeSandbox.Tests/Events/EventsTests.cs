using System.Net;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.OAuth;
using Stripe;

namespace Recur.StripeSandbox.Tests.Events;

public sealed class EventsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_connected_accounts_events_are_listed_with_its_Stripe_Account_and_not_among_the_platforms_own()
    {
        var platform = sandbox.NewPlatform();
        var token = await OAuthFlow.ConnectAsync(platform.Test);
        var asAccount = new RequestOptions { StripeAccount = token.StripeUserId };

        var listed = await platform.Test.V1.Events.ListAsync(new EventListOptions(), asAccount, Ct);
        var retrieved = await platform.Test.V1.Events.GetAsync(listed.Data[0].Id, requestOptions: asAccount, cancellationToken: Ct);
        var own = await platform.Test.V1.Events.ListAsync(new EventListOptions(), cancellationToken: Ct);
        var withoutAccount = await Assert.ThrowsAsync<StripeException>(() =>
            platform.Test.V1.Events.GetAsync(retrieved.Id, cancellationToken: Ct));

        var stripeEvent = Assert.Single(listed.Data);
        Assert.Equal("account.application.authorized", retrieved.Type);
        Assert.Equal(token.StripeUserId, retrieved.Account);
        Assert.Equal(stripeEvent.Id, retrieved.Id);
        Assert.Empty(own.Data);
        Assert.Equal(HttpStatusCode.NotFound, withoutAccount.HttpStatusCode);
        Assert.Equal("resource_missing", withoutAccount.StripeError.Code);
    }

    [Fact]
    public async Task Another_platform_connected_to_the_same_account_does_not_see_the_first_platforms_events()
    {
        var first = sandbox.NewPlatform();
        var second = sandbox.NewPlatform();
        var email = $"{Guid.NewGuid():N}@example.com";
        var token = await OAuthFlow.ConnectAsync(first.Test, email);
        await OAuthFlow.ConnectAsync(second.Test, email);
        var asAccount = new RequestOptions { StripeAccount = token.StripeUserId };

        var firstEvents = await first.Test.V1.Events.ListAsync(new EventListOptions(), asAccount, Ct);
        var secondEvents = await second.Test.V1.Events.ListAsync(new EventListOptions(), asAccount, Ct);

        Assert.Single(firstEvents.Data);
        Assert.NotEqual(Assert.Single(firstEvents.Data).Id, Assert.Single(secondEvents.Data).Id);
    }

    [Fact]
    public async Task Events_are_filtered_by_type_types_and_created_and_paginated_newest_first()
    {
        var platform = sandbox.NewPlatform();
        var events = sandbox.Services.GetRequiredService<SandboxEvents>();
        var published = new List<string>();
        foreach (var type in new[] { "account.updated", "capability.updated", "account.updated", "payout.failed" })
        {
            published.Add(events.Publish(type, new JsonObject { ["id"] = "x", ["object"] = "thing" }, false, null, [platform.Name]).Id);
        }

        var service = platform.Test.V1.Events;
        var byType = await service.ListAsync(new EventListOptions { Type = "account.updated" }, cancellationToken: Ct);
        var byWildcard = await service.ListAsync(new EventListOptions { Type = "*.updated" }, cancellationToken: Ct);
        var byTypes = await service.ListAsync(new EventListOptions { Types = ["payout.failed", "capability.updated"] }, cancellationToken: Ct);
        var future = await service.ListAsync(new EventListOptions
        {
            Created = new DateRangeOptions { GreaterThan = DateTime.UtcNow.AddHours(1) },
        }, cancellationToken: Ct);
        var past = await service.ListAsync(new EventListOptions
        {
            Created = new DateRangeOptions { LessThanOrEqual = DateTime.UtcNow.AddHours(1) },
        }, cancellationToken: Ct);
        var page1 = await service.ListAsync(new EventListOptions { Limit = 3 }, cancellationToken: Ct);
        var page2 = await service.ListAsync(new EventListOptions { Limit = 3, StartingAfter = page1.Data[^1].Id }, cancellationToken: Ct);
        var both = await Assert.ThrowsAsync<StripeException>(() => service.ListAsync(
            new EventListOptions { Type = "account.updated", Types = ["payout.failed"] }, cancellationToken: Ct));

        Assert.Equal([published[2], published[0]], byType.Data.Select(e => e.Id));
        Assert.Equal([published[2], published[1], published[0]], byWildcard.Data.Select(e => e.Id));
        Assert.Equal([published[3], published[1]], byTypes.Data.Select(e => e.Id));
        Assert.Empty(future.Data);
        Assert.Equal(4, past.Data.Count);
        Assert.Equal([published[3], published[2], published[1]], page1.Data.Select(e => e.Id));
        Assert.True(page1.HasMore);
        Assert.Equal([published[0]], page2.Data.Select(e => e.Id));
        Assert.False(page2.HasMore);
        Assert.Equal(HttpStatusCode.BadRequest, both.HttpStatusCode);
    }

    [Fact]
    public async Task Test_and_live_events_are_kept_apart()
    {
        var platform = sandbox.NewPlatform();
        var events = sandbox.Services.GetRequiredService<SandboxEvents>();
        var live = events.Publish("account.updated", new JsonObject { ["id"] = "x" }, true, null, [platform.Name]);

        var fromTest = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Events.GetAsync(live.Id, cancellationToken: Ct));
        var fromLive = await platform.Live.V1.Events.GetAsync(live.Id, cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.NotFound, fromTest.HttpStatusCode);
        Assert.True(fromLive.Livemode);
    }
}
