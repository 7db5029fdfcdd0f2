using System.Text.Json;

namespace Recur.Web.Telemetry;

/// <summary>
/// On every Stripe call (the "Stripe" HttpClient Stripe.net uses): counts error answers by status and Stripe's error
/// <c>code</c> (or <c>type</c> when there is no code, https://docs.stripe.com/api/errors; OAuth's <c>error</c>). The call's span gets
/// Stripe's <c>Request-Id</c> in <see cref="TelemetrySetup"/>. Never reads or records a request body or a key.
/// </summary>
public sealed class StripeRequestTelemetry(RecurTelemetry telemetry) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if ((int)response.StatusCode >= 400)
        {
            telemetry.StripeError((int)response.StatusCode, await ErrorCodeAsync(response, cancellationToken));
        }
        return response;
    }

    /// <summary>Stripe's <c>error.code</c>, else <c>error.type</c>, else "unknown". The error body is small, and is
    /// buffered so Stripe.net reads it afterwards as it came.</summary>
    private static async Task<string> ErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            // Buffered, the content is read again from its buffer by Stripe.net; its stream is never touched here.
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (json.RootElement.ValueKind != JsonValueKind.Object || !json.RootElement.TryGetProperty("error", out var error))
            {
                return "unknown";
            }
            // OAuth answers {"error": "invalid_grant", …} (https://docs.stripe.com/connect/oauth-reference); the API
            // answers {"error": {"code": …, "type": …}}.
            if (error.ValueKind == JsonValueKind.String)
            {
                return error.GetString()!;
            }
            if (error.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in new[] { "code", "type" })
                {
                    if (error.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        return value.GetString()!;
                    }
                }
            }
        }
        catch (JsonException)
        {
        }
        return "unknown";
    }
}
