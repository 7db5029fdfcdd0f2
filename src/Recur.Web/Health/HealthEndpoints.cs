using System.Text;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Recur.Web.Health;

public static class HealthEndpoints
{
    /// <summary><c>GET /health</c>: 200 when the database, the embedded sandbox (if used) and Recur's webhook
    /// registration are all ready (<c>Degraded</c>, still 200, when events wait for the operator); 503 otherwise.
    /// The body is the overall status, then one line per check that is not healthy, with what is wrong.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WritePlainTextAsync }).AllowAnonymous();
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
