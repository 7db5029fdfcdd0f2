namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// Applies <see cref="SandboxFaults"/> to authenticated <c>/v1</c> requests. It sits after authentication (a bad key
/// is still a 401) and before <see cref="Idempotency"/>, where Stripe's own limiters sit: "rate limiters run before
/// the API's idempotency layer" (https://docs.stripe.com/error-handling#content-errors), so a 429 or an early 5xx
/// stores nothing and the same <c>Idempotency-Key</c> may be sent again. A request that is applied and then loses
/// its answer (<see cref="ApiFaultKind.LostResponse"/>, <see cref="ApiFaultKind.Timeout"/>) has gone through the
/// idempotency layer, so its result is stored and a retry with the same key gets it back
/// (https://docs.stripe.com/error-low-level#idempotency). It also counts the answers replayed from a stored result.
/// </summary>
public static partial class FaultInjection
{
    /// <summary>The <see cref="HttpContext.Items"/> key of the time a slow keyed write is held once
    /// <see cref="Idempotency"/> has claimed its key (a retry meanwhile gets 409 <c>idempotency_key_in_use</c>).</summary>
    public const string HoldAfterClaim = "sandbox.fault.hold-after-claim";

    public static IApplicationBuilder UseSandboxFaults(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/v1") && c.Features.Get<ApiCaller>() is not null,
            branch => branch.Use(HandleAsync));

    private static async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        var faults = context.RequestServices.GetRequiredService<SandboxFaults>();
        var fault = faults.PickApiFault(context.Request.Method, context.Request.Path);
        if (fault is null)
        {
            await RunAsync(context, next, faults);
            return;
        }

        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FaultInjection));
        LogInjected(logger, fault.Kind, context.Request.Method, context.Request.Path);
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        switch (fault.Kind)
        {
            case ApiFaultKind.RateLimit:
                // https://docs.stripe.com/error-codes#rate-limit
                await StripeErrors.Create(StatusCodes.Status429TooManyRequests, "invalid_request_error",
                    "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
                    "rate_limit").ExecuteAsync(context);
                break;
            case ApiFaultKind.LockTimeout:
                // https://docs.stripe.com/error-codes#lock-timeout; the header is what Stripe's SDKs check before
                // retrying a 429 (stripe-dotnet SystemNetHttpClient.ShouldRetry).
                context.Response.Headers["Stripe-Should-Retry"] = "true";
                await StripeErrors.Create(StatusCodes.Status429TooManyRequests, "invalid_request_error",
                    "This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request. If you see this error frequently and are making multiple concurrent requests to a single object, make your requests serially or at a lower rate.",
                    "lock_timeout").ExecuteAsync(context);
                break;
            case ApiFaultKind.ServerError:
                // https://docs.stripe.com/error-low-level#server-errors
                await StripeErrors.Create(fault.Status ?? StatusCodes.Status500InternalServerError, "api_error",
                    "An unknown error occurred while processing your request. Please try again.").ExecuteAsync(context);
                break;
            case ApiFaultKind.Slow when HttpMethods.IsPost(context.Request.Method) && context.Request.Headers.ContainsKey("Idempotency-Key"):
                // A keyed write that is slow at Stripe is slow while Stripe works on it, so its key is in use all
                // that time: the idempotency layer claims the key, then holds the request (HoldAfterClaim).
                context.Items[HoldAfterClaim] = fault.Delay;
                await RunAsync(context, next, faults);
                break;
            case ApiFaultKind.Slow:
                try
                {
                    await Task.Delay(fault.Delay, time, context.RequestAborted);
                }
                catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
                {
                    return;
                }

                await RunAsync(context, next, faults);
                break;
            case ApiFaultKind.Timeout:
                // Held for the whole delay whether or not the client is still there (its leaving is not reliably
                // seen on HTTP/1.1), then run as a server would run a request its client gave up on.
                if (!await BufferRequestAsync(context))
                {
                    return;
                }

                context.RequestAborted = CancellationToken.None;
                await Task.Delay(fault.Delay, time);
                await ApplyWithoutAnswerAsync(context, next, faults);
                faults.Count(FaultCounter.HeldRequestsApplied);
                break;
            case ApiFaultKind.LostResponse:
                if (await BufferRequestAsync(context))
                {
                    await ApplyWithoutAnswerAsync(context, next, faults);
                }

                break;
        }
    }

    private static async Task RunAsync(HttpContext context, RequestDelegate next, SandboxFaults faults)
    {
        await next(context);
        if (context.Response.Headers["Idempotent-Replayed"] == "true")
        {
            faults.Count(FaultCounter.IdempotentReplays);
        }
    }

    /// <summary>Runs the request to its end with the answer written nowhere, then drops the connection.</summary>
    private static async Task ApplyWithoutAnswerAsync(HttpContext context, RequestDelegate next, SandboxFaults faults)
    {
        var original = context.Response.Body;
        using var discarded = new MemoryStream();
        context.Response.Body = discarded;
        try
        {
            await RunAsync(context, next, faults);
        }
        finally
        {
            context.Response.Body = original;
        }

        context.Abort();
    }

    /// <summary>
    /// Reads the whole body now, so the request can still run once its client has gone; false when the client left
    /// before it was all sent (then nothing is applied, as for any request that never fully arrived).
    /// </summary>
    private static async Task<bool> BufferRequestAsync(HttpContext context)
    {
        context.Request.EnableBuffering();
        try
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            return false;
        }

        context.Request.Body.Position = 0;
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Injected fault {Kind} into {Method} {Path}")]
    private static partial void LogInjected(ILogger logger, ApiFaultKind kind, string method, string path);
}
