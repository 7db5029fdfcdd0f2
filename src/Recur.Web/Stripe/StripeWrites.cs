using System.ComponentModel.DataAnnotations;
using System.Net.Http.Headers;
using global::Stripe;
using Microsoft.Extensions.Options;

namespace Recur.Web.Stripe;

/// <summary>How <see cref="StripeWrites"/> retries (section <c>StripeWrites</c>).</summary>
public sealed class StripeWriteOptions
{
    public const string Section = "StripeWrites";

    /// <summary>Attempts in all, the first included, before the write is given up.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The delay before the first retry; each later one doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two attempts, also for a longer <c>Retry-After</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(8);
}

/// <summary>A Stripe write that kept failing with errors worth retrying, and was given up after
/// <see cref="Attempts"/> attempts. Nothing is known to have been applied twice: every attempt used the same key.</summary>
public sealed class StripeWriteFailedException(string idempotencyKey, int attempts, string lastAnswer, Exception last)
    : Exception($"Stripe did not complete the write with Idempotency-Key '{idempotencyKey}' after {attempts} attempts (last answer: {lastAnswer}).", last)
{
    public string IdempotencyKey { get; } = idempotencyKey;

    public int Attempts { get; } = attempts;

    /// <summary>What the last attempt got, e.g. <c>429 rate_limit</c>, <c>503</c> or <c>network error</c>.</summary>
    public string LastAnswer { get; } = lastAnswer;
}

