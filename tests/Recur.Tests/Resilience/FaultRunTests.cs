using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.StripeSandbox.Infrastructure;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Recur.Web.Checkout;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Webhooks;
using Stripe;

namespace Recur.Tests.Resilience;

/// <summary>Every request Recur sends through its Stripe HttpClient, with its <c>Idempotency-Key</c>: a key sent
/// again is a retry (Stripe.net's own, or Recur's when the customer presses Pay again).</summary>
public sealed class StripeSendLog
{
    private readonly ConcurrentDictionary<string, int> _sendsByKey = new(StringComparer.Ordinal);

    public int Retries => _sendsByKey.Values.Sum(sends => sends - 1);

    public void Sent(string? idempotencyKey)
    {
        if (idempotencyKey is not null)
        {
            _sendsByKey.AddOrUpdate(idempotencyKey, 1, (_, sends) => sends + 1);
        }
    }
}

public sealed class StripeSendLogHandler(StripeSendLog log) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        log.Sent(request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.First() : null);
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// Recur with the embedded sandbox's fault admin open, its Stripe requests logged, and a Stripe HTTP timeout short
/// enough that a held request times out within the run.
/// </summary>
public sealed class FaultRunRecurFactory : RecurFactory
{
    public const string AdminToken = "fault-run-admin-token";
    public static readonly TimeSpan StripeTimeout = TimeSpan.FromSeconds(5);

    public StripeSendLog Sends { get; } = new();

    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } =
        new Dictionary<string, string?> { ["Sandbox:FaultAdminToken"] = AdminToken };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Sends);
            services.AddTransient<StripeSendLogHandler>();
            services.AddHttpClient(StripeClients.HttpClientName, http => http.Timeout = StripeTimeout)
                .AddHttpMessageHandler<StripeSendLogHandler>();
        });
    }
}

/// <summary>
/// The fault run (<c>bench/fault-run.sh</c>): checkouts through Recur while the sandbox answers 429s and 5xx, holds
/// requests past Recur's timeout, loses answers after applying them, and duplicates, reorders, delays and drops
/// webhooks; then the merchant cancels some subscriptions on Stripe (their events faulted too). Once the state has
/// settled, every order must have one Stripe customer and one subscription, and Recur must agree with Stripe.
/// </summary>
public sealed class FaultRunTests(FaultRunRecurFactory factory) : IClassFixture<FaultRunRecurFactory>
{
    private const int Checkouts = 12;
    private const int CustomerAttempts = 8;
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(90);

    private static readonly string[] Post = ["POST"];
    private static readonly string[] PostAndGet = ["POST", "GET"];
    private static readonly string[] CheckoutPaths = ["/v1/customers", "/v1/subscriptions", "/v1/test_helpers/test_clocks"];

    /// <summary>Recur's checkout calls (never the browser's Stripe.js confirmations, nor the merchant's cancellations,
    /// which are DELETEs).</summary>
    private static readonly FaultPlan Plan = new()
    {
        Seed = 2026,
        Api =
        [
            new ApiFault(ApiFaultKind.LostResponse, FaultRate.EveryNth(6)) { Methods = Post, Paths = CheckoutPaths },
            new ApiFault(ApiFaultKind.ServerError, FaultRate.EveryNth(5)) { Methods = PostAndGet, Paths = CheckoutPaths, Status = 503 },
            new ApiFault(ApiFaultKind.LockTimeout, FaultRate.EveryNth(7)) { Methods = Post, Paths = CheckoutPaths },
            new ApiFault(ApiFaultKind.RateLimit, FaultRate.EveryNth(9)) { Methods = Post, Paths = CheckoutPaths },
            new ApiFault(ApiFaultKind.Timeout, FaultRate.EveryNth(11)) { Methods = Post, Paths = ["/v1/subscriptions"], DelayMs = 8_000 },
            new ApiFault(ApiFaultKind.Slow, FaultRate.EveryNth(4)) { Methods = ["GET"], DelayMs = 300 },
        ],
        Webhooks =
        [
            new WebhookFault(WebhookFaultKind.Drop, FaultRate.EveryNth(5)),
            new WebhookFault(WebhookFaultKind.Duplicate, FaultRate.EveryNth(3)),
            new WebhookFault(WebhookFaultKind.Reorder, FaultRate.EveryNth(4)) { DelayMs = 1_500 },
            new WebhookFault(WebhookFaultKind.Delay, FaultRate.EveryNth(7)) { DelayMs = 3_000 },
        ],
    };

    /// <summary>While the merchant cancels: every other cancellation's event is lost, so only catching up on
    /// Stripe's events can tell Recur; the rest are duplicated or held back.</summary>
    private static readonly FaultPlan CancellationPlan = new()
    {
        Seed = 2027,
        Webhooks =
        [
            new WebhookFault(WebhookFaultKind.Drop, FaultRate.EveryNth(2)) { Types = ["customer.subscription.deleted"] },
            new WebhookFault(WebhookFaultKind.Duplicate, FaultRate.EveryNth(2)),
            new WebhookFault(WebhookFaultKind.Reorder, FaultRate.EveryNth(3)) { DelayMs = 1_500 },
        ],
    };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed record Sale(string Email, string? StripeSubscriptionId, int Attempts);

