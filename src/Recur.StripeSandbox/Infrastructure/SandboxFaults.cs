using System.Text.Json.Serialization;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// The faults a sandbox injects now, and what it injected so far. A test builds one, passes it in
/// <see cref="SandboxOptions.Faults"/> and switches plans with <see cref="Set"/> / <see cref="Clear"/>; a running
/// sandbox started with <see cref="SandboxOptions.FaultAdminToken"/> also takes plans at <c>/_sandbox/faults</c>
/// (<see cref="FaultAdminApi"/>). Which request or delivery is hit is decided per rule: every Nth one that matches,
/// or a fraction drawn from a random generator seeded by the plan, so a run can be repeated.
/// </summary>
public sealed class SandboxFaults
{
    private readonly Lock _gate = new();
    private readonly long[] _counts = new long[Enum.GetValues<FaultCounter>().Length];
    private FaultPlan _plan = FaultPlan.None;
    private long[] _apiMatches = [];
    private long[] _apiHits = [];
    private long[] _webhookMatches = [];
    private long[] _webhookHits = [];
    private Random _random = new(0);

    public FaultPlan Plan
    {
        get
        {
            lock (_gate)
            {
                return _plan;
            }
        }
    }

    /// <summary>Replaces the plan (its rule counters and random generator start afresh); counters are kept.</summary>
    /// <exception cref="ArgumentException">A rule is invalid (see <see cref="FaultPlan.Validate"/>).</exception>
    public void Set(FaultPlan plan)
    {
        var problem = plan.Validate();
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(plan));
        }

        lock (_gate)
        {
            _plan = plan;
            _apiMatches = new long[plan.Api.Count];
            _apiHits = new long[plan.Api.Count];
            _webhookMatches = new long[plan.Webhooks.Count];
            _webhookHits = new long[plan.Webhooks.Count];
            _random = new Random(plan.Seed);
        }
    }

    /// <summary>No faults any more, and every counter back to zero.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            Set(FaultPlan.None);
            Array.Clear(_counts);
        }
    }

    public FaultCounts Counts
    {
        get
        {
            lock (_gate)
            {
                long C(FaultCounter counter) => _counts[(int)counter];
                return new FaultCounts(C(FaultCounter.ApiRequests), C(FaultCounter.RateLimit), C(FaultCounter.LockTimeout),
                    C(FaultCounter.ServerError), C(FaultCounter.Slow), C(FaultCounter.Timeout),
                    C(FaultCounter.LostResponse), C(FaultCounter.HeldRequestsApplied), C(FaultCounter.IdempotentReplays),
                    C(FaultCounter.WebhooksDuplicated), C(FaultCounter.WebhooksReordered),
                    C(FaultCounter.WebhooksDelayed), C(FaultCounter.WebhooksDropped));
            }
        }
    }

    internal void Count(FaultCounter counter)
    {
        lock (_gate)
        {
            _counts[(int)counter]++;
        }
    }

    /// <summary>The first API rule that matches the request and whose turn it is; null lets the request through.</summary>
    internal ApiFault? PickApiFault(string method, string path)
    {
        lock (_gate)
        {
            _counts[(int)FaultCounter.ApiRequests]++;
            ApiFault? picked = null;
            for (var i = 0; i < _plan.Api.Count; i++)
            {
                var rule = _plan.Api[i];
                if (!rule.Matches(method, path))
                {
                    continue;
                }

                if (picked is null && Fires(rule.Rate, ref _apiMatches[i], ref _apiHits[i]))
                {
                    picked = rule;
                }
            }

            if (picked is not null)
            {
                _counts[(int)Counter(picked.Kind)]++;
            }

            return picked;
        }
    }

    /// <summary>
    /// Whether a webhook rule of one of <paramref name="kinds"/> hits this delivery; the first that does is returned
    /// and counted.
    /// </summary>
    internal WebhookFault? PickWebhookFault(string eventType, params WebhookFaultKind[] kinds)
    {
        lock (_gate)
        {
            WebhookFault? picked = null;
            for (var i = 0; i < _plan.Webhooks.Count; i++)
            {
                var rule = _plan.Webhooks[i];
                if (!kinds.Contains(rule.Kind) || !rule.Matches(eventType))
                {
                    continue;
                }

                if (picked is null && Fires(rule.Rate, ref _webhookMatches[i], ref _webhookHits[i]))
                {
                    picked = rule;
                }
            }

            if (picked is not null)
            {
                _counts[(int)Counter(picked.Kind)]++;
            }

            return picked;
        }
    }

    private bool Fires(FaultRate rate, ref long matches, ref long hits)
    {
        if (rate.Limit is { } limit && hits >= limit)
        {
            return false;
        }

        matches++;
        var fires = rate.Every is { } every
            ? matches % every == 0
            : _random.NextDouble() < rate.Fraction!.Value;
        if (fires)
        {
            hits++;
        }

        return fires;
    }

    private static FaultCounter Counter(ApiFaultKind kind) => kind switch
    {
        ApiFaultKind.RateLimit => FaultCounter.RateLimit,
        ApiFaultKind.LockTimeout => FaultCounter.LockTimeout,
        ApiFaultKind.ServerError => FaultCounter.ServerError,
        ApiFaultKind.Slow => FaultCounter.Slow,
        ApiFaultKind.Timeout => FaultCounter.Timeout,
        _ => FaultCounter.LostResponse,
    };

    private static FaultCounter Counter(WebhookFaultKind kind) => kind switch
    {
        WebhookFaultKind.Duplicate => FaultCounter.WebhooksDuplicated,
        WebhookFaultKind.Reorder => FaultCounter.WebhooksReordered,
        WebhookFaultKind.Delay => FaultCounter.WebhooksDelayed,
        _ => FaultCounter.WebhooksDropped,
    };
}

