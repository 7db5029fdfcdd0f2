using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Recur.StripeSandbox.Infrastructure;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;
using Recur.Web.Webhooks;

namespace Recur.Tests.Telemetry;

/// <summary>Recur whose OpenTelemetry pipeline also hands every finished span and metric to the test, with the
/// sandbox's fault admin open and Stripe writes retried once, quickly.</summary>
public sealed class TelemetryRecurFactory : RecurFactory
{
    public const string AdminToken = "telemetry-admin-token";

    public ConcurrentQueue<Activity> Spans { get; } = new();

    public List<Metric> Metrics { get; } = [];

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
            // Exported only when the test flushes, so the list never changes while a test reads it.
            services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics,
                reader => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = int.MaxValue));
        });
    }

    /// <summary>Every metric point as exported now (cumulative since start), by metric name: one collection, read at once.</summary>
    public ILookup<string, MetricPoint> Collect()
    {
        Service<MeterProvider>().ForceFlush();
        var points = new List<(string Name, MetricPoint Point)>();
        foreach (var metric in Metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                points.Add((metric.Name, point));
            }
        }
        Metrics.Clear();
        return points.ToLookup(p => p.Name, p => p.Point);
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

        var metrics = factory.Collect();
        Assert.Contains(metrics["recur.checkout.outcomes"], p => Tag(p, "outcome") == "Active" && p.GetSumLong() >= 1);
        Assert.Contains(metrics["recur.stripe_events.applied"], p => Tag(p, "event.type") == "invoice.paid" && p.GetSumLong() >= 1);
        Assert.Contains(metrics["recur.stripe_events.lag"], p => Tag(p, "event.type") == "invoice.paid" && p.GetHistogramCount() >= 1);
    }

    [Fact]
    public async Task Stripes_error_answers_are_counted_by_status_and_code()
    {
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
        Assert.Contains(factory.Collect()["recur.stripe.errors"],
            p => Tag(p, "stripe.error.code") == "rate_limit" && Tag(p, "http.response.status_code") == "429" && p.GetSumLong() == injected);
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

    private static string? Tag(MetricPoint point, string name)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == name)
            {
                return Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return null;
    }
}