    [Fact]
    public async Task Checkouts_under_stripe_and_network_faults_create_nothing_twice_and_recur_ends_agreeing_with_stripe()
    {
        var tenant = await factory.SellingTenantAsync();
        var referee = Referee();
        await SetPlanAsync(Plan);

        var sales = new ConcurrentBag<Sale>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Checkouts), new ParallelOptions { MaxDegreeOfParallelism = 3, CancellationToken = Cancel },
            async (_, _) => sales.Add(await BuyAsync(tenant)));

        await SetPlanAsync(CancellationPlan);
        var onAccount = new RequestOptions { StripeAccount = tenant.AccountId };
        var cancelled = 0;
        foreach (var sale in sales.Where(s => s.StripeSubscriptionId is not null).Take(Checkouts / 3))
        {
            // The merchant cancels in Stripe's Dashboard: only the (faulted) webhooks tell Recur.
            await referee.V1.Subscriptions.CancelAsync(sale.StripeSubscriptionId!, null, onAccount, Cancel);
            cancelled++;
        }

        var (mismatches, settledAfter, caughtUp) = await SettleAsync(tenant, referee, sales);
        var duplicates = await DuplicatesAsync(tenant, referee, sales);
        var counts = await CountsAsync();
        var (applied, received) = await EventsAsync(tenant.AccountId);

        Report(
            ("checkouts", Checkouts),
            ("checkouts that reached Stripe", sales.Count(s => s.StripeSubscriptionId is not null)),
            ("subscriptions cancelled by the merchant on Stripe", cancelled),
            ("faults injected: 429 rate_limit", counts.RateLimit),
            ("faults injected: 429 lock_timeout", counts.LockTimeout),
            ("faults injected: 503 api_error", counts.ServerError),
            ("faults injected: slow answers", counts.Slow),
            ("faults injected: timeouts (applied after the client gave up)", counts.Timeout),
            ("faults injected: responses lost after applying", counts.LostResponse),
            ("retries: Stripe requests re-sent with the same Idempotency-Key", factory.Sends.Retries),
            ("retries: orders the customer had to submit again", sales.Sum(s => s.Attempts - 1)),
            ("answers replayed by Stripe's idempotency layer", counts.IdempotentReplays),
            ("webhooks duplicated", counts.WebhooksDuplicated),
            ("webhooks reordered", counts.WebhooksReordered),
            ("webhooks delayed", counts.WebhooksDelayed),
            ("webhooks dropped (never retried)", counts.WebhooksDropped),
            ("events received by Recur (delivered or caught up)", received),
            ("events caught up from GET /v1/events", caughtUp),
            ("events applied by Recur", applied),
            ("duplicates created (extra Stripe customers or subscriptions per order)", duplicates),
            ($"mismatches between Recur and Stripe after {settledAfter.TotalSeconds:0} s", mismatches.Count));

        Assert.All(sales, s => Assert.NotNull(s.StripeSubscriptionId));
        Assert.Equal(0, duplicates);
        Assert.True(mismatches.Count == 0, "Recur disagrees with Stripe: " + string.Join("; ", mismatches));
        Assert.True(counts.ApiFaults > 0 && counts.WebhooksDropped > 0 && counts.WebhooksDuplicated > 0, $"Faults were injected: {counts}");
    }

    /// <summary>A customer buys with a card, pressing Pay again (same page) while Recur answers with an error, then
    /// reloads the confirmation page until it shows the outcome.</summary>
    private async Task<Sale> BuyAsync(SellingTenant tenant)
    {
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId);
        CheckoutResponse? checkout = null;
        var attempts = 0;
        while (checkout is null && attempts < CustomerAttempts)
        {
            attempts++;
            try
            {
                using var response = await customer.PostOrderRawAsync(tenant.CheckoutPath, open.Token, details);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    checkout = await response.Content.ReadFromJsonAsync<CheckoutResponse>(CheckoutFlows.Json, Cancel);
                }
            }
            catch (HttpRequestException)
            {
                // Recur's answer did not come through; the customer presses Pay again.
            }
        }

        if (checkout is null)
        {
            return new Sale(details.Email!, null, attempts);
        }

        await factory.ConfirmCardAsync(checkout);
        await customer.WaitForAsync(checkout.ReturnUrl, page => page.State() == "Active", seconds: 60);
        return new Sale(details.Email!, await StripeSubscriptionIdAsync(checkout.OrderId), attempts);
    }

    /// <summary>
    /// Waits until Recur holds every order's subscription in Stripe's status, or the deadline passes, running Recur's
    /// catch-up (<c>GET /v1/events</c>) now and then as its timer would; the mismatches left, how long it took, and
    /// how many missed events the catch-up stored.
    /// </summary>
    private async Task<(List<string> Mismatches, TimeSpan After, int CaughtUp)> SettleAsync(SellingTenant tenant,
        StripeClient referee, IEnumerable<Sale> sales)
    {
        var started = DateTime.UtcNow;
        var caughtUp = 0;
        for (var pass = 0; ; pass++)
        {
            var mismatches = await MismatchesAsync(tenant, referee, sales);
            if (mismatches.Count == 0 || DateTime.UtcNow - started > SettleDeadline)
            {
                return (mismatches, DateTime.UtcNow - started, caughtUp);
            }

            if (pass % 6 == 5)
            {
                caughtUp += await factory.Service<StripeEventCatchUp>().RunOnceAsync(Cancel);
            }

            await Task.Delay(500, Cancel);
        }
    }

    private async Task<List<string>> MismatchesAsync(SellingTenant tenant, StripeClient referee, IEnumerable<Sale> sales)
    {
        var onAccount = new RequestOptions { StripeAccount = tenant.AccountId };
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var inRecur = await db.Subscriptions.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.StripeAccountId == tenant.AccountId)
            .ToDictionaryAsync(s => s.StripeSubscriptionId, s => s.Status, Cancel);
        var mismatches = new List<string>();
        foreach (var sale in sales.Where(s => s.StripeSubscriptionId is not null))
        {
            var atStripe = await referee.V1.Subscriptions.GetAsync(sale.StripeSubscriptionId!, null, onAccount, Cancel);
            var recurStatus = inRecur.TryGetValue(sale.StripeSubscriptionId!, out var status)
                ? JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString())
                : "missing";
            if (recurStatus != atStripe.Status)
            {
                mismatches.Add($"{sale.StripeSubscriptionId}: Stripe {atStripe.Status}, Recur {recurStatus}");
            }
        }

        return mismatches;
    }

    /// <summary>Stripe customers beyond one per order email, and subscriptions beyond one per customer.</summary>
    private static async Task<int> DuplicatesAsync(SellingTenant tenant, StripeClient referee, IEnumerable<Sale> sales)
    {
        var onAccount = new RequestOptions { StripeAccount = tenant.AccountId };
        var extra = 0;
        foreach (var sale in sales)
        {
            var customers = await referee.V1.Customers.ListAsync(new CustomerListOptions { Email = sale.Email, Limit = 100 }, onAccount, Cancel);
            extra += Math.Max(0, customers.Data.Count - 1);
            foreach (var customer in customers.Data)
            {
                var subscriptions = await referee.V1.Subscriptions.ListAsync(
                    new SubscriptionListOptions { Customer = customer.Id, Status = "all", Limit = 100 }, onAccount, Cancel);
                extra += Math.Max(0, subscriptions.Data.Count - 1);
            }
        }

        return extra;
    }

    private async Task<string?> StripeSubscriptionIdAsync(Guid orderId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Subscriptions.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.OrderId == orderId).Select(s => s.StripeSubscriptionId).SingleOrDefaultAsync(Cancel);
    }

    private async Task<(int Applied, int Received)> EventsAsync(string accountId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var events = db.StripeEvents.IgnoreQueryFilters().AsNoTracking().Where(e => e.Account == accountId);
        return (await events.CountAsync(e => e.ProcessedAt != null, Cancel), await events.CountAsync(Cancel));
    }

    /// <summary>The platform's own view of Stripe, retrying 5xx as Stripe.net does, to referee the run.</summary>
    private StripeClient Referee() => new(new StripeClientOptions
    {
        ApiKey = "sk_test_" + factory.Platform,
        ApiBase = factory.SandboxAddress.ToString().TrimEnd('/'),
        HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 4),
    });

    private HttpRequestMessage Admin(HttpMethod method, FaultPlan? plan = null)
    {
        var request = new HttpRequestMessage(method, new Uri(factory.SandboxAddress, FaultAdminApi.Path));
        request.Headers.Add(FaultAdminApi.TokenHeader, FaultRunRecurFactory.AdminToken);
        if (plan is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(plan, FaultAdminApi.Json), Encoding.UTF8, "application/json");
        }

        return request;
    }

    /// <summary>Switches the plan through the sandbox's admin endpoint, as a script against a running Recur would.</summary>
    private async Task SetPlanAsync(FaultPlan plan)
    {
        using var http = new HttpClient();
        using var request = Admin(HttpMethod.Post, plan);
        using var response = await http.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<FaultCounts> CountsAsync()
    {
        using var http = new HttpClient();
        using var request = Admin(HttpMethod.Get);
        using var response = await http.SendAsync(request, Cancel);
        var state = await response.Content.ReadFromJsonAsync<JsonObject>(Cancel);
        return state!["counts"].Deserialize<FaultCounts>(FaultAdminApi.Json)!;
    }

    private static void Report(params (string What, long Count)[] rows)
    {
        var table = new StringBuilder("Fault run\n");
        var width = rows.Max(r => r.What.Length);
        foreach (var (what, count) in rows)
        {
            table.Append("Fault run | ").Append(what.PadRight(width)).Append(" | ").Append(count).Append('\n');
        }

        TestContext.Current.TestOutputHelper?.WriteLine(table.ToString());
    }
}
