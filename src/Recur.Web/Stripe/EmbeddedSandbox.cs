using Microsoft.Extensions.Options;
using Recur.StripeSandbox;

namespace Recur.Web.Stripe;

/// <summary>
/// Runs the Stripe sandbox inside Recur's process, on its own origin, whenever an environment uses it. Stripe
/// clients wait for <see cref="WaitUntilReadyAsync"/> so they are only built once the sandbox listens.
/// </summary>
public sealed partial class EmbeddedSandbox(
    IOptions<SandboxHostOptions> hostOptions,
    IOptionsMonitor<StripeOptions> stripeOptions,
    IHostEnvironment hostEnvironment,
    TimeProvider time,
    ILogger<EmbeddedSandbox> logger) : IHostedService, IAsyncDisposable
{
    private readonly TaskCompletionSource<Uri> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    /// <summary>True when at least one environment talks to the embedded sandbox.</summary>
    public bool IsNeeded => StripeEnvironmentNames.All.Any(e => stripeOptions.Get(e.ToString()).UsesEmbeddedSandbox);

    public bool IsRunning => _ready.Task.IsCompletedSuccessfully;

    /// <summary>The address the sandbox is bound to, without a trailing slash.</summary>
    public Uri? BaseUrl => _ready.Task.IsCompletedSuccessfully ? _ready.Task.Result : null;

    public Task<Uri> WaitUntilReadyAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!IsNeeded)
        {
            _ready.TrySetException(new InvalidOperationException("The embedded Stripe sandbox is not in use."));
            return;
        }
        try
        {
            var options = hostOptions.Value;
            var databasePath = string.IsNullOrWhiteSpace(options.DatabasePath)
                ? null
                : Path.GetFullPath(options.DatabasePath, hostEnvironment.ContentRootPath);
            if (databasePath is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
            }
            // The sandbox logs warnings and its address; Recur's own logs say what Recur does with Stripe.
            string[] args = ["--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information"];
            // The embedded platform is up to date: its account's default API version is the one Stripe.net reads, so
            // events listed by the catch-up are readable (Recur's own endpoints are pinned to it anyway).
            _app = SandboxServer.Create(new SandboxOptions
            {
                Url = options.Url,
                DatabasePath = databasePath,
                Time = time,
                DefaultApiVersion = global::Stripe.StripeConfiguration.ApiVersion,
                FaultAdminToken = options.FaultAdminToken,
            }, args);
            await _app.StartAsync(cancellationToken);
            var bound = _app.Urls.First();
            var baseUrl = new Uri(bound.TrimEnd('/'));
            LogStarted(logger, baseUrl);
            _ready.TrySetResult(baseUrl);
        }
        catch (Exception exception)
        {
            _ready.TrySetException(exception);
            throw;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded Stripe sandbox listening on {BaseUrl}")]
    private static partial void LogStarted(ILogger logger, Uri baseUrl);
}
