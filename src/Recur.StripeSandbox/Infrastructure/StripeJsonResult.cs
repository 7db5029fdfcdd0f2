using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>Writes a Stripe JSON object as it is, with the status code given.</summary>
public sealed class StripeJsonResult(JsonNode body, int statusCode = StatusCodes.Status200OK) : IResult, IStatusCodeHttpResult
{
    public JsonNode Body => body;

    public int? StatusCode => statusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = statusCode;
        httpContext.Response.ContentType = "application/json";
        return httpContext.Response.WriteAsync(body.ToJsonString(Json), httpContext.RequestAborted);
    }

    /// <summary>Plain JSON as Stripe writes it: no escaping of quotes or non-ASCII letters.</summary>
    public static JsonSerializerOptions Json { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