internal enum FaultCounter
{
    ApiRequests, RateLimit, LockTimeout, ServerError, Slow, Timeout, LostResponse, HeldRequestsApplied,
    IdempotentReplays, WebhooksDuplicated, WebhooksReordered, WebhooksDelayed, WebhooksDropped,
}

/// <summary>What the sandbox did so far: authenticated <c>/v1</c> requests seen, faults injected by kind, requests
/// answered from a stored idempotent result, and webhook deliveries tampered with.</summary>
/// <param name="HeldRequestsApplied">Timed-out requests that were applied after their client gave up.</param>
public sealed record FaultCounts(
    long ApiRequests,
    long RateLimit,
    long LockTimeout,
    long ServerError,
    long Slow,
    long Timeout,
    long LostResponse,
    long HeldRequestsApplied,
    long IdempotentReplays,
    long WebhooksDuplicated,
    long WebhooksReordered,
    long WebhooksDelayed,
    long WebhooksDropped)
{
    public long ApiFaults => RateLimit + LockTimeout + ServerError + Slow + Timeout + LostResponse;

    public long WebhookFaults => WebhooksDuplicated + WebhooksReordered + WebhooksDelayed + WebhooksDropped;
}

/// <summary>
/// What the real API does now and then, and how the sandbox imitates it. Sources:
/// https://docs.stripe.com/rate-limits (429s), https://docs.stripe.com/error-codes (<c>rate_limit</c>,
/// <c>lock_timeout</c>), https://docs.stripe.com/error-low-level (network and server errors, idempotency).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ApiFaultKind>))]
public enum ApiFaultKind
{
    /// <summary>429 <c>rate_limit</c>, before anything runs (Stripe's limiters run before its idempotency layer, so
    /// nothing is stored and the same key may be retried). No <c>Stripe-Should-Retry</c>: Stripe's SDKs then leave the
    /// retry to the caller.</summary>
    [JsonStringEnumMemberName("rate_limit")] RateLimit,

    /// <summary>429 <c>lock_timeout</c> with <c>Stripe-Should-Retry: true</c>, which Stripe's SDKs obey; nothing
    /// stored.</summary>
    [JsonStringEnumMemberName("lock_timeout")] LockTimeout,

    /// <summary>A 5xx <c>api_error</c> (<see cref="ApiFault.Status"/>, 500 by default) raised before the API method
    /// began, so nothing is stored; Stripe's SDKs retry 5xx.</summary>
    [JsonStringEnumMemberName("server_error")] ServerError,

    /// <summary>The request waits <see cref="ApiFault.DelayMs"/> (2 s by default), then runs normally. A POST with an
    /// <c>Idempotency-Key</c> waits after its key was claimed, as a request Stripe is still working on: the same key
    /// sent meanwhile answers 409 <c>idempotency_key_in_use</c>, and the request is applied even if its client gave
    /// up (https://docs.stripe.com/error-low-level#idempotency).</summary>
    [JsonStringEnumMemberName("slow")] Slow,

    /// <summary>The request is held for <see cref="ApiFault.DelayMs"/> (30 s by default; make it longer than the
    /// client's timeout), then applied all the same and the connection dropped: a caller that gave up cannot know it
    /// happened, and its retry may arrive before or after it.</summary>
    [JsonStringEnumMemberName("timeout")] Timeout,

    /// <summary>The request is applied (and its idempotent result stored), then the connection is dropped before
    /// any answer: a retry with the same <c>Idempotency-Key</c> gets the stored answer.</summary>
    [JsonStringEnumMemberName("lost_response")] LostResponse,
}

[JsonConverter(typeof(JsonStringEnumConverter<WebhookFaultKind>))]
public enum WebhookFaultKind
{
    /// <summary>An acknowledged delivery is sent once more (Stripe delivers at least once).</summary>
    [JsonStringEnumMemberName("duplicate")] Duplicate,

    /// <summary>The delivery is held back <see cref="WebhookFault.DelayMs"/> (1 s by default) while the endpoint's
    /// later events go ahead of it (Stripe does not guarantee order).</summary>
    [JsonStringEnumMemberName("reorder")] Reorder,

