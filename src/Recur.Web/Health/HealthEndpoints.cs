using System.Text;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Recur.Web.Health;

public static class HealthEndpoints
{
    /// <summary>
    /// <c>GET /health</c> and <c>GET /health/ready</c>: 200 when the database, the embedded sandbox (if used) and
    /// Recur's webhook registration are all ready (<c>Degraded</c>, still 200, when events wait for the operator);
    /// 503 otherwise — a load balancer sends traffic only to a ready node. <c>GET /health/live</c>: 200 while the
    /// process answers at all, whatever its dependencies say — an orchestrator restarts a node only when this fails.
    /// The body is the overall status, then one line per check that is not healthy, with what is wrong.
    /// </summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        var ready = new HealthCheckOptions { ResponseWriter = WritePlainTextAsync };
        app.MapHealthChecks("/health", ready).AllowAnonymous();
        app.MapHealthChecks("/health/ready", ready).AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WritePlainTextAsync }).AllowAnonymous();
        return app;
    }

    private static Task WritePlainTextAsync(HttpContext context, HealthReport report)
    {
        var text = new StringBuilder(report.Status.ToString());
        foreach (var (name, entry) in report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(name).Append(": ").Append(entry.Status).Append(" - ").Append(entry.Description);
        }
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text.ToString(), context.RequestAborted);
    }
}
