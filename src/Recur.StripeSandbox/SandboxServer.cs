namespace Recur.StripeSandbox;

/// <summary>Builds the sandbox as a web application of its own, runnable alone or inside Recur.</summary>
public static class SandboxServer
{
    public static WebApplication Create(SandboxOptions options, string[]? args = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ApplicationName = typeof(SandboxServer).Assembly.GetName().Name,
        });
        builder.WebHost.UseUrls(options.Url);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.Time);

        var app = builder.Build();
        app.MapGet("/", () => TypedResults.Text("Recur Stripe sandbox"));
        return app;
    }
}
