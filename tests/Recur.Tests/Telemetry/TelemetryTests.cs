using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using System.Diagnostics.Metrics;
using OpenTelemetry.Trace;
using Recur.StripeSandbox.Infrastructure;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;
using Recur.Web.Telemetry;
using Recur.Web.Webhooks;

namespace Recur.Tests.Telemetry;

/// <summary>Recur whose OpenTelemetry pipeline also hands every finished span to the test, whose own meter is
/// listened to, with the
/// sandbox's fault admin open and Stripe writes retried once, quickly.</summary>
public sealed class TelemetryRecurFactory : RecurFactory
{
    public const string AdminToken = "telemetry-admin-token";

    public ConcurrentQueue<Activity> Spans { get; } = new();

    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)> _measurements = new();
    private MeterListener? _listener;

    public SandboxFaultAdmin Faults => new(SandboxAddress, AdminToken);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Sandbox:FaultAdminToken"] = AdminToken,
        ["StripeWrites:MaxAttempts"] = "2",
        ["StripeWrites:FirstRetryDelay"] = "00:00:00.050",
        ["StripeWrites:MaxRetryDelay"] = "00:00:00.100",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new Collector(Spans)));
        });
    }

    /// <summary>From now on, keeps every measurement of this Recur's own meter (other Recur instances in the test
    /// process have meters of the same name, so the listener picks this one by identity).</summary>
    public void StartMeasuring()
    {
        if (_listener is not null)
        {
            return;
        }
        var meter = Service<RecurTelemetry>().Meter;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The measurements of <paramref name="instrument"/> whose tag <paramref name="tag"/> is <paramref name="value"/>.</summary>
    public IReadOnlyList<double> Measured(string instrument, string tag, string value) =>
        _measurements.Where(m => m.Instrument == instrument && m.Tags.GetValueOrDefault(tag) == value).Select(m => m.Value).ToList();

    private void Keep(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>();
        foreach (var (key, tagValue) in tags)
        {
            copy[key] = Convert.ToString(tagValue, System.Globalization.CultureInfo.InvariantCulture);
        }
        _measurements.Enqueue((instrument.Name, value, copy));
    }

    public override async ValueTask DisposeAsync()
    {
        _listener?.Dispose();
        await base.DisposeAsync();
    }

    private sealed class Collector(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }
}

public sealed class TelemetryTests(TelemetryRecurFactory factory) : IClassFixture<TelemetryRecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Liveness_and_readiness_answer_on_their_own_routes()
    {
        using var http = new HttpClient { BaseAddress = factory.ServerAddress };

        using var live = await http.GetAsync("/health/live", Cancel);
        using var ready = await http.GetAsync("/health/ready", Cancel);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task A_card_checkout_leaves_spans_with_stripes_request_ids_and_counts_the_outcome_and_the_events_applied()
    {
        factory.StartMeasuring();
        var tenant = await factory.SellingTenantAsync();

        var (complete, _, _) = await factory.BuyWithCardAsync(tenant);
        await WaitForAppliedEventAsync(tenant.AccountId, "invoice.paid");

        Assert.Equal("Active", complete.State());
        var stripeCalls = factory.Spans.Where(s => s.Kind == ActivityKind.Client && Equals(s.GetTagItem("stripe.account"), tenant.AccountId)).ToList();
        Assert.Contains(stripeCalls, s => s.GetTagItem("url.full") is string url && url.EndsWith("/v1/subscriptions", StringComparison.Ordinal));
        Assert.All(stripeCalls, s => Assert.StartsWith("req_", s.GetTagItem("stripe.request_id") as string));
        Assert.Contains(factory.Spans, s => s.Kind == ActivityKind.Server && s.DisplayName.StartsWith("POST /api/checkout/", StringComparison.Ordinal));
        Assert.Contains(factory.Spans, s => s.Source.Name.Contains("EntityFrameworkCore", StringComparison.Ordinal));
        Assert.Contains(factory.Spans, s => s.OperationName == "stripe_event apply" && Equals(s.GetTagItem("stripe.account"), tenant.AccountId)
            && Equals(s.GetTagItem("stripe.event_type"), "invoice.paid"));

        Assert.Equal(1, factory.Measured("recur.checkout.outcomes", "outcome", "Active").Sum());
        Assert.NotEmpty(factory.Measured("recur.stripe_events.applied", "event.type", "invoice.paid"));
        Assert.All(factory.Measured("recur.stripe_events.lag", "event.type", "invoice.paid"), lag => Assert.InRange(lag, 0, 600));
        Assert.NotEmpty(factory.Measured("recur.stripe_events.lag", "event.type", "invoice.paid"));
    }

    [Fact]
    public async Task Stripes_error_answers_are_counted_by_status_and_code()
    {
        factory.StartMeasuring();
        var tenant = await factory.SellingTenantAsync();
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        long injected;
        await factory.Faults.SetAsync(new FaultPlan
        {
            Api = [new ApiFault(ApiFaultKind.RateLimit, FaultRate.EveryNth(1)) { Methods = ["POST"], Paths = ["/v1/customers"] }],
        });
        try
        {
            using var refused = await customer.PostOrderRawAsync(tenant.CheckoutPath, open.Token, CheckoutFlows.Details(open.OrderId));
            Assert.False(refused.IsSuccessStatusCode);
        }
        finally
        {
            injected = (await factory.Faults.CountsAsync()).RateLimit;
            await factory.Faults.ClearAsync();
        }

        Assert.True(injected > 0);
        var rateLimited = factory.Measured("recur.stripe.errors", "stripe.error.code", "rate_limit");
        Assert.Equal(injected, rateLimited.Sum());
    }

    private async Task WaitForAppliedEventAsync(string accountId, string type)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            if (await db.StripeEvents.AnyAsync(e => e.Account == accountId && e.Type == type && e.Status == StripeEventStatus.Processed, Cancel)
                && factory.Spans.Any(s => s.OperationName == "stripe_event apply" && Equals(s.GetTagItem("stripe.event_type"), type)))
            {
                return;
            }
            await Task.Delay(100, Cancel);
        }
        Assert.Fail($"No {type} was applied for {accountId}.");
    }
}
