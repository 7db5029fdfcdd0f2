using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Recur.StripeSandbox;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.WebhookEndpoints;
using Recur.Tests.Infrastructure;
using Stripe;

namespace Recur.Tests.Resilience;

/// <summary>
/// The Stripe sandbox in the test process, watching every request, and Recur as a real child process set up as a
/// merchant would set it up with real Stripe: its own secret, publishable and Connect keys (not the embedded
/// sandbox), Stripe's addresses pointing at the sandbox. A test arms a crash (<see cref="CrashAtAsync"/>,
/// <see cref="CrashAfterWebhookAsync"/>): the sandbox kills Recur with SIGKILL at that exact point; the test then
/// starts it again on the same database. Shared by one test class, whose tests run one after another.
/// </summary>
public sealed class CrashingRecurFixture : IAsyncLifetime, IRecurHost
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"recur-crash-{Guid.NewGuid():N}");
    private WebApplication? _sandbox;
    private volatile Func<ApiRequestStage, HttpContext, Task>? _onApiRequest;
    private volatile Func<WebhookAttempt, Task>? _onWebhookAttempt;

    /// <summary>The sandbox platform Recur is configured with: keys <c>sk_test_{Platform}</c>, <c>pk_test_{Platform}</c>…</summary>
    public string Platform { get; } = Guid.NewGuid().ToString("N");

    public RecurProcess Recur { get; private set; } = null!;

    public Uri ServerAddress => Recur.Address;

    public Uri SandboxAddress { get; private set; } = null!;

    /// <summary>The platform's own Stripe.net client (Test), the test's referee on what exists at Stripe.</summary>
    public StripeClient Stripe { get; private set; } = null!;

    public RecurBrowser NewBrowser() => new(ServerAddress);

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _sandbox = SandboxServer.Create(new SandboxOptions
        {
            Url = "http://127.0.0.1:0",
            DatabasePath = Path.Combine(_directory, "stripe-sandbox.db"),
            // A platform whose account is on the API version Recur's Stripe.net speaks, as Recur's setup asks: events
            // listed by GET /v1/events (catch-up) come in the account's version.
            DefaultApiVersion = StripeConfiguration.ApiVersion,
            ObserveApiRequest = (stage, context) => _onApiRequest?.Invoke(stage, context) ?? Task.CompletedTask,
            ObserveWebhookAttempt = attempt => _onWebhookAttempt?.Invoke(attempt) ?? Task.CompletedTask,
        }, ["--Logging:LogLevel:Default=Warning"]);
        await _sandbox.StartAsync();
        SandboxAddress = new Uri(_sandbox.Urls.First());
        var sandbox = SandboxAddress.ToString().TrimEnd('/');
        Stripe = Client("sk_test_" + Platform, sandbox);

        var port = RecurProcess.FreePort();
        var recur = $"http://127.0.0.1:{port}";
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // Data Protection keeps its keys under HOME: cookies and antiforgery tokens outlive a restart, as on a
            // server with a persistent home directory.
            ["HOME"] = _directory,
            ["ConnectionStrings__Recur"] = $"Data Source={Path.Combine(_directory, "recur.db")}",
            ["Recur__PublicUrl"] = recur,
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft"] = "Warning",
            ["Logging__LogLevel__System.Net.Http"] = "Warning",
            ["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ",
            ["RateLimits__SignIn__PermitLimit"] = "100000",
            ["RateLimits__SignUp__PermitLimit"] = "100000",
            ["RateLimits__CheckoutOrders__PermitLimit"] = "100000",
            ["RateLimits__Webhooks__PermitLimit"] = "100000",
        };
        foreach (var (name, secret, publishable) in new[] { ("Test", "sk_test_", "pk_test_"), ("Production", "sk_live_", "pk_live_") })
        {
            // No WebhookSecret: Recur makes its own Connect endpoint through the API, as with real Stripe.
            var section = $"Stripe__{name}__";
            environment[section + "SecretKey"] = secret + Platform;
            environment[section + "PublishableKey"] = publishable + Platform;
            environment[section + "ClientId"] = "ca_" + Platform;
            environment[section + "ApiBase"] = sandbox;
            environment[section + "ConnectBase"] = sandbox;
            environment[section + "StripeJsUrl"] = sandbox + "/v3/stripe.js";
            environment[section + "DashboardUrl"] = sandbox + "/dashboard/{account}";
            environment[section + "UseEmbeddedSandbox"] = "false";
        }

        Recur = new RecurProcess(environment, _directory, port);
        await Recur.StartAsync(CancellationToken.None);
    }

    /// <summary>Starts Recur again if a crash (or a failed test) left it down.</summary>
    public async Task EnsureRunningAsync()
    {
        Disarm();
        if (!Recur.IsRunning)
        {
            await Recur.StartAsync(TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Starts Recur after a crash, on the same database and address.</summary>
    public Task RestartAsync() => Recur.StartAsync(TestContext.Current.CancellationToken);

    /// <summary>
    /// Arms one crash: the first API request for which <paramref name="matches"/> holds, at <paramref name="stage"/>,
    /// kills Recur there and is cut off (<see cref="ApiRequestStage.Arrived"/>: it never runs;
    /// <see cref="ApiRequestStage.Answered"/>: it ran, and Recur never got the answer). The task completes, with the
    /// request's method and path, once Recur is dead.
    /// </summary>
    public Task<string> CrashAtAsync(ApiRequestStage stage, Func<HttpRequest, bool> matches)
    {
        var crashed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var armed = 1;
        _onApiRequest = async (at, context) =>
        {
            if (at != stage || !matches(context.Request) || Interlocked.Exchange(ref armed, 0) == 0)
            {
                return;
            }
            await Recur.KillAsync();
            context.Abort();
            crashed.TrySetResult($"{context.Request.Method} {context.Request.Path}");
        };
        return crashed.Task;
    }

    /// <summary>
    /// Arms one crash right after Recur acknowledged a webhook (2xx) for which <paramref name="matches"/> holds:
    /// the event is in Recur's inbox and maybe not applied yet. The task completes with the attempt once Recur is dead.
    /// </summary>
    public Task<WebhookAttempt> CrashAfterWebhookAsync(Func<WebhookAttempt, bool> matches)
    {
        var crashed = new TaskCompletionSource<WebhookAttempt>(TaskCreationOptions.RunContinuationsAsynchronously);
        var armed = 1;
        _onWebhookAttempt = async attempt =>
        {
            if (!attempt.Delivered || !matches(attempt) || Interlocked.Exchange(ref armed, 0) == 0)
            {
                return;
            }
            await Recur.KillAsync();
            crashed.TrySetResult(attempt);
        };
        return crashed.Task;
    }

    /// <summary>Completes with the first webhook attempt for which <paramref name="matches"/> holds (no crash).</summary>
    public Task<WebhookAttempt> NextWebhookAttemptAsync(Func<WebhookAttempt, bool> matches)
    {
        var seen = new TaskCompletionSource<WebhookAttempt>(TaskCreationOptions.RunContinuationsAsynchronously);
        _onWebhookAttempt = attempt =>
        {
            if (matches(attempt))
            {
                seen.TrySetResult(attempt);
            }
            return Task.CompletedTask;
        };
        return seen.Task;
    }

    public void Disarm()
    {
        _onApiRequest = null;
        _onWebhookAttempt = null;
    }

    public async ValueTask DisposeAsync()
    {
        Disarm();
        if (Recur is not null)
        {
            await Recur.DisposeAsync();
        }
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            // RECUR_KEEP_CRASH_LOGS=1 keeps Recur's logs (recur-N.log, one per start) and both databases to look at.
            if (Environment.GetEnvironmentVariable("RECUR_KEEP_CRASH_LOGS") is null)
            {
                Directory.Delete(_directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    private static StripeClient Client(string secretKey, string baseUrl) => new(new StripeClientOptions
    {
        ApiKey = secretKey,
        ApiBase = baseUrl,
        ConnectBase = baseUrl,
        HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0),
    });
}
