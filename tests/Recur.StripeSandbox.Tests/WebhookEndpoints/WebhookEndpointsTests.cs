using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.OAuth;
using Stripe;

namespace Recur.StripeSandbox.Tests.WebhookEndpoints;

public sealed class WebhookEndpointsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Creating_an_endpoint_returns_its_signing_secret_once()
    {
        var endpoints = sandbox.NewPlatform().Test.V1.WebhookEndpoints;

        var created = await endpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = "https://recur.example/webhooks/stripe/test",
            EnabledEvents = ["account.updated", "account.application.deauthorized"],
            Connect = true,
            ApiVersion = "2026-10-28.endive",
            Description = "Recur",
            Metadata = new Dictionary<string, string> { ["tenant"] = "t1" },
        }, cancellationToken: Ct);
        var retrieved = await endpoints.GetAsync(created.Id, cancellationToken: Ct);
        var listed = await endpoints.ListAsync(cancellationToken: Ct);

        Assert.StartsWith("we_", created.Id);
        Assert.StartsWith("whsec_", created.Secret);
        Assert.Equal("enabled", created.Status);
        Assert.Equal(["account.updated", "account.application.deauthorized"], created.EnabledEvents);
        Assert.Equal("2026-10-28.endive", created.ApiVersion);
        Assert.False(created.Livemode);
        Assert.Null(created.Application);
        Assert.Equal("t1", created.Metadata["tenant"]);
        Assert.Null(retrieved.Secret);
        Assert.Equal(created.Url, retrieved.Url);
        Assert.Null(Assert.Single(listed.Data).Secret);
    }

    [Fact]
    public async Task An_endpoint_can_be_updated_disabled_and_deleted()
    {
        var endpoints = sandbox.NewPlatform().Test.V1.WebhookEndpoints;
        var created = await endpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = "https://recur.example/a", EnabledEvents = ["*"],
        }, cancellationToken: Ct);

        var updated = await endpoints.UpdateAsync(created.Id, new WebhookEndpointUpdateOptions
        {
            Url = "https://recur.example/b", Disabled = true, EnabledEvents = ["account.updated"],
        }, cancellationToken: Ct);
        var deleted = await endpoints.DeleteAsync(created.Id, cancellationToken: Ct);
        var gone = await Assert.ThrowsAsync<StripeException>(() => endpoints.GetAsync(created.Id, cancellationToken: Ct));

        Assert.Equal("https://recur.example/b", updated.Url);
        Assert.Equal("disabled", updated.Status);
        Assert.Equal(["account.updated"], updated.EnabledEvents);
        Assert.True(deleted.Deleted);
        Assert.Equal(created.Id, deleted.Id);
        Assert.Equal(HttpStatusCode.NotFound, gone.HttpStatusCode);
        Assert.Equal("resource_missing", gone.StripeError.Code);
        Assert.Empty((await endpoints.ListAsync(cancellationToken: Ct)).Data);
    }

    [Fact]
    public async Task Endpoints_of_one_platform_or_mode_are_invisible_to_the_others()
    {
        var platform = sandbox.NewPlatform();
        var other = sandbox.NewPlatform();
        var created = await platform.Test.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = "https://recur.example/a", EnabledEvents = ["*"],
        }, cancellationToken: Ct);

        var fromOther = await Assert.ThrowsAsync<StripeException>(() =>
            other.Test.V1.WebhookEndpoints.GetAsync(created.Id, cancellationToken: Ct));
        var fromLive = await Assert.ThrowsAsync<StripeException>(() =>
            platform.Live.V1.WebhookEndpoints.GetAsync(created.Id, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.NotFound, fromOther.HttpStatusCode);
        Assert.Equal(HttpStatusCode.NotFound, fromLive.HttpStatusCode);
        Assert.Empty((await platform.Live.V1.WebhookEndpoints.ListAsync(cancellationToken: Ct)).Data);
    }

    [Theory]
    [InlineData(null, "account.updated", null, "url")]
    [InlineData("ftp://recur.example/hook", "account.updated", null, "url")]
    [InlineData("/relative/hook", "account.updated", null, "url")]
    [InlineData("https://recur.example/hook", null, null, "enabled_events")]
    [InlineData("https://recur.example/hook", "account.exploded", null, "enabled_events[0]")]
    [InlineData("https://recur.example/hook", "account.updated", "2026-13-01.endive", "api_version")]
    public async Task Invalid_parameters_are_refused_with_the_parameter_named(string? url, string? enabledEvent,
        string? apiVersion, string param)
    {
        var endpoints = sandbox.NewPlatform().Test.V1.WebhookEndpoints;

        var refused = await Assert.ThrowsAsync<StripeException>(() => endpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = url, EnabledEvents = enabledEvent is null ? null : [enabledEvent], ApiVersion = apiVersion,
        }, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, refused.HttpStatusCode);
        Assert.Equal("invalid_request_error", refused.StripeError.Type);
        Assert.Equal(param, refused.StripeError.Param);
        Assert.Empty((await endpoints.ListAsync(cancellationToken: Ct)).Data);
    }

    [Fact]
    public async Task A_connect_endpoint_receives_account_application_authorized_signed_with_its_secret()
    {
        var platform = sandbox.NewPlatform();
        await using var receiver = await WebhookReceiver.StartAsync();
        var endpoint = await platform.Test.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = receiver.Url, Connect = true, EnabledEvents = ["account.application.authorized", "account.updated"],
        }, cancellationToken: Ct);

        var token = await OAuthFlow.ConnectAsync(platform.Test);

        var webhook = Assert.Single(await receiver.WaitForAsync("account.application.authorized", token.StripeUserId));
        var stripeEvent = EventUtility.ConstructEvent(webhook.Body, webhook.Signature, endpoint.Secret, throwOnApiVersionMismatch: false);
        Assert.Equal(token.StripeUserId, stripeEvent.Account);
        Assert.False(stripeEvent.Livemode);
        // No api_version on the endpoint: the platform's default, one train behind Stripe.net's.
        Assert.Equal(new SandboxOptions().DefaultApiVersion, stripeEvent.ApiVersion);
        var application = Assert.IsType<Application>(stripeEvent.Data.Object);
        Assert.Equal(platform.ClientId, application.Id);
        Assert.Equal("application/json; charset=utf-8", webhook.ContentType);
        Assert.Equal("Stripe/1.0 (+https://stripe.com/docs/webhooks)", webhook.UserAgent);
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(webhook.Body, webhook.Signature, "whsec_wrong"));
        var stored = await platform.Test.V1.Events.GetAsync(stripeEvent.Id,
            requestOptions: new RequestOptions { StripeAccount = token.StripeUserId }, cancellationToken: Ct);
        Assert.Equal(1, webhook.Json["pending_webhooks"]!.GetValue<int>());
        await Eventually(async () => (await platform.Test.V1.Events.GetAsync(stripeEvent.Id,
            requestOptions: new RequestOptions { StripeAccount = token.StripeUserId }, cancellationToken: Ct)).PendingWebhooks == 0);
        Assert.Equal("account.application.authorized", stored.Type);
    }

    [Fact]
    public async Task Only_matching_endpoints_get_a_connected_account_event()
    {
        var platform = sandbox.NewPlatform();
        await using var connect = await WebhookReceiver.StartAsync();
        await using var accountOnly = await WebhookReceiver.StartAsync();
        await using var live = await WebhookReceiver.StartAsync();
        await using var otherType = await WebhookReceiver.StartAsync();
        await using var disabled = await WebhookReceiver.StartAsync();
        var endpoints = platform.Test.V1.WebhookEndpoints;
        await endpoints.CreateAsync(new() { Url = connect.Url, Connect = true, EnabledEvents = ["*"] }, cancellationToken: Ct);
        await endpoints.CreateAsync(new() { Url = accountOnly.Url, EnabledEvents = ["*"] }, cancellationToken: Ct);
        await platform.Live.V1.WebhookEndpoints.CreateAsync(new() { Url = live.Url, Connect = true, EnabledEvents = ["*"] }, cancellationToken: Ct);
        await endpoints.CreateAsync(new() { Url = otherType.Url, Connect = true, EnabledEvents = ["account.updated"] }, cancellationToken: Ct);
        var off = await endpoints.CreateAsync(new() { Url = disabled.Url, Connect = true, EnabledEvents = ["*"] }, cancellationToken: Ct);
        await endpoints.UpdateAsync(off.Id, new() { Disabled = true }, cancellationToken: Ct);

        var token = await OAuthFlow.ConnectAsync(platform.Test);

        var webhook = Assert.Single(await connect.WaitForAsync("account.application.authorized", token.StripeUserId));
        Assert.Equal(1, webhook.Json["pending_webhooks"]!.GetValue<int>());
        await Task.Delay(300, Ct);
        Assert.Empty(accountOnly.Received);
        Assert.Empty(live.Received);
        Assert.Empty(otherType.Received);
        Assert.Empty(disabled.Received);
    }

    [Fact]
    public async Task An_endpoint_with_an_api_version_gets_events_in_that_version()
    {
        var platform = sandbox.NewPlatform();
        await using var receiver = await WebhookReceiver.StartAsync();
        await platform.Test.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = receiver.Url, Connect = true, EnabledEvents = ["*"], ApiVersion = "2026-09-30.endive",
        }, cancellationToken: Ct);

        var token = await OAuthFlow.ConnectAsync(platform.Test);

        var webhook = Assert.Single(await receiver.WaitForAsync("account.application.authorized", token.StripeUserId));
        Assert.Equal("2026-09-30.endive", webhook.Json["api_version"]?.ToString());
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true within 10 s.");
            await Task.Delay(20, Ct);
        }
    }
}
