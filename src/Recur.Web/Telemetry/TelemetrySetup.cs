using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Recur.Web.Stripe;

namespace Recur.Web.Telemetry;

/// <summary>
/// OpenTelemetry traces (incoming requests, Stripe calls, database commands, event application) and metrics
/// (requests, Stripe calls and errors, events stored/applied/parked, webhook lag, checkout outcomes). Exported over
/// OTLP when an endpoint is configured (<c>Telemetry:OtlpEndpoint</c>, or OpenTelemetry's own
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>); otherwise collected and dropped.
/// </summary>
public static class TelemetrySetup
{
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RecurTelemetry>();
        builder.Services.AddTransient<StripeRequestTelemetry>();
        builder.Services.AddHttpClient(StripeClients.HttpClientName).AddHttpMessageHandler<StripeRequestTelemetry>();

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["Telemetry:ServiceName"] ?? "recur"))
            .WithTracing(tracing => tracing
                .AddSource(RecurTelemetry.Name)
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation(options =>
                {
                    // Stripe's id for the request (what its support asks for, https://docs.stripe.com/api/request_ids)
                    // and the connected account it acted on: ids only, never a body or a key.
                    options.EnrichWithHttpRequestMessage = (span, request) =>
                    {
                        if (request.Headers.TryGetValues("Stripe-Account", out var accounts))
                        {
                            span.SetTag("stripe.account", accounts.FirstOrDefault());
                        }
                    };
                    options.EnrichWithHttpResponseMessage = (span, response) =>
                    {
                        if (response.Headers.TryGetValues("Request-Id", out var ids))
                        {
                            span.SetTag("stripe.request_id", ids.FirstOrDefault());
                        }
                    };
                })
                .AddEntityFrameworkCoreInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(RecurTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation());

        var endpoint = builder.Configuration["Telemetry:OtlpEndpoint"] ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            otel.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf, new Uri(endpoint));
        }
        return builder;
    }
}
