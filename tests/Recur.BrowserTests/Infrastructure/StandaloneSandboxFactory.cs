using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Recur.StripeSandbox;
using Recur.Tests.Infrastructure;

namespace Recur.BrowserTests.Infrastructure;

/// <summary>
/// Recur configured the way a merchant switching to real Stripe configures it: keys that look like Stripe's
/// (<c>sk_test_51…</c>), <c>ApiBase</c>/<c>ConnectBase</c>/<c>StripeJsUrl</c> pointing at Stripe, no embedded sandbox
/// and no webhook secret. "Stripe" here is the sandbox run on its own, as <c>dotnet run --project
/// src/Recur.StripeSandbox</c> runs it: its own port and database file, and its default API version (older than
/// Stripe.net's, as a platform account that has not upgraded is).
/// </summary>
public sealed class StandaloneSandboxFactory : RecurFactory
{
    private readonly string _sandboxDatabase = Path.Combine(Path.GetTempPath(), $"recur-standalone-stripe-{Guid.NewGuid():N}.db");
    private readonly string _keySuffix = "51" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 96);
    private WebApplication? _sandbox;
    private string _stripe = "";

    protected override async ValueTask StartStripeAsync()
    {
        _sandbox = SandboxServer.Create(new SandboxOptions { Url = "http://127.0.0.1:0", DatabasePath = _sandboxDatabase },
            ["--Logging:LogLevel:Default=Warning"]);
        await _sandbox.StartAsync();
        _stripe = _sandbox.Urls.First().TrimEnd('/');
    }

    protected override IReadOnlyDictionary<string, string?> ExtraSettings
    {
        get
        {
            var settings = new Dictionary<string, string?>();
            foreach (var (environment, secret, publishable) in new[] { ("Test", "sk_test_", "pk_test_"), ("Production", "sk_live_", "pk_live_") })
            {
                var section = $"Stripe:{environment}:";
                settings[section + "SecretKey"] = secret + _keySuffix;
                settings[section + "PublishableKey"] = publishable + _keySuffix;
                settings[section + "ClientId"] = "ca_" + _keySuffix;
                settings[section + "UseEmbeddedSandbox"] = "false";
                settings[section + "ApiBase"] = _stripe;
                settings[section + "ConnectBase"] = _stripe;
                settings[section + "StripeJsUrl"] = _stripe + "/v3/stripe.js";
                settings[section + "DashboardUrl"] = _stripe + "/dashboard/{account}";
            }
            return settings;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
        foreach (var file in new[] { _sandboxDatabase, _sandboxDatabase + "-wal", _sandboxDatabase + "-shm" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }
}
