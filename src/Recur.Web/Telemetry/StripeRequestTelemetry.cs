using System.Text.Json;

namespace Recur.Web.Telemetry;

/// <summary>
/// On every Stripe call (the "Stripe" HttpClient Stripe.net uses): counts error answers by status and Stripe's error
/// <c>code</c> (or <c>type</c> when there is no code, https://docs.stripe.com/api/errors). The call's span gets
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
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            body.Position = 0;
            if (json.RootElement.TryGetProperty("error", out var error))
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
