using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.WebhookEndpoints;

/// <summary>
/// Delivers events to the webhook endpoints that subscribe to them, signed as Stripe signs them.
/// <list type="bullet">
/// <item>Which endpoints: chosen when the event is created. An event with <c>account</c> goes to the Connect endpoints
/// (<c>connect=true</c>) of the platforms it names, a platform's own event to that platform's account endpoints; same
/// mode; enabled; subscribed to the type or to <c>*</c>. A test event of an account connected in live mode also goes to
/// the live Connect endpoints as well as the test ones (Stripe support, "Connect account webhook configurations":
/// https://support.stripe.com/questions/connect-account-webhook-configurations).</item>
/// <item>What: the event JSON in the endpoint's <c>api_version</c>, else in the version the event was created in (the
/// platform's default, <see cref="SandboxOptions.DefaultApiVersion"/>), as Stripe renders webhooks
/// (https://docs.stripe.com/webhooks/versioning). Serialized once per event and version, so
/// every attempt sends the same bytes.</item>
/// <item>How: <c>POST</c> with <c>Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")</c>, signed afresh on every
/// attempt. Anything but 2xx (3xx included), a 10-second timeout or a connection error is a failure, retried on
/// Stripe's schedule (https://docs.stripe.com/webhooks#automatic-retries): live events with exponential backoff
/// (<see cref="SandboxOptions.WebhookFirstRetryDelay"/> doubling to <see cref="SandboxOptions.WebhookMaxRetryDelay"/>)
/// for up to <see cref="SandboxOptions.WebhookLiveRetryWindow"/> (three days); test events
/// <see cref="SandboxOptions.WebhookTestRetries"/> times over a few hours. A 2xx is never sent again. Retries stop
/// when the endpoint is disabled or deleted. The event's <c>pending_webhooks</c> counts the deliveries not yet
/// acknowledged.</item>
/// <item>Order: each endpoint gets its due deliveries in event order; a failure ends that endpoint's turn, and the
/// next turn carries on with the later events while the failed one waits for its retry, so one bad event never
/// holds the others back for long. Endpoints are served side by side.</item>
/// </list>
/// Pending deliveries are stored (kind <c>webhook_delivery</c>), so they survive a restart. A background loop runs
/// <see cref="RunOnceAsync"/> whenever something is due; tests may turn it off and call it themselves.
/// </summary>
public sealed partial class WebhookDelivery(SandboxStore store, TimeProvider time, IHttpClientFactory httpClients,
    SandboxOptions options, SandboxFaults faults, ILogger<WebhookDelivery> logger) : BackgroundService
{
    public const string HttpClientName = "Recur.StripeSandbox.Webhooks";
    public const string Kind = "webhook_delivery";
    public const string UserAgent = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions PayloadJson = new(StripeJsonResult.Json) { WriteIndented = true };

    private readonly PeriodicWork _loop = new(time);

    private readonly SemaphoreSlim _pass = new(1, 1);

    /// <summary>Queues one delivery per subscribed endpoint and sets the event's <c>pending_webhooks</c>.</summary>
    public void Enqueue(StoredObject storedEvent)
    {
        var type = storedEvent.Data["type"]!.ToString();
        var platforms = EventsApi.Platforms(storedEvent);
        var connect = storedEvent.Account is not null;
        lock (store.Gate)
        {
            // A test event of an account connected in live mode also goes to live Connect endpoints (see above).
            var alsoLive = connect && !storedEvent.Livemode && store.Find(storedEvent.Account!) is { Kind: "account", Livemode: true };
            var endpoints = store.All(WebhookEndpointsApi.Kind, e =>
                e.Account is null && (e.Livemode == storedEvent.Livemode || (alsoLive && e.Livemode))
                && platforms.Contains(e.Platform)
                && WebhookEndpointsApi.IsConnect(e) == connect && WebhookEndpointsApi.IsEnabled(e)
                && WebhookEndpointsApi.Subscribes(e, type));
            if (endpoints.Count == 0)
            {
                return;
            }

            SetPendingWebhooks(storedEvent, endpoints.Count);
            var payloads = new Dictionary<string, string>(StringComparer.Ordinal);
            var now = time.GetUtcNow();
            foreach (var endpoint in endpoints)
            {
                var version = endpoint.Data["api_version"]?.ToString() ?? storedEvent.Data["api_version"]!.ToString();
                if (!payloads.TryGetValue(version, out var payload))
                {
                    var body = storedEvent.Data.DeepClone().AsObject();
                    body["api_version"] = version;
                    payload = body.ToJsonString(PayloadJson);
                    payloads[version] = payload;
                }

                store.Save(new StoredObject
                {
                    Id = Ids.New("whdel"),
                    Kind = Kind,
                    Platform = endpoint.Platform,
                    Livemode = storedEvent.Livemode,
                    Created = now.ToUnixTimeSeconds(),
                    Data = [],
                    Meta = new JsonObject
                    {
                        ["event"] = storedEvent.Id,
                        ["endpoint"] = endpoint.Id,
                        ["payload"] = payload,
                        ["attempts"] = 0,
                        ["next_attempt_at"] = now.ToUnixTimeMilliseconds(),
                    },
                });
            }
        }

        _loop.Wake();
    }

    /// <summary>Makes one attempt for every delivery that is due now. Passes never overlap.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await _pass.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var due = store.All(Kind, d => NextAttemptAt(d) <= now)
                .OrderBy(d => d.Sequence)
                .GroupBy(d => d.Meta["endpoint"]!.ToString())
                .Select(deliveries => DeliverInOrderAsync(deliveries.ToList(), cancellationToken));
            await Task.WhenAll(due);
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <summary>The <c>Stripe-Signature</c> header for a payload: <c>t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256&gt;</c>.</summary>
    public static string SignatureHeader(string secret, long timestamp, string payload)
    {
        var signed = string.Create(CultureInfo.InvariantCulture, $"{timestamp}.{payload}");
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(signed));
        return string.Create(CultureInfo.InvariantCulture, $"t={timestamp},v1={Convert.ToHexStringLower(mac)}");
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.DeliverWebhooksInBackground
            ? _loop.RunAsync(async cancellationToken =>
            {
                await RunOnceAsync(cancellationToken);
                return UntilNextDue();
            }, LogPassFailed, stoppingToken)
            : Task.CompletedTask;

    public override void Dispose()
    {
        base.Dispose();
        _pass.Dispose();
    }

    private async Task DeliverInOrderAsync(List<StoredObject> deliveries, CancellationToken cancellationToken)
    {
        foreach (var delivery in deliveries)
        {
            if (!await AttemptAsync(delivery, cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>One attempt; false when it failed, which ends the endpoint's turn.</summary>
    private async Task<bool> AttemptAsync(StoredObject delivery, CancellationToken cancellationToken)
    {
        var eventId = delivery.Meta["event"]!.ToString();
        var endpointId = delivery.Meta["endpoint"]!.ToString();
        var endpoint = store.Find(endpointId);
        if (endpoint is not { Kind: WebhookEndpointsApi.Kind } || !WebhookEndpointsApi.IsEnabled(endpoint))
        {
            store.Delete(delivery.Id);
            LogDropped(eventId, endpointId);
            return true;
        }

        var eventType = store.Find(eventId)?.Data["type"]?.ToString() ?? "";
        if (InjectedFault(delivery, eventId, eventType, endpointId))
        {
            return true;
        }

        var payload = delivery.Meta["payload"]!.ToString();
        var attempt = (int)JsonNumber.Read(delivery.Meta["attempts"]) + 1;
        var status = await PostAsync(endpoint, payload, cancellationToken);
        var delivered = status is >= 200 and < 300;
        if (options.ObserveWebhookAttempt is { } observe)
        {
            var type = store.Find(eventId)?.Data["type"]?.ToString() ?? "";
            await observe(new WebhookAttempt(eventId, type, endpointId, attempt, status));
        }
        if (delivered && (options.DuplicateWebhookDeliveries || faults.PickWebhookFault(eventType, WebhookFaultKind.Duplicate) is not null))
        {
            if (options.DuplicateWebhookDeliveries)
            {
                faults.Count(FaultCounter.WebhooksDuplicated);
            }

            await PostAsync(endpoint, payload, cancellationToken);
        }

        lock (store.Gate)
        {
            if (delivered)
            {
                store.Delete(delivery.Id);
                if (store.Find(eventId) is { Kind: "event" } storedEvent)
                {
                    SetPendingWebhooks(storedEvent, Math.Max(0, JsonNumber.Read(storedEvent.Data["pending_webhooks"]) - 1));
                }

                LogDelivered(eventId, endpointId, attempt, status!.Value);
                return true;
            }

            if (RetryDelay(delivery, attempt) is not { } retryIn)
            {
                store.Delete(delivery.Id);
                LogGaveUp(eventId, endpointId, attempt, status);
                return false;
            }

            delivery.Meta["attempts"] = attempt;
            delivery.Meta["next_attempt_at"] = time.GetUtcNow().Add(retryIn).ToUnixTimeMilliseconds();
            store.Save(delivery);
            LogWillRetry(eventId, endpointId, attempt, status, retryIn.TotalSeconds);
            return false;
        }
    }

    /// <summary>
    /// The first time a delivery comes up, <see cref="SandboxFaults"/> may lose it (deleted unsent and counted as
    /// delivered, as when a proxy acknowledges and then drops it), or hold it back so that later events overtake it.
    /// True when the delivery is not to be attempted now; the endpoint's turn goes on either way.
    /// </summary>
    private bool InjectedFault(StoredObject delivery, string eventId, string eventType, string endpointId)
    {
        lock (store.Gate)
        {
            if (delivery.Meta["faults_checked"] is not null)
            {
                return false;
            }

            delivery.Meta["faults_checked"] = true;
            var fault = faults.PickWebhookFault(eventType, WebhookFaultKind.Drop, WebhookFaultKind.Reorder, WebhookFaultKind.Delay);
            if (fault is null)
            {
                store.Save(delivery);
                return false;
            }

            if (fault.Kind == WebhookFaultKind.Drop)
            {
                store.Delete(delivery.Id);
                if (store.Find(eventId) is { Kind: "event" } storedEvent)
                {
                    SetPendingWebhooks(storedEvent, Math.Max(0, JsonNumber.Read(storedEvent.Data["pending_webhooks"]) - 1));
                }
            }
            else
            {
                delivery.Meta["next_attempt_at"] = time.GetUtcNow().Add(fault.Delay).ToUnixTimeMilliseconds();
                store.Save(delivery);
                _loop.Wake();
            }

            LogFaultInjected(fault.Kind, eventId, endpointId);
            return true;
        }
    }

    /// <summary>The status code of the endpoint's answer; null for a timeout or a connection error.</summary>
    private async Task<int?> PostAsync(StoredObject endpoint, string payload, CancellationToken cancellationToken)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Data["url"]!.ToString())
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.TryAddWithoutValidation("Stripe-Signature",
            SignatureHeader(WebhookEndpointsApi.Secret(endpoint), timestamp, payload));

        using var timeout = new CancellationTokenSource(AttemptTimeout, time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Under the gate: replaces the event's JSON with a changed copy, so readers never see it half written.</summary>
    private void SetPendingWebhooks(StoredObject storedEvent, long pending)
    {
        var data = storedEvent.Data.DeepClone().AsObject();
        data["pending_webhooks"] = pending;
        storedEvent.Data = data;
        store.Save(storedEvent);
    }

    /// <summary>The wait before the next attempt, or null when Stripe would give up (see the class summary).</summary>
    private TimeSpan? RetryDelay(StoredObject delivery, int failedAttempts)
    {
        var doublings = Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        if (!delivery.Livemode)
        {
            return failedAttempts > options.WebhookTestRetries ? null : options.WebhookTestFirstRetryDelay * doublings;
        }

        var delay = options.WebhookFirstRetryDelay * doublings;
        if (delay > options.WebhookMaxRetryDelay)
        {
            delay = options.WebhookMaxRetryDelay;
        }

        var firstAttempt = DateTimeOffset.FromUnixTimeSeconds(delivery.Created);
        return time.GetUtcNow() + delay - firstAttempt > options.WebhookLiveRetryWindow ? null : delay;
    }

    private TimeSpan UntilNextDue()
    {
        var next = store.All(Kind).Select(NextAttemptAt).DefaultIfEmpty(long.MaxValue).Min();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return next == long.MaxValue || next - now > IdleWait.TotalMilliseconds
            ? IdleWait
            : TimeSpan.FromMilliseconds(Math.Max(0, next - now));
    }

    private static long NextAttemptAt(StoredObject delivery) => JsonNumber.Read(delivery.Meta["next_attempt_at"]);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered {EventId} to {EndpointId} (attempt {Attempt}, status {Status})")]
    private partial void LogDelivered(string eventId, string endpointId, int attempt, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of {EventId} to {EndpointId} failed (attempt {Attempt}, status {Status}); retrying in {RetryInSeconds} s")]
    private partial void LogWillRetry(string eventId, string endpointId, int attempt, int? status, double retryInSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up delivering {EventId} to {EndpointId} after {Attempts} attempts (last status {Status})")]
    private partial void LogGaveUp(string eventId, string endpointId, int attempts, int? status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped delivery of {EventId}: endpoint {EndpointId} is deleted or disabled")]
    private partial void LogDropped(string eventId, string endpointId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Injected webhook fault {Kind} into the delivery of {EventId} to {EndpointId}")]
    private partial void LogFaultInjected(WebhookFaultKind kind, string eventId, string endpointId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A webhook delivery pass failed")]
    private partial void LogPassFailed(Exception exception);
}

/// <summary>One delivery attempt as <see cref="SandboxOptions.ObserveWebhookAttempt"/> sees it: the endpoint's
/// status code, or null for a timeout or a connection error.</summary>
public sealed record WebhookAttempt(string EventId, string EventType, string EndpointId, int Attempt, int? Status)
{
    public bool Delivered => Status is >= 200 and < 300;
}

public static class WebhookDeliveryRegistration
{
    /// <summary>The delivery loop as a hosted service, and an HTTP client that never follows redirects.</summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services)
    {
        services.AddHttpClient(WebhookDelivery.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDelivery>());
        return services;
    }
}
