namespace Recur.Web.Health;

public static class HealthEndpoints
{
    /// <summary><c>GET /health</c>: 200 when the database, the embedded sandbox (if used) and Recur's webhook
    /// registration are all ready; 503 otherwise.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health").AllowAnonymous();
        return app;
    }
}
