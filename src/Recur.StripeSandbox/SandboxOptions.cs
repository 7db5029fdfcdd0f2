using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.WebhookEndpoints;

namespace Recur.StripeSandbox;

/// <summary>How one sandbox process is set up: where it listens and where it keeps its state.</summary>
public sealed class SandboxOptions
{
    /// <summary>The address to listen on; port 0 picks a free port.</summary>
    public string Url { get; set; } = "http://127.0.0.1:12111";

    /// <summary>The SQLite file that keeps state across restarts; null keeps everything in memory.</summary>
    public string? DatabasePath { get; set; }

    /// <summary>The clock the sandbox reads; tests may pass a fake one.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Whether a background loop delivers webhooks; tests that call <c>WebhookDelivery.RunOnceAsync</c> turn it off.</summary>
    public bool DeliverWebhooksInBackground { get; set; } = true;

    /// <summary>
    /// The default API version of every platform's account: events are created (and listed by <c>GET /v1/events</c>)
    /// in it, and an endpoint without <c>api_version</c> receives it. Stripe fixes an account's version at its first
    /// request and keeps it until the account upgrades (https://docs.stripe.com/upgrades); listed events keep the version
    /// they were created in (https://docs.stripe.com/api/events/list). Here one train behind
    /// Stripe.net's, so a client that forgets to pin its endpoint sees the mismatch; a host whose platform is up to
    /// date (Recur's embedded sandbox) sets the current version.
    /// </summary>
    public string DefaultApiVersion { get; set; } = "2026-08-26.dahlia";

    /// <summary>Live mode: a failed delivery is retried with exponential backoff for up to this long after its
    /// first attempt: three days at Stripe (https://docs.stripe.com/webhooks#automatic-retries).</summary>
    public TimeSpan WebhookLiveRetryWindow { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Live mode: the wait before the first retry; it doubles with each failure, up to <see cref="WebhookMaxRetryDelay"/>.</summary>
    public TimeSpan WebhookFirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Live mode: the longest wait between two attempts of one delivery.</summary>
    public TimeSpan WebhookMaxRetryDelay { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Test mode: how many times a failed delivery is retried: three times, over a few hours, at Stripe
    /// (https://docs.stripe.com/webhooks#automatic-retries).</summary>
    public int WebhookTestRetries { get; set; } = 3;

    /// <summary>Test mode: the wait before the first retry; it doubles with each failure (30 min, 1 h, 2 h).</summary>
    public TimeSpan WebhookTestFirstRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Fault injection: every acknowledged webhook is sent a second time, as Stripe's at-least-once delivery may.</summary>
    public bool DuplicateWebhookDeliveries { get; set; }

    /// <summary>Test hook: awaited when an authenticated <c>/v1</c> request arrives and again once it has run, before
    /// its answer is sent (see <see cref="ApiRequestObserver"/>). Null: no hook.</summary>
    public Func<ApiRequestStage, HttpContext, Task>? ObserveApiRequest { get; set; }

    /// <summary>Test hook: awaited after each webhook delivery attempt, before its outcome is recorded. Null: no hook.</summary>
    public Func<WebhookAttempt, Task>? ObserveWebhookAttempt { get; set; }

    /// <summary>The faults this sandbox injects (none until a plan is set); a test keeps it to switch them.</summary>
    public SandboxFaults Faults { get; set; } = new();

    /// <summary>
    /// The token that opens <c>/_sandbox/faults</c> (sent in <c>Sandbox-Admin-Token</c>); null or empty leaves the
    /// admin endpoint out, so faults are then switched only through <see cref="Faults"/>.
    /// </summary>
    public string? FaultAdminToken { get; set; }

    /// <summary>
    /// How long an ordinary BACS debit stays <c>processing</c> (and a new mandate <c>pending</c>) before it settles.
    /// Stripe's three-minute test accounts take three minutes whatever this says. On a test clock the delay counts in
    /// the clock's time, so advancing the clock past it settles the debit at once.
    /// </summary>
    public TimeSpan BacsSettlementDelay { get; set; } = TimeSpan.FromSeconds(5);

    public static SandboxOptions FromArgs(string[] args)
    {
        var options = new SandboxOptions { DatabasePath = Path.Combine("data", "stripe-sandbox.db") };
        for (var i = 0; i < args.Length - 1; i++)
        {
            switch (args[i])
            {
                case "--urls": options.Url = args[i + 1]; break;
                case "--database": options.DatabasePath = args[i + 1] == ":memory:" ? null : args[i + 1]; break;
                case "--fault-admin-token": options.FaultAdminToken = args[i + 1]; break;
                case "--default-api-version":
                    options.DefaultApiVersion = args[i + 1];
                    break;
                case "--bacs-settlement-seconds" when double.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out var seconds):
                    options.BacsSettlementDelay = TimeSpan.FromSeconds(seconds);
                    break;
            }
        }
        return options;
    }
}
