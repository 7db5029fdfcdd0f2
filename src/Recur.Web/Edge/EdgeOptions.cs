using System.ComponentModel.DataAnnotations;

namespace Recur.Web.Edge;

/// <summary>The proxies Recur trusts to say who the client is (<c>X-Forwarded-For</c>) and whether it came over
/// HTTPS (<c>X-Forwarded-Proto</c>). Section <c>ForwardedHeaders</c>; unset: loopback only, as ASP.NET Core does.</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR form, e.g. <c>10.0.0.0/8</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];
}

/// <summary>How large a request body may be (section <c>RequestLimits</c>). Recur's forms and JSON are small, and
/// Stripe's events are far below a megabyte.</summary>
public sealed class RequestLimitSettings
{
    public const string Section = "RequestLimits";

    [Range(1024, 100 * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>One fixed-window limit: at most <see cref="PermitLimit"/> requests per <see cref="WindowSeconds"/> from
/// one client address.</summary>
public sealed class WindowLimit
{
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; }

    [Range(1, 86_400)]
    public int WindowSeconds { get; set; }

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}

/// <summary>
/// Rate limits per client address (section <c>RateLimits</c>): sign-in and sign-up against password guessing and
/// account spam, checkout orders against card testing, webhooks generously (Stripe retries a refused delivery, and
/// its addresses can be exempted with <see cref="WebhookAllowedAddresses"/>).
/// </summary>
public sealed class RateLimitSettings
{
    public const string Section = "RateLimits";

    public WindowLimit SignIn { get; set; } = new() { PermitLimit = 10, WindowSeconds = 60 };
    public WindowLimit SignUp { get; set; } = new() { PermitLimit = 10, WindowSeconds = 3600 };
    public WindowLimit CheckoutOrders { get; set; } = new() { PermitLimit = 20, WindowSeconds = 60 };
    public WindowLimit Webhooks { get; set; } = new() { PermitLimit = 1200, WindowSeconds = 60 };

    /// <summary>Addresses never limited on the webhook endpoints, e.g. the ones Stripe lists for webhooks
    /// (https://docs.stripe.com/ips#webhook-notifications).</summary>
    public string[] WebhookAllowedAddresses { get; set; } = [];
}
