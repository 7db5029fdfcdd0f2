using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Recur.Web.Edge;

/// <summary>A request that declares a body larger than <see cref="RequestLimitSettings.MaxBodyBytes"/> is answered
/// 413 before anything reads it. A body without a declared length is cut off by Kestrel's own limit while it is read
/// (turned into the same 413 by the exception handler).</summary>
public static class RequestBodyLimit
{
    public static async Task RefuseDeclaredOversizeAsync(HttpContext context, RequestDelegate next)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<RequestLimitSettings>>().Value.MaxBodyBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        if (context.Request.ContentLength is { } length && length > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "The request is too large.",
                    Detail = $"Recur accepts request bodies of at most {limit / 1024:N0} KB.",
                },
            });
            return;
        }
        await next(context);
    }
}
