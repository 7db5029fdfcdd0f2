using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Recur.Web.Stripe;
using Stripe;

namespace Recur.Tests.Stripe;

/// <summary>Which Stripe answers <see cref="StripeWrites"/> retries, with which key and after how long.</summary>
public sealed class StripeWriteRetryRulesTests
{
    private static readonly StripeWriteOptions Quick = new()
    {
        MaxAttempts = 4,
        FirstRetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(20),
    };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static StripeWrites Writes(StripeWriteOptions? settings = null) =>
        new(Options.Create(settings ?? Quick), TimeProvider.System, NullLogger<StripeWrites>.Instance);

    private static StripeException Answer(int status, string? code, params (string Name, string Value)[] headers)
    {
        using var message = new HttpResponseMessage((HttpStatusCode)status);
        foreach (var (name, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        return new StripeException((HttpStatusCode)status, new StripeError { Code = code, Type = "invalid_request_error" }, "refused")
        {
            StripeResponse = new StripeResponse((HttpStatusCode)status, message.Headers, "{}"),
        };
    }

    private static RequestOptions Keyed() => new() { IdempotencyKey = "order-" + Guid.NewGuid() + "-customer", StripeAccount = "acct_1" };

    [Theory]
    [InlineData(409, "idempotency_key_in_use")]
    [InlineData(429, "rate_limit")]
    [InlineData(429, "lock_timeout")]
    [InlineData(500, null)]
    [InlineData(503, null)]
    public async Task A_transient_answer_is_sent_again_with_the_same_key_until_it_succeeds(int status, string? code)
    {
        var keys = new List<string?>();
        var result = await Writes().SendAsync(Keyed(), (options, _) =>
        {
            keys.Add(options.IdempotencyKey);
            return keys.Count < 3 ? throw Answer(status, code) : Task.FromResult("cus_1");
        }, Cancel);

        Assert.Equal("cus_1", result);
        Assert.Equal(3, keys.Count);
        Assert.Single(keys.Distinct());
    }

    [Fact]
    public async Task A_network_error_or_timeout_is_sent_again_with_the_same_key()
    {
        var calls = 0;
        var result = await Writes().SendAsync(Keyed(), (_, _) => ++calls switch
        {
            1 => throw new HttpRequestException("connection reset"),
            2 => throw new TaskCanceledException("HttpClient.Timeout"),
            _ => Task.FromResult("sub_1"),
        }, Cancel);

        Assert.Equal("sub_1", result);
        Assert.Equal(3, calls);
    }

    [Theory]
    [InlineData(400, "parameter_missing")]
    [InlineData(402, "card_declined")]
    [InlineData(409, "idempotency_error")]
    public async Task A_refusal_that_another_attempt_would_repeat_is_thrown_at_once(int status, string code)
    {
        var calls = 0;
        var error = await Assert.ThrowsAsync<StripeException>(() =>
            Writes().SendAsync<string>(Keyed(), (_, _) => { calls++; throw Answer(status, code); }, Cancel));

        Assert.Equal(code, error.StripeError.Code);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Stripe_should_retry_false_stops_and_true_retries_whatever_the_status()
    {
        var calls = 0;
        await Assert.ThrowsAsync<StripeException>(() => Writes().SendAsync<string>(Keyed(),
            (_, _) => { calls++; throw Answer(500, null, ("Stripe-Should-Retry", "false")); }, Cancel));
        var retried = 0;
        var result = await Writes().SendAsync(Keyed(), (_, _) =>
            ++retried == 1 ? throw Answer(400, "resource_busy", ("Stripe-Should-Retry", "true")) : Task.FromResult("pi_1"), Cancel);

        Assert.Equal(1, calls);
        Assert.Equal("pi_1", result);
        Assert.Equal(2, retried);
    }

    [Fact]
    public async Task After_the_last_attempt_it_gives_up_with_an_error_naming_the_key_and_the_last_answer()
    {
        var options = Keyed();
        var calls = 0;
        var error = await Assert.ThrowsAsync<StripeWriteFailedException>(() =>
            Writes().SendAsync<string>(options, (_, _) => { calls++; throw Answer(429, "rate_limit"); }, Cancel));

        Assert.Equal(Quick.MaxAttempts, calls);
        Assert.Equal(Quick.MaxAttempts, error.Attempts);
        Assert.Equal(options.IdempotencyKey, error.IdempotencyKey);
        Assert.Equal("429 rate_limit", error.LastAnswer);
        Assert.Contains(options.IdempotencyKey!, error.Message, StringComparison.Ordinal);
        Assert.IsType<StripeException>(error.InnerException);
    }

    [Fact]
    public async Task A_write_without_an_idempotency_key_is_refused_before_it_is_sent()
    {
        var calls = 0;
        await Assert.ThrowsAsync<ArgumentException>(() => Writes().SendAsync(new RequestOptions { StripeAccount = "acct_1" },
            (_, _) => { calls++; return Task.FromResult("cus_1"); }, Cancel));

        Assert.Equal(0, calls);
    }

    [Fact]
    public void Delays_double_with_jitter_up_to_the_cap_and_retry_after_lengthens_them_up_to_the_cap()
    {
        var settings = new StripeWriteOptions { FirstRetryDelay = TimeSpan.FromMilliseconds(400), MaxRetryDelay = TimeSpan.FromSeconds(5) };

        var first = StripeWrites.Delay(settings, 1, null);
        var third = StripeWrites.Delay(settings, 3, null);
        var late = StripeWrites.Delay(settings, 12, null);
        var asked = StripeWrites.Delay(settings, 1, TimeSpan.FromSeconds(3));
        var askedTooMuch = StripeWrites.Delay(settings, 1, TimeSpan.FromMinutes(2));

        Assert.InRange(first.TotalMilliseconds, 200, 400);
        Assert.InRange(third.TotalMilliseconds, 800, 1600);
        Assert.InRange(late.TotalMilliseconds, 2500, 5000);
        Assert.InRange(asked.TotalMilliseconds, 3000, 3000);
        Assert.Equal(settings.MaxRetryDelay, askedTooMuch);
    }

    [Fact]
    public void Retry_after_from_stripe_is_read_from_the_answer()
    {
        var retried = StripeWrites.IsWorthRetrying(Answer(429, "rate_limit", ("Retry-After", "2")), TimeProvider.System, out var retryAfter);

        Assert.True(retried);
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);
    }
}
