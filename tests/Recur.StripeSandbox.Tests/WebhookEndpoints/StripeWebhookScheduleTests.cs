using Recur.StripeSandbox.Tests.OAuth;
using Stripe;

namespace Recur.StripeSandbox.Tests.WebhookEndpoints;

/// <summary>
/// Stripe's delivery rules (https://docs.stripe.com/webhooks#automatic-retries, https://docs.stripe.com/api/events/list,
/// https://support.stripe.com/questions/connect-account-webhook-configurations, https://docs.stripe.com/webhooks/versioning).
/// </summary>
public sealed class StripeWebhookScheduleTests(StripeScheduleSandbox sandbox) : IClassFixture<StripeScheduleSandbox>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_live_event_that_keeps_failing_is_retried_with_growing_gaps_for_up_to_three_days()
    {
        var platform = sandbox.NewPlatform();
        await using var receiver = await WebhookReceiver.StartAsync(Enumerable.Repeat(500, 100).ToArray());
        var endpoint = await platform.Live.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = receiver.Url, Connect = true, EnabledEvents = ["account.application.authorized"],
        }, cancellationToken: Ct);
        await OAuthFlow.ConnectAsync(platform.Live);
        var start = sandbox.Time.GetUtcNow();

        await sandbox.DeliverAsync();
        var gaps = new List<TimeSpan>();
        var last = start;
        while (sandbox.NextAttempt(endpoint.Id) is { } next)
        {
            sandbox.Time.Advance(next - sandbox.Time.GetUtcNow());
            await sandbox.DeliverAsync();
            gaps.Add(next - last);
            last = next;
        }

        Assert.Equal(gaps.Count + 1, receiver.Received.Count);
        Assert.InRange(last - start, TimeSpan.FromDays(2), TimeSpan.FromDays(3));
        Assert.All(gaps.Zip(gaps.Skip(1)), pair => Assert.True(pair.Second >= pair.First));
        Assert.True(gaps[^1] > gaps[0] * 100);
        sandbox.Time.Advance(TimeSpan.FromDays(2));
        await sandbox.DeliverAsync();
        Assert.Equal(gaps.Count + 1, receiver.Received.Count);
    }

    [Fact]
    public async Task A_test_event_that_keeps_failing_is_retried_three_times_over_a_few_hours_and_a_2xx_is_never_resent()
    {
        var platform = sandbox.NewPlatform();
        await using var failing = await WebhookReceiver.StartAsync(500, 500, 500, 500, 500);
        await using var healthy = await WebhookReceiver.StartAsync();
        var failingEndpoint = await platform.Test.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = failing.Url, Connect = true, EnabledEvents = ["account.application.authorized"],
        }, cancellationToken: Ct);
        await platform.Test.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = healthy.Url, Connect = true, EnabledEvents = ["account.application.authorized"],
        }, cancellationToken: Ct);
        await OAuthFlow.ConnectAsync(platform.Test);
        var start = sandbox.Time.GetUtcNow();

        await sandbox.DeliverAsync();
        var last = start;
        while (sandbox.NextAttempt(failingEndpoint.Id) is { } next)
        {
            sandbox.Time.Advance(next - sandbox.Time.GetUtcNow());
            await sandbox.DeliverAsync();
            last = next;
        }

        Assert.Equal(4, failing.Received.Count);
        Assert.InRange(last - start, TimeSpan.FromHours(1), TimeSpan.FromHours(6));
        Assert.Single(healthy.Received);
        Assert.Equal(failing.Received[0].Id, healthy.Received[0].Id);
    }

    [Fact]
    public async Task A_test_event_of_an_account_connected_in_live_mode_reaches_the_live_and_the_test_connect_endpoints()
    {
        var platform = sandbox.NewPlatform();
        await using var live = await WebhookReceiver.StartAsync();
        await using var test = await WebhookReceiver.StartAsync();
        await platform.Live.V1.WebhookEndpoints.CreateAsync(new() { Url = live.Url, Connect = true, EnabledEvents = ["customer.created"] }, cancellationToken: Ct);
        await platform.Test.V1.WebhookEndpoints.CreateAsync(new() { Url = test.Url, Connect = true, EnabledEvents = ["customer.created"] }, cancellationToken: Ct);
        var liveAccount = (await OAuthFlow.ConnectAsync(platform.Live)).StripeUserId;
        var asAccount = new RequestOptions { StripeAccount = liveAccount };

        // The platform's test key acts on the account connected in live mode: test data on the same acct_ id.
        var testCustomer = await platform.Test.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "test-data@example.com" }, asAccount, Ct);
        var liveCustomer = await platform.Live.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "live-data@example.com" }, asAccount, Ct);
        await sandbox.DeliverAsync();

        Assert.False(testCustomer.Livemode);
        Assert.True(liveCustomer.Livemode);
        Assert.Equal(
            [(testCustomer.Id, false), (liveCustomer.Id, true)],
            live.Received.Select(w => (w.Json["data"]!["object"]!["id"]!.ToString(), w.Json["livemode"]!.GetValue<bool>())).OrderBy(w => w.Item2));
        var onTest = Assert.Single(test.Received);
        Assert.Equal(testCustomer.Id, onTest.Json["data"]!["object"]!["id"]!.ToString());
        Assert.Equal(liveAccount, onTest.Account);
        // Test and live data stay apart: each key lists its own mode's customers.
        Assert.Equal([testCustomer.Id], (await platform.Test.V1.Customers.ListAsync(new(), asAccount, Ct)).Data.Select(c => c.Id));
        Assert.Equal([liveCustomer.Id], (await platform.Live.V1.Customers.ListAsync(new(), asAccount, Ct)).Data.Select(c => c.Id));
    }

    [Fact]
    public async Task Events_are_rendered_in_the_endpoints_api_version_or_else_in_the_platforms_default_one()
    {
        var platform = sandbox.NewPlatform();
        await using var pinned = await WebhookReceiver.StartAsync();
        await using var unpinned = await WebhookReceiver.StartAsync();
        await platform.Test.V1.WebhookEndpoints.CreateAsync(new()
        {
            Url = pinned.Url, Connect = true, EnabledEvents = ["*"], ApiVersion = StripeConfiguration.ApiVersion,
        }, cancellationToken: Ct);
        var created = await platform.Test.V1.WebhookEndpoints.CreateAsync(new() { Url = unpinned.Url, Connect = true, EnabledEvents = ["*"] }, cancellationToken: Ct);
        var account = (await OAuthFlow.ConnectAsync(platform.Test)).StripeUserId;

        await sandbox.DeliverAsync();

        var defaultVersion = new SandboxOptions().DefaultApiVersion;
        Assert.NotEqual(StripeConfiguration.ApiVersion, defaultVersion);
        Assert.Null(created.ApiVersion);
        Assert.Equal(StripeConfiguration.ApiVersion, Assert.Single(pinned.Received).Json["api_version"]!.ToString());
        Assert.Equal(defaultVersion, Assert.Single(unpinned.Received).Json["api_version"]!.ToString());
        Assert.Equal(pinned.Received[0].Id, unpinned.Received[0].Id);
        // Stripe.net refuses the unpinned endpoint's event, as it would from Stripe.
        Assert.Throws<StripeException>(() => EventUtility.ParseEvent(unpinned.Received[0].Body));
        // The API lists the event in the version it was created in.
        var listed = await platform.Test.V1.Events.ListAsync(new(), new RequestOptions { StripeAccount = account }, Ct);
        Assert.Equal(defaultVersion, Assert.Single(listed.Data).ApiVersion);
    }

    [Fact]
    public async Task An_accounts_events_are_listed_newest_first_from_a_time_with_pages_and_only_for_thirty_days()
    {
        var platform = sandbox.NewPlatform();
        var account = (await OAuthFlow.ConnectAsync(platform.Test)).StripeUserId;
        var asAccount = new RequestOptions { StripeAccount = account };
        var customers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            sandbox.Time.Advance(TimeSpan.FromMinutes(1));
            customers.Add((await platform.Test.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = $"c{i}@example.com" }, asAccount, Ct)).Id);
        }
        var secondCreated = sandbox.Time.GetUtcNow().AddMinutes(-1);

        var firstPage = await platform.Test.V1.Events.ListAsync(new EventListOptions
        {
            Type = "customer.created", Limit = 2, Created = new DateRangeOptions { GreaterThanOrEqual = secondCreated.UtcDateTime.AddSeconds(-1) },
        }, asAccount, Ct);
        var rest = await platform.Test.V1.Events.ListAsync(new EventListOptions { Type = "customer.created", Limit = 2, StartingAfter = firstPage.Data[^1].Id }, asAccount, Ct);
        var sinceSecond = firstPage.Data.Select(e => ((Customer)e.Data.Object).Id).ToList();

        Assert.Equal([customers[2], customers[1]], sinceSecond);
        Assert.False(firstPage.HasMore);
        Assert.Equal([customers[0]], rest.Data.Select(e => ((Customer)e.Data.Object).Id));
        Assert.DoesNotContain((await platform.Test.V1.Events.ListAsync(new(), new RequestOptions(), Ct)).Data, e => e.Account == account);

        sandbox.Time.Advance(TimeSpan.FromDays(31));
        Assert.Empty((await platform.Test.V1.Events.ListAsync(new(), asAccount, Ct)).Data);
        var gone = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Events.GetAsync(firstPage.Data[0].Id, requestOptions: asAccount, cancellationToken: Ct));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.HttpStatusCode);
    }
}
