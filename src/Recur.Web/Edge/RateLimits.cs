using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Recur.Web.Edge;

/// <summary>
/// Which requests are rate limited, partitioned by the client's address (after forwarded headers): posting the
/// sign-in and sign-up forms, placing checkout orders, and Stripe's webhook deliveries. Everything else is not
/// limited here.
/// </summary>
public static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string SignUp = "sign-up";
    public const string CheckoutOrders = "checkout-orders";
    public const string Webhooks = "webhooks";

    public static PartitionedRateLimiter<HttpContext> Create(RateLimitSettings settings)
    {
        var allowed = settings.WebhookAllowedAddresses.Select(IPAddress.Parse).ToHashSet();
        return PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var policy = PolicyFor(context.Request);
            var address = context.Connection.RemoteIpAddress;
            if (policy is null || (policy == Webhooks && address is not null && allowed.Contains(Normalize(address))))
            {
                return RateLimitPartition.GetNoLimiter("unlimited");
            }
            var limit = policy switch
            {
                SignIn => settings.SignIn,
                SignUp => settings.SignUp,
                CheckoutOrders => settings.CheckoutOrders,
                _ => settings.Webhooks,
            };
            var client = address is null ? "unknown" : Normalize(address).ToString();
            return RateLimitPartition.GetFixedWindowLimiter(policy + "|" + client, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit.PermitLimit,
                Window = limit.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
    }

    /// <summary>The policy a request falls under, or null.</summary>
    public static string? PolicyFor(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            return null;
        }
        var path = request.Path;
        if (path.Equals("/signin", StringComparison.OrdinalIgnoreCase))
        {
            return SignIn;
        }
        if (path.Equals("/signup", StringComparison.OrdinalIgnoreCase))
        {
            return SignUp;
        }
        if (path.StartsWithSegments("/webhooks/stripe", StringComparison.OrdinalIgnoreCase))
        {
            return Webhooks;
        }
        // /api/checkout/{offer}/orders
        var segments = path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return segments.Length == 4 && segments[0].Equals("api", StringComparison.OrdinalIgnoreCase)
            && segments[1].Equals("checkout", StringComparison.OrdinalIgnoreCase) && segments[3].Equals("orders", StringComparison.OrdinalIgnoreCase)
            ? CheckoutOrders
            : null;
    }

    public static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var what = PolicyFor(context.Request) switch
        {
            SignIn => "sign-in attempts",
            SignUp => "sign-ups",
            CheckoutOrders => "checkout attempts",
            _ => "requests",
        };
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"Too many {what} from your network. Wait {seconds} second{(seconds == 1 ? "" : "s")} and try again.",
            },
        });
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
