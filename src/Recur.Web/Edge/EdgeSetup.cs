using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Recur.Web.Edge;

/// <summary>
/// What every request meets first: the client's real address and scheme behind a trusted proxy, the body size
/// limit (413 ProblemDetails), and the rate limits (429 ProblemDetails with <c>Retry-After</c>).
/// </summary>
public static class EdgeSetup
{
    public static WebApplicationBuilder AddEdge(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.Section)
            .Validate(s => s.KnownProxies.All(p => IPAddress.TryParse(p, out _)), "ForwardedHeaders:KnownProxies must be IP addresses.")
            .Validate(s => s.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)), "ForwardedHeaders:KnownNetworks must be CIDR networks, like 10.0.0.0/8.")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((options, settings) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            var proxies = settings.Value;
            if (proxies.KnownProxies.Length > 0 || proxies.KnownNetworks.Length > 0)
            {
                // Configured proxies replace the loopback defaults.
                options.KnownProxies.Clear();
                options.KnownIPNetworks.Clear();
                foreach (var proxy in proxies.KnownProxies)
                {
                    options.KnownProxies.Add(IPAddress.Parse(proxy));
                }
                foreach (var network in proxies.KnownNetworks)
                {
                    options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            }
        });

        builder.Services.AddAntiforgery(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);

        builder.Services.AddOptions<RequestLimitSettings>().BindConfiguration(RequestLimitSettings.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.Configure<ExceptionHandlerOptions>(options => options.StatusCodeSelector = StatusCodeFor);
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<RequestLimitSettings>>(
            (kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxBodyBytes);

        builder.Services.AddOptions<RateLimitSettings>().BindConfiguration(RateLimitSettings.Section)
            .Validate(s => new[] { s.SignIn, s.SignUp, s.CheckoutOrders, s.Webhooks }.All(l => l.PermitLimit > 0 && l.WindowSeconds > 0),
                "Every RateLimits entry needs a PermitLimit and WindowSeconds above zero.")
            .Validate(s => s.WebhookAllowedAddresses.All(a => IPAddress.TryParse(a, out _)), "RateLimits:WebhookAllowedAddresses must be IP addresses.")
            .ValidateOnStart();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitSettings>>((options, settings) =>
        {
            options.GlobalLimiter = RateLimits.Create(settings.Value);
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = RateLimits.RejectAsync;
        });
        return builder;
    }

    /// <summary>Forwarded headers first (everything after sees the client's address and scheme), then the body limit,
    /// the rate limits and the reading of forms that hold NUL. Call right after <c>UseExceptionHandler</c>.</summary>
    public static WebApplication UseEdge(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.Use(RequestBodyLimit.RefuseDeclaredOversizeAsync);
        app.UseRateLimiter();
        app.Use(ControlCharacters.ReadFormsHoldingNulAsync);
        return app;
    }

    /// <summary>For <see cref="ExceptionHandlerOptions.StatusCodeSelector"/>: a body larger than allowed, found while
    /// reading it, is Kestrel's 413 (or its 400 for a malformed body), not a 500.</summary>
    public static int StatusCodeFor(Exception exception) => exception switch
    {
        Microsoft.AspNetCore.Http.BadHttpRequestException bad => bad.StatusCode,
        _ when exception.InnerException is Microsoft.AspNetCore.Http.BadHttpRequestException inner => inner.StatusCode,
        _ => StatusCodes.Status500InternalServerError,
    };
}
