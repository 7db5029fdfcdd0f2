namespace Recur.StripeSandbox.Infrastructure;

/// <summary>Where an API request stands when <see cref="SandboxOptions.ObserveApiRequest"/> is called.</summary>
public enum ApiRequestStage
{
    /// <summary>Authenticated, not run yet. Aborting the request now (<c>HttpContext.Abort()</c>) means it never runs:
    /// Stripe did not receive it.</summary>
    Arrived,

    /// <summary>Run, its idempotent result stored, its answer not sent yet (held back until the observer returns).
    /// Aborting the request now means the caller never learns what Stripe did.</summary>
    Answered,
}

/// <summary>
/// A test's window on the API: with <see cref="SandboxOptions.ObserveApiRequest"/> set, every authenticated
/// <c>/v1</c> request is reported when it arrives and again when it has run, and waits for the observer each time,
/// so a test can crash the caller at exactly that point. Off (no cost) unless a test sets it.
/// </summary>
public static class ApiRequestObserver
{
    public static IApplicationBuilder UseApiRequestObserver(this IApplicationBuilder app, SandboxOptions options) =>
        options.ObserveApiRequest is not { } observe
            ? app
            : app.UseWhen(c => c.Request.Path.StartsWithSegments("/v1") && c.Features.Get<ApiCaller>() is not null,
                branch => branch.Use((context, next) => ObserveAsync(context, next, observe)));

    private static async Task ObserveAsync(HttpContext context, RequestDelegate next, Func<ApiRequestStage, HttpContext, Task> observe)
    {
        await observe(ApiRequestStage.Arrived, context);
        if (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        await observe(ApiRequestStage.Answered, context);
        if (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }
}
