using System.Net;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Tests.Accounts;
using Stripe;

namespace Recur.StripeSandbox.Tests.Infrastructure;

public sealed class IdempotencyTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AccountCreateOptions Express(string email) => new()
    {
        Email = email,
        Controller = new AccountControllerOptions
        {
            StripeDashboard = new AccountControllerStripeDashboardOptions { Type = "express" },
        },
    };

    [Fact]
    public async Task The_same_key_and_parameters_replay_the_first_response_and_create_nothing_more()
    {
        var platform = sandbox.NewPlatform();
        var key = Guid.NewGuid().ToString();

        var first = await platform.Test.V1.Accounts.CreateAsync(Express("a@example.com"),
            new RequestOptions { IdempotencyKey = key }, Ct);
        var second = await platform.Test.V1.Accounts.CreateAsync(Express("a@example.com"),
            new RequestOptions { IdempotencyKey = key }, Ct);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("true", second.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single(await platform.Test.V1.Accounts.ListAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task The_same_key_with_other_parameters_is_an_idempotency_error()
    {
        var platform = sandbox.NewPlatform();
        var key = Guid.NewGuid().ToString();
        await platform.Test.V1.Accounts.CreateAsync(Express("a@example.com"), new RequestOptions { IdempotencyKey = key }, Ct);

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.CreateAsync(
            Express("b@example.com"), new RequestOptions { IdempotencyKey = key }, Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("idempotency_error", error.StripeError.Type);
        Assert.Single(await platform.Test.V1.Accounts.ListAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_platform()
    {
        var first = sandbox.NewPlatform();
        var second = sandbox.NewPlatform();
        var key = Guid.NewGuid().ToString();

        var a = await first.Test.V1.Accounts.CreateAsync(Express("a@example.com"), new RequestOptions { IdempotencyKey = key }, Ct);
        var b = await second.Test.V1.Accounts.CreateAsync(Express("a@example.com"), new RequestOptions { IdempotencyKey = key }, Ct);

        Assert.NotEqual(a.Id, b.Id);
    }

    [Fact]
    public async Task A_key_still_in_progress_is_409_and_may_be_retried_once_done()
    {
        var platform = sandbox.NewPlatform();
        var key = Guid.NewGuid().ToString();
        var inFlight = sandbox.Services.GetRequiredService<IdempotencyInFlight>();
        var recordId = Idempotency.RecordId(new ApiCaller(ApiKey.Parse(platform.TestSecretKey)!, null), key);
        Assert.True(inFlight.TryStart(recordId)); // another request with this key is running

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.CreateAsync(
            Express("a@example.com"), new RequestOptions { IdempotencyKey = key }, Ct));
        inFlight.Finish(recordId);
        var retried = await platform.Test.V1.Accounts.CreateAsync(Express("a@example.com"), new RequestOptions { IdempotencyKey = key }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, error.HttpStatusCode);
        Assert.Equal("idempotency_key_in_use", error.StripeError.Code);
        Assert.Equal([retried.Id], (await platform.Test.V1.Accounts.ListAsync(cancellationToken: Ct)).Select(a => a.Id));
    }

    [Fact]
    public async Task Two_identical_requests_at_once_create_one_account()
    {
        var platform = sandbox.NewPlatform();
        var key = Guid.NewGuid().ToString();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            try
            {
                return (await platform.Test.V1.Accounts.CreateAsync(Express("a@example.com"),
                    new RequestOptions { IdempotencyKey = key }, Ct)).Id;
            }
            catch (StripeException e) when (e.HttpStatusCode == HttpStatusCode.Conflict)
            {
                return "409";
            }
        }));

        var accounts = await platform.Test.V1.Accounts.ListAsync(cancellationToken: Ct);
        var created = Assert.Single(accounts.Data);
        Assert.All(attempts, a => Assert.True(a == created.Id || a == "409", a));
    }

    [Fact]
    public async Task A_refused_request_is_not_kept_so_the_key_can_be_used_again()
    {
        var platform = sandbox.NewPlatform();
        var key = Guid.NewGuid().ToString();

        await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.CreateAsync(
            new AccountCreateOptions { Country = "XX" }, new RequestOptions { IdempotencyKey = key }, Ct));
        var account = await platform.Test.V1.Accounts.CreateAsync(Express("a@example.com"), new RequestOptions { IdempotencyKey = key }, Ct);

        Assert.StartsWith("acct_", account.Id);
    }
}
