using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// Stripe's <c>Idempotency-Key</c> on POST: the first response is kept for 24 hours and replayed for the same key and
/// the same parameters (with <c>Idempotent-Replayed: true</c>); the same key with other parameters is an
/// <c>idempotency_error</c>; a key still being worked on answers 409 <c>idempotency_key_in_use</c>. Requests refused
/// before they ran (400, 401, 403, 409, 429) are not kept, so they may be retried with the same key.
/// Sources: https://docs.stripe.com/api/idempotent_requests (24 hours, same parameters, errors not from validation are
/// kept) and https://docs.stripe.com/error-low-level#idempotency (409 while the first request is in progress).
/// A request in progress is known only to the running sandbox (<see cref="IdempotencyInFlight"/>), never stored: a
/// request cut off by a crash left no result, so after a restart its key runs afresh instead of answering 409
/// forever — Stripe finishes or forgets a request it received; it never keeps a key "in use" without a request.
/// </summary>
public static class Idempotency
{
    private const string Kind = "idempotency_record";
    private static readonly int[] NotKept = [400, 401, 403, 409, 429];

    public static IApplicationBuilder UseStripeIdempotency(this IApplicationBuilder app) =>
        app.UseWhen(c => HttpMethods.IsPost(c.Request.Method) && c.Request.Path.StartsWithSegments("/v1"),
            branch => branch.Use(HandleAsync));

    private static async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        var key = context.Request.Headers["Idempotency-Key"].FirstOrDefault();
        var caller = context.Features.Get<ApiCaller>();
        if (string.IsNullOrEmpty(key) || caller is null)
        {
            await next(context);
            return;
        }

        if (key.Length > 255)
        {
            await StripeErrors.InvalidRequest(
                "Invalid Idempotency-Key: the key must be at most 255 characters long.", "Idempotency-Key").ExecuteAsync(context);
            return;
        }

        context.Request.EnableBuffering();
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8, leaveOpen: true);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        context.Request.Body.Position = 0;

        var store = context.RequestServices.GetRequiredService<SandboxStore>();
        var inFlight = context.RequestServices.GetRequiredService<IdempotencyInFlight>();
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
        var id = RecordId(caller, key);
        var fingerprint = $"{context.Request.Path}?{context.Request.QueryString}\n{body}";

        IResult? early = null;
        lock (store.Gate)
        {
            var record = store.Find(id);
            // An "in_progress" record was written by an older sandbox that stored requests in progress: its request
            // died with that sandbox.
            if (record is not null && (now - record.Created > 24 * 3600 || record.Meta["state"]?.ToString() == "in_progress"))
            {
                store.Delete(id);
                record = null;
            }

            if (record is null && inFlight.TryStart(id))
            {
                // This request runs the key; its outcome is stored when it has one.
            }
            else if (record is null)
            {
                early = StripeErrors.Create(StatusCodes.Status409Conflict, "idempotency_error",
                    "There is currently another in-progress request using this Stripe-Idempotency key (that probably means you submitted twice, and the other request is still going through): " + key + ". Please try again later.",
                    "idempotency_key_in_use");
            }
            else if (record.Meta["fingerprint"]?.ToString() != fingerprint)
            {
                early = StripeErrors.Create(StatusCodes.Status400BadRequest, "idempotency_error",
                    $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request.");
            }
            else
            {
                early = new ReplayResult((int)record.Meta["status"]!, record.Meta["body"]!.ToString());
            }
        }

        if (early is not null)
        {
            context.Response.Headers["Idempotency-Key"] = key;
            await early.ExecuteAsync(context);
            return;
        }

        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            context.Response.Headers["Idempotency-Key"] = key;
            if (context.Items.TryGetValue(FaultInjection.HoldAfterClaim, out var hold) && hold is TimeSpan wait)
            {
                // A slow request holds its key while it runs, and runs to its end even if its client gave up:
                // Stripe completes a request it received (https://docs.stripe.com/error-low-level#idempotency).
                await Task.Delay(wait, context.RequestServices.GetRequiredService<TimeProvider>());
                context.RequestAborted = CancellationToken.None;
            }
            await next(context);
            var status = context.Response.StatusCode;
            var text = Encoding.UTF8.GetString(buffer.ToArray());
            if (!NotKept.Contains(status))
            {
                lock (store.Gate)
                {
                    store.Save(new StoredObject
                    {
                        Id = id, Kind = Kind, Platform = caller.Platform, Livemode = caller.Livemode,
                        Account = caller.StripeAccount, Created = now, Data = [],
                        Meta = new JsonObject { ["fingerprint"] = fingerprint, ["state"] = "done", ["status"] = status, ["body"] = text },
                    });
                }
            }
        }
        finally
        {
            inFlight.Finish(id);
            context.Response.Body = original;
            buffer.Position = 0;
            try
            {
                await buffer.CopyToAsync(original, context.RequestAborted);
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException)
            {
                // The client left before the answer (a held request): the result is stored all the same.
            }
        }
    }

    /// <summary>Where the record for a key is kept: one per platform, mode, <c>Stripe-Account</c> and key.</summary>
    internal static string RecordId(ApiCaller caller, string key)
    {
        var scope = $"{caller.Platform}|{caller.Livemode}|{caller.StripeAccount}|{key}";
        return "idem_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scope)));
    }

    private sealed class ReplayResult(int status, string body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json";
            httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            return httpContext.Response.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}
