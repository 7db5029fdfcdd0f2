using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Recur.Web.Stripe;

namespace Recur.Tests.Infrastructure;

/// <summary>
/// Recur on real Kestrel at a free loopback port, with its own SQLite file, the embedded sandbox in memory at a
/// free port, and platform keys no other factory uses (so each factory is an isolated sandbox platform). Ready
/// when <c>/health</c> answers 200. Shared by one test class; each test signs up its own tenant.
/// </summary>
public class RecurFactory : WebApplicationFactory<Program>, IAsyncLifetime, IRecurHost
{
    private readonly string _databasePath;

    public RecurFactory()
        : this(Guid.NewGuid().ToString("N"), Path.Combine(Path.GetTempPath(), $"recur-tests-{Guid.NewGuid():N}.db"), 0)
    {
    }

    /// <summary>For factories that restart Recur: the same platform, database file and port each time.</summary>
    protected RecurFactory(string platform, string databasePath, int port)
    {
        Platform = platform;
        _databasePath = databasePath;
        UseKestrel(port);
    }

    /// <summary>Whether disposing deletes the database file (a restarted Recur keeps it).</summary>
    protected virtual bool DeletesDatabase => true;


    /// <summary>The sandbox platform name: keys are <c>sk_test_{Platform}</c>, <c>sk_live_{Platform}</c>…</summary>
    public string Platform { get; }

    public string ClientId => "ca_" + Platform;

    /// <summary>Recur's address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri ServerAddress { get; private set; } = null!;

    /// <summary>The embedded sandbox's address.</summary>
    public Uri SandboxAddress { get; private set; } = null!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Recur"] = $"Data Source={_databasePath}",
            ["Sandbox:Url"] = "http://127.0.0.1:0",
            ["Sandbox:DatabasePath"] = "",
            ["Stripe:Test:SecretKey"] = "sk_test_" + Platform,
            ["Stripe:Test:PublishableKey"] = "pk_test_" + Platform,
            ["Stripe:Test:ClientId"] = ClientId,
            ["Stripe:Test:UseEmbeddedSandbox"] = "true",
            ["Stripe:Production:SecretKey"] = "sk_live_" + Platform,
            ["Stripe:Production:PublishableKey"] = "pk_live_" + Platform,
            ["Stripe:Production:ClientId"] = ClientId,
            ["Stripe:Production:UseEmbeddedSandbox"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            // Every test talks from 127.0.0.1: limits for a crowd, unless a test class sets its own (ExtraSettings).
            ["RateLimits:SignIn:PermitLimit"] = "100000",
            ["RateLimits:SignUp:PermitLimit"] = "100000",
            ["RateLimits:CheckoutOrders:PermitLimit"] = "100000",
            ["RateLimits:Webhooks:PermitLimit"] = "100000",
            // Tests see what webhooks and their own actions did; a class that tests the background run turns it on.
            ["Reconciliation:Enabled"] = "false",
        };
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Settings a test class's own factory adds or overrides (e.g. low rate limits).</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>();

    /// <summary>Starts what Recur talks to before Recur itself (a standalone sandbox, for factories that use one).</summary>
    protected virtual ValueTask StartStripeAsync() => ValueTask.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        await StartStripeAsync();
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        ServerAddress = new Uri(addresses.First());
        var embedded = Services.GetRequiredService<EmbeddedSandbox>();
        SandboxAddress = embedded.IsNeeded
            ? await embedded.WaitUntilReadyAsync(CancellationToken.None)
            : new Uri(Services.GetRequiredService<StripeClients>().Options(StripeEnvironment.Test).ApiBase!);

        using var http = new HttpClient { BaseAddress = ServerAddress };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Recur did not become healthy within 2 minutes.");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>A browser-like client: its own cookies, redirects followed by hand.</summary>
    public RecurBrowser NewBrowser() => new(ServerAddress);

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (!DeletesDatabase)
        {
            GC.SuppressFinalize(this);
            return;
        }
        foreach (var file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
        GC.SuppressFinalize(this);
    }
}