    /// <summary>The first attempt waits <see cref="WebhookFault.DelayMs"/> (10 s by default).</summary>
    [JsonStringEnumMemberName("delay")] Delay,

    /// <summary>The delivery is lost: never sent, never retried, while the event counts as delivered. Only
    /// <c>GET /v1/events</c> can bring it back.</summary>
    [JsonStringEnumMemberName("drop")] Drop,
}

/// <summary>
/// Which of the matching requests or deliveries a rule hits: every Nth, or a random fraction; <c>Limit</c> stops the
/// rule after that many hits (e.g. every 1, limit 1: only the first, so a retry gets through).
/// </summary>
public sealed record FaultRate(int? Every = null, double? Fraction = null, int? Limit = null)
{
    public static FaultRate EveryNth(int n) => new(Every: n);

    public static FaultRate Random(double fraction) => new(Fraction: fraction);

    public static FaultRate Once => new(Every: 1, Limit: 1);

    internal string? Validate() =>
        Limit is < 1 ? "\"limit\" is at least 1." : (Every, Fraction) switch
        {
            ({ } every, null) when every >= 1 => null,
            (null, { } fraction) when fraction is > 0 and <= 1 => null,
            _ => "A rule needs exactly one of \"every\" (an integer of at least 1) or \"fraction\" (above 0, at most 1).",
        };
}

/// <summary>One API fault: what, how often, and for which requests (all <c>/v1</c> ones when no method or path is
/// given; a path matches itself and what is below it: <c>/v1/customers</c> also matches <c>/v1/customers/cus_1</c>).</summary>
public sealed record ApiFault(ApiFaultKind Kind, FaultRate Rate)
{
    public IReadOnlyList<string> Methods { get; init; } = [];

    public IReadOnlyList<string> Paths { get; init; } = [];

    public int? DelayMs { get; init; }

    public int? Status { get; init; }

    internal TimeSpan Delay => TimeSpan.FromMilliseconds(DelayMs ?? (Kind == ApiFaultKind.Slow ? 2_000 : 30_000));

    internal bool Matches(string method, string path) =>
        (Methods.Count == 0 || Methods.Any(m => string.Equals(m, method, StringComparison.OrdinalIgnoreCase)))
        && (Paths.Count == 0 || Paths.Any(p => new PathString(path).StartsWithSegments(p, StringComparison.Ordinal)));

    internal string? Validate() =>
        (Rate is null || Methods is null || Paths is null ? "Each rule needs a \"rate\"; \"methods\" and \"paths\" are lists." : null)
        ?? Rate!.Validate()
        ?? (DelayMs is < 0 or > 600_000 ? "\"delay_ms\" must be between 0 and 600000." : null)
        ?? (Status is not null && (Kind != ApiFaultKind.ServerError || Status is not (500 or 502 or 503 or 504))
            ? "\"status\" is for server_error only, and one of 500, 502, 503, 504." : null)
        ?? (Paths!.Any(p => p is null || !p.StartsWith("/v1", StringComparison.Ordinal)) ? "\"paths\" start with /v1." : null);
}

/// <summary>One webhook fault: what, and how often among the deliveries (of every event, or of the types named).</summary>
public sealed record WebhookFault(WebhookFaultKind Kind, FaultRate Rate)
{
    public IReadOnlyList<string> Types { get; init; } = [];

    public int? DelayMs { get; init; }

    internal bool Matches(string eventType) => Types.Count == 0 || Types.Contains(eventType, StringComparer.Ordinal);

    internal TimeSpan Delay => TimeSpan.FromMilliseconds(DelayMs ?? (Kind == WebhookFaultKind.Reorder ? 1_000 : 10_000));

    internal string? Validate() =>
        (Rate is null || Types is null ? "Each rule needs a \"rate\"; \"types\" is a list." : null)
        ?? Rate!.Validate()
        ?? (DelayMs is < 0 or > 3_600_000 ? "\"delay_ms\" must be between 0 and 3600000." : null)
        ?? (DelayMs is not null && Kind is WebhookFaultKind.Duplicate or WebhookFaultKind.Drop
            ? "\"delay_ms\" is for reorder and delay only." : null);
}

/// <summary>Every fault rule in force. The first rule that hits a request or delivery is the one applied.</summary>
public sealed record FaultPlan
{
    public static FaultPlan None { get; } = new();

    public int Seed { get; init; } = 1;

    public IReadOnlyList<ApiFault> Api { get; init; } = [];

    public IReadOnlyList<WebhookFault> Webhooks { get; init; } = [];

    /// <summary>Why the plan cannot be used, or null.</summary>
    public string? Validate() =>
        Api is null || Webhooks is null || Api.Contains(null!) || Webhooks.Contains(null!)
            ? "\"api\" and \"webhooks\" are lists of rules."
            : Api.Count + Webhooks.Count > 50
            ? "At most 50 rules."
            : Api.Select(r => r.Validate()).Concat(Webhooks.Select(r => r.Validate())).FirstOrDefault(p => p is not null);
}