/// <summary>
/// Sends a Stripe create (or any keyed write) again, with the same <c>Idempotency-Key</c>, while Stripe answers
/// with an error that a later attempt may not get. Stripe.net's own retries stay on underneath (connection errors,
/// 409, 5xx and <c>Stripe-Should-Retry: true</c>, two at most); this loop adds what they leave to the caller and
/// waits longer between attempts:
/// <list type="bullet">
/// <item>409 <c>idempotency_key_in_use</c>: the first request with this key is still being worked on (e.g. Recur
/// timed out while Stripe went on); a later attempt gets its stored result
/// (https://docs.stripe.com/error-low-level, "Idempotency and retries"; https://docs.stripe.com/error-codes).</item>
/// <item>429, whether <c>rate_limit</c> (Stripe.net does not retry it: no <c>Stripe-Should-Retry</c>) or
/// <c>lock_timeout</c>: Stripe's rate limiters run before its idempotency layer, so nothing was stored and the same
/// key may be sent again; Stripe advises exponential backoff
/// (https://docs.stripe.com/rate-limits, "Handling limiting gracefully"; https://docs.stripe.com/error-handling).</item>
/// <item>5xx and network errors (connection lost, timeout): the outcome is unknown, and only the same key makes a
/// retry safe (https://docs.stripe.com/error-low-level, "Network errors", "Server errors").</item>
/// </list>
/// <c>Stripe-Should-Retry</c> decides when Stripe sends it (<c>false</c>: never retried, e.g. a 500 whose result
/// the idempotency layer already stored; <c>true</c>: retried whatever the status), and <c>Retry-After</c> lengthens
/// the wait, up to <see cref="StripeWriteOptions.MaxRetryDelay"/> — as Stripe's own SDKs honour both
/// (stripe-dotnet <c>SystemNetHttpClient.ShouldRetry</c>; stripe-python #621 and stripe-php #755, "Respect
/// Stripe-Should-Retry and Retry-After headers"). Delays double from
/// <see cref="StripeWriteOptions.FirstRetryDelay"/> with jitter (half to all of the step), measured with
/// <see cref="TimeProvider"/>. After <see cref="StripeWriteOptions.MaxAttempts"/> it throws
/// <see cref="StripeWriteFailedException"/>; any other error (a card decline, a bad parameter) is thrown at once.
/// </summary>
public sealed partial class StripeWrites(IOptions<StripeWriteOptions> options, TimeProvider time, ILogger<StripeWrites> logger)
{
    /// <summary>Runs <paramref name="write"/> with <paramref name="requestOptions"/> (the same object, so the same
    /// key) until it succeeds, fails for good, or the attempts run out.</summary>
    /// <exception cref="ArgumentException">The options carry no idempotency key: such a write cannot be retried
    /// safely.</exception>
    public async Task<T> SendAsync<T>(RequestOptions requestOptions, Func<RequestOptions, CancellationToken, Task<T>> write,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestOptions);
        var key = requestOptions.IdempotencyKey;
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ArgumentException("A Stripe write is retried only with an idempotency key derived from Recur's ids.", nameof(requestOptions));
        }

        var settings = options.Value;
        for (var attempt = 1; ; attempt++)
        {
            Exception failure;
            string answer;
            TimeSpan? retryAfter = null;
            try
            {
                return await write(requestOptions, cancellationToken);
            }
            catch (StripeException exception) when (IsWorthRetrying(exception, time, out retryAfter))
            {
                failure = exception;
                answer = $"{(int)exception.HttpStatusCode} {exception.StripeError?.Code ?? exception.StripeError?.Type}".TrimEnd();
            }
            catch (HttpRequestException exception)
            {
                failure = exception;
                answer = "network error";
            }
            catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                // HttpClient's timeout: the request may or may not have been applied.
                failure = exception;
                answer = "timeout";
            }

            if (attempt >= settings.MaxAttempts)
            {
                LogGaveUp(logger, key, attempt, answer);
                throw new StripeWriteFailedException(key, attempt, answer, failure);
            }

            var delay = Delay(settings, attempt, retryAfter);
            LogRetrying(logger, key, attempt, answer, (long)delay.TotalMilliseconds);
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    /// <summary>Whether another attempt with the same key may succeed; <paramref name="retryAfter"/> is Stripe's
    /// <c>Retry-After</c>, if it sent one.</summary>
    public static bool IsWorthRetrying(StripeException exception, TimeProvider time, out TimeSpan? retryAfter)
    {
        var headers = exception.StripeResponse?.Headers;
        retryAfter = RetryAfter(headers, time);
        if (headers is not null && headers.TryGetValues("Stripe-Should-Retry", out var values))
        {
            switch (values.FirstOrDefault())
            {
                case "true":
                    return true;
                case "false":
                    return false;
            }
        }

        var status = (int)exception.HttpStatusCode;
        return status == StatusCodes.Status429TooManyRequests
            || status >= StatusCodes.Status500InternalServerError
            || (status == StatusCodes.Status409Conflict && exception.StripeError?.Code == "idempotency_key_in_use");
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1: the doubled step with jitter, at least
    /// Stripe's <c>Retry-After</c>, at most <see cref="StripeWriteOptions.MaxRetryDelay"/>.</summary>
    public static TimeSpan Delay(StripeWriteOptions settings, int attempt, TimeSpan? retryAfter)
    {
        var step = settings.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = Math.Min(step, settings.MaxRetryDelay.TotalMilliseconds);
        var jittered = capped * (0.5 + (Random.Shared.NextDouble() / 2));
        var asked = retryAfter?.TotalMilliseconds ?? 0;
        return TimeSpan.FromMilliseconds(Math.Min(Math.Max(jittered, asked), settings.MaxRetryDelay.TotalMilliseconds));
    }

    private static TimeSpan? RetryAfter(HttpResponseHeaders? headers, TimeProvider time) => headers?.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is { Ticks: > 0 } wait ? wait : TimeSpan.Zero,
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe write {IdempotencyKey}: attempt {Attempt} got {Answer}; retrying with the same key in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, string idempotencyKey, int attempt, string answer, long delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe write {IdempotencyKey}: given up after {Attempts} attempts (last: {Answer})")]
    private static partial void LogGaveUp(ILogger logger, string idempotencyKey, int attempts, string answer);
}
