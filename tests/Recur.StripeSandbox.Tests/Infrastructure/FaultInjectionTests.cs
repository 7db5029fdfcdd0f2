using System.Diagnostics;
using System.Net;
using Recur.StripeSandbox.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.Infrastructure;

/// <summary>API faults seen through Stripe.net: what the caller gets, what the sandbox applied, what a retry gets.</summary>
public sealed class FaultInjectionTests : IAsyncLifetime
{
    private static readonly string[] Post = ["POST"];
    private static readonly string[] CustomersPath = ["/v1/customers"];
    private FaultySandbox _sandbox = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _sandbox = await FaultySandbox.StartAsync();

    public async ValueTask DisposeAsync() => await _sandbox.DisposeAsync();

    private void Fault(ApiFaultKind kind, FaultRate rate, int? delayMs = null, int? status = null) =>
        _sandbox.Faults.Set(new FaultPlan
        {
            Api = [new ApiFault(kind, rate) { Methods = Post, Paths = CustomersPath, DelayMs = delayMs, Status = status }],
        });

    private static Task<Customer> CreateCustomerAsync(StripeClient client, string? key = null) =>
        client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "jenny@example.com" },
            new RequestOptions { IdempotencyKey = key }, Ct);

    private static async Task<List<string>> CustomerIdsAsync(StripeClient client) =>
        (await client.V1.Customers.ListAsync(cancellationToken: Ct)).Data.Select(c => c.Id).ToList();

    [Fact]
    public async Task A_rate_limit_is_Stripes_429_that_stores_nothing_so_the_same_key_succeeds_later()
    {
        var client = _sandbox.Client(_sandbox.NewPlatform(), maxNetworkRetries: 0);
        var key = Guid.NewGuid().ToString();
        Fault(ApiFaultKind.RateLimit, FaultRate.Once);

        var error = await Assert.ThrowsAsync<StripeException>(() => CreateCustomerAsync(client, key));
        Assert.Empty(await CustomerIdsAsync(client));
        var created = await CreateCustomerAsync(client, key);

        Assert.Equal((HttpStatusCode)429, error.HttpStatusCode);
        Assert.Equal("rate_limit", error.StripeError.Code);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.False(error.StripeResponse.Headers.Contains("Stripe-Should-Retry"));
        Assert.False(created.StripeResponse.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal([created.Id], await CustomerIdsAsync(client));
        Assert.Equal(1, _sandbox.Faults.Counts.RateLimit);
    }

    [Fact]
    public async Task Stripe_net_with_retries_recovers_from_a_lock_timeout_and_creates_one_customer()
    {
        var client = _sandbox.Client(_sandbox.NewPlatform(), maxNetworkRetries: 2);
        Fault(ApiFaultKind.LockTimeout, FaultRate.Once);

        var created = await CreateCustomerAsync(client);
        var counts = _sandbox.Faults.Counts;

        Assert.Equal(new { ApiRequests = 2L, LockTimeout = 1L }, new { counts.ApiRequests, counts.LockTimeout });
        Assert.Equal([created.Id], await CustomerIdsAsync(client));
    }

    [Fact]
    public async Task A_lock_timeout_tells_the_client_to_retry()
    {
        var client = _sandbox.Client(_sandbox.NewPlatform(), maxNetworkRetries: 0);
        Fault(ApiFaultKind.LockTimeout, FaultRate.Once);

        var error = await Assert.ThrowsAsync<StripeException>(() => CreateCustomerAsync(client));

        Assert.Equal((HttpStatusCode)429, error.HttpStatusCode);
        Assert.Equal("lock_timeout", error.StripeError.Code);
        Assert.Equal("true", error.StripeResponse.Headers.GetValues("Stripe-Should-Retry").Single());
        Assert.Empty(await CustomerIdsAsync(client));
    }

    [Fact]
    public async Task A_server_error_is_an_api_error_that_creates_nothing()
    {
        var client = _sandbox.Client(_sandbox.NewPlatform(), maxNetworkRetries: 0);
        var key = Guid.NewGuid().ToString();
        Fault(ApiFaultKind.ServerError, FaultRate.Once, status: 503);

        var error = await Assert.ThrowsAsync<StripeException>(() => CreateCustomerAsync(client, key));
        Assert.Empty(await CustomerIdsAsync(client));
        var created = await CreateCustomerAsync(client, key);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.HttpStatusCode);
        Assert.Equal("api_error", error.StripeError.Type);
        Assert.False(created.StripeResponse.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal([created.Id], await CustomerIdsAsync(client));
    }

    [Fact]
    public async Task Stripe_net_with_retries_recovers_from_server_errors_and_creates_one_customer()
    {
        var client = _sandbox.Client(_sandbox.NewPlatform(), maxNetworkRetries: 2);
        Fault(ApiFaultKind.ServerError, new FaultRate(Every: 1, Limit: 2));

        var created = await CreateCustomerAsync(client);
        var counts = _sandbox.Faults.Counts;

        Assert.Equal(new { ApiRequests = 3L, ServerError = 2L }, new { counts.ApiRequests, counts.ServerError });
        Assert.Equal([created.Id], await CustomerIdsAsync(client));
    }

    [Fact]
    public async Task A_lost_response_was_applied_even_though_the_caller_saw_only_a_broken_connection()
    {
        var client = _sandbox.Client(_sandbox.NewPlatform(), maxNetworkRetries: 0);
        var key = Guid.NewGuid().ToString();
        Fault(ApiFaultKind.LostResponse, FaultRate.Once);

        await Assert.ThrowsAnyAsync<Exception>(() => CreateCustomerAsync(client, key));
        var applied = Assert.Single(await CustomerIdsAsync(client));
        var retried = await CreateCustomerAsync(client, key);

        Assert.Equal(applied, retried.Id);
        Assert.Equal("true", retried.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, _sandbox.Faults.Counts.IdempotentReplays);
    }

    [Fact]
    public async Task Stripe_net_with_retries_recovers_from_a_lost_response_with_the_stored_answer_and_one_customer()
    {
        var client = _sandbox.Client(_sandbox.NewPlatform(), maxNetworkRetries: 2);
        Fault(ApiFaultKind.LostResponse, FaultRate.Once);

        var created = await CreateCustomerAsync(client);
        var counts = _sandbox.Faults.Counts;

        Assert.Equal("true", created.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(new { ApiRequests = 2L, LostResponse = 1L, IdempotentReplays = 1L },
            new { counts.ApiRequests, counts.LostResponse, counts.IdempotentReplays });
        Assert.Equal([created.Id], await CustomerIdsAsync(client));
    }

    [Fact]
    public async Task A_request_held_past_the_clients_timeout_is_applied_after_the_client_gave_up()
    {
        var platform = _sandbox.NewPlatform();
        Assert.Empty(await CustomerIdsAsync(_sandbox.Client(platform, maxNetworkRetries: 0)));
        var client = _sandbox.Client(platform, maxNetworkRetries: 0, timeout: TimeSpan.FromSeconds(1));
        var key = Guid.NewGuid().ToString();
        Fault(ApiFaultKind.Timeout, FaultRate.Once, delayMs: 2_500);

        await Assert.ThrowsAnyAsync<Exception>(() => CreateCustomerAsync(client, key));
        await _sandbox.WaitForCountsAsync(c => c.HeldRequestsApplied == 1);
        var applied = Assert.Single(await CustomerIdsAsync(client));
        var retried = await CreateCustomerAsync(client, key);

        Assert.Equal(applied, retried.Id);
        Assert.Equal("true", retried.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task Stripe_net_with_retries_recovers_from_a_timeout_and_one_customer_exists_once_the_held_request_ran()
    {
        var platform = _sandbox.NewPlatform();
        Assert.Empty(await CustomerIdsAsync(_sandbox.Client(platform, maxNetworkRetries: 0)));
        var client = _sandbox.Client(platform, maxNetworkRetries: 2, timeout: TimeSpan.FromSeconds(1));
        Fault(ApiFaultKind.Timeout, FaultRate.Once, delayMs: 2_500);

        var created = await CreateCustomerAsync(client);
        var counts = await _sandbox.WaitForCountsAsync(c => c.HeldRequestsApplied == 1);

        Assert.True(counts.ApiRequests >= 3, $"{counts.ApiRequests} requests");
        Assert.Equal(1, counts.Timeout);
        Assert.Equal([created.Id], await CustomerIdsAsync(client));
    }

    [Fact]
    public async Task A_slow_response_comes_late_and_whole()
    {
        var client = _sandbox.Client(_sandbox.NewPlatform(), maxNetworkRetries: 0);
        Fault(ApiFaultKind.Slow, FaultRate.Once, delayMs: 400);

        var clock = Stopwatch.StartNew();
        var created = await CreateCustomerAsync(client);

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(350), $"answered after {clock.Elapsed}");
        Assert.Equal("jenny@example.com", created.Email);
        Assert.Equal(1, _sandbox.Faults.Counts.Slow);
    }

    [Fact]
    public async Task A_slow_keyed_write_holds_its_key_so_a_retry_meanwhile_is_told_it_is_in_use_and_a_later_one_gets_its_result()
    {
        var platform = _sandbox.NewPlatform();
        var impatient = _sandbox.Client(platform, maxNetworkRetries: 0, timeout: TimeSpan.FromSeconds(2));
        var client = _sandbox.Client(platform, maxNetworkRetries: 0);
        var key = Guid.NewGuid().ToString();
        // The sandbox warmed up and both clients connected first (a loaded machine is slow at a first request), so
        // the impatient client's time is spent waiting for the held request.
        await client.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Warm-up" }, cancellationToken: Ct);
        await impatient.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Warm-up" }, cancellationToken: Ct);
        Fault(ApiFaultKind.Slow, FaultRate.Once, delayMs: 6_000);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CreateCustomerAsync(impatient, key));
        var busy = await Assert.ThrowsAsync<StripeException>(() => CreateCustomerAsync(client, key));
        Customer? created = null;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (created is null)
        {
            try
            {
                created = await CreateCustomerAsync(client, key);
            }
            catch (StripeException stillBusy) when (stillBusy.StripeError?.Code == "idempotency_key_in_use" && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, Ct);
            }
        }

        Assert.Equal(HttpStatusCode.Conflict, busy.HttpStatusCode);
        Assert.Equal("idempotency_key_in_use", busy.StripeError.Code);
        Assert.Equal("true", created.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal([created.Id], await CustomerIdsAsync(client));
        Assert.Equal(1, _sandbox.Faults.Counts.Slow);
    }

    [Fact]
    public async Task A_rule_hits_only_the_method_and_path_it_names_and_every_nth_of_them()
    {
        var client = _sandbox.Client(_sandbox.NewPlatform(), maxNetworkRetries: 0);
        Fault(ApiFaultKind.RateLimit, FaultRate.EveryNth(3));

        var outcomes = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            await client.V1.Customers.ListAsync(cancellationToken: Ct);
            await client.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Box" }, cancellationToken: Ct);
            try
            {
                await CreateCustomerAsync(client);
                outcomes.Add("created");
            }
            catch (StripeException e) when (e.HttpStatusCode == (HttpStatusCode)429)
            {
                outcomes.Add("429");
            }
        }

        Assert.Equal(["created", "created", "429", "created", "created", "429"], outcomes);
        Assert.Equal(4, (await CustomerIdsAsync(client)).Count);
    }

    [Fact]
    public async Task A_seeded_fraction_hits_the_same_requests_every_time_the_plan_is_set()
    {
        var client = _sandbox.Client(_sandbox.NewPlatform(), maxNetworkRetries: 0);
        async Task<string> RunAsync()
        {
            _sandbox.Faults.Set(new FaultPlan
            {
                Seed = 42, Api = [new ApiFault(ApiFaultKind.ServerError, FaultRate.Random(0.5))],
            });
            var outcome = "";
            for (var i = 0; i < 20; i++)
            {
                try
                {
                    await client.V1.Customers.ListAsync(cancellationToken: Ct);
                    outcome += ".";
                }
                catch (StripeException)
                {
                    outcome += "x";
                }
            }

            return outcome;
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.Contains('x', first);
        Assert.Contains('.', first);
    }

    [Fact]
    public async Task A_bad_key_is_still_a_401_while_faults_are_on()
    {
        _sandbox.Faults.Set(new FaultPlan { Api = [new ApiFault(ApiFaultKind.RateLimit, FaultRate.EveryNth(1))] });
        var client = new StripeClient(new StripeClientOptions
        {
            ApiKey = "not_a_key", ApiBase = _sandbox.BaseUrl,
            HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0),
        });

        var error = await Assert.ThrowsAsync<StripeException>(() => CreateCustomerAsync(client));

        Assert.Equal(HttpStatusCode.Unauthorized, error.HttpStatusCode);
        Assert.Equal(0, _sandbox.Faults.Counts.RateLimit);
    }
}
