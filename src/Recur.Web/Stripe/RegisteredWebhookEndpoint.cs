namespace Recur.Web.Stripe;

/// <summary>
/// The Connect webhook endpoint Recur created for one environment: its Stripe id, where it points, the API version it
/// is pinned to, and its signing secret encrypted with ASP.NET Core Data Protection. Kept across restarts so the
/// endpoint (and the deliveries Stripe is retrying to it) survive; replaced only when it no longer works.
/// </summary>
public sealed class RegisteredWebhookEndpoint
{
    private RegisteredWebhookEndpoint()
    {
        EndpointId = "";
        Url = "";
        ApiVersion = "";
        ProtectedSecret = "";
    }

    public RegisteredWebhookEndpoint(StripeEnvironment environment, string endpointId, string url, string apiVersion,
        string protectedSecret, DateTimeOffset now)
    {
        Environment = environment;
        EndpointId = endpointId;
        Url = url;
        ApiVersion = apiVersion;
        ProtectedSecret = protectedSecret;
        CreatedAt = now;
        CheckedAt = now;
    }

    public StripeEnvironment Environment { get; private set; }

    /// <summary>Stripe's id, <c>we_…</c>.</summary>
    public string EndpointId { get; private set; }

    public string Url { get; private set; }
    public string ApiVersion { get; private set; }

    /// <summary>The <c>whsec_…</c> secret, protected by Data Protection; never stored or logged in clear.</summary>
    public string ProtectedSecret { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When Recur last found the endpoint still valid at Stripe (or created it).</summary>
    public DateTimeOffset CheckedAt { get; private set; }

    /// <summary>How many times Recur had to replace an endpoint of this environment, and why the last time.</summary>
    public int Replacements { get; private set; }
    public string? ReplacedBecause { get; private set; }

    public void MarkChecked(DateTimeOffset now) => CheckedAt = now;

    public void Replace(string endpointId, string url, string apiVersion, string protectedSecret, string reason, DateTimeOffset now)
    {
        EndpointId = endpointId;
        Url = url;
        ApiVersion = apiVersion;
        ProtectedSecret = protectedSecret;
        CreatedAt = now;
        CheckedAt = now;
        Replacements++;
        ReplacedBecause = reason;
    }
}
