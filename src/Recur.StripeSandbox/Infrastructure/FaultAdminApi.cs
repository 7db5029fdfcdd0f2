using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// Switches faults on a running sandbox: <c>GET /_sandbox/faults</c> reads the plan and the counters,
/// <c>POST</c> replaces the plan (a JSON <see cref="FaultPlan"/>, snake_case), <c>DELETE</c> clears plan and counters.
/// Not part of Stripe's API, so not under <c>/v1</c>: it exists only when the sandbox was started with
/// <see cref="SandboxOptions.FaultAdminToken"/> (else 404), and answers only a request carrying that token in
/// <c>Sandbox-Admin-Token</c> (else 401) — a Stripe key alone never reaches it.
/// </summary>
public static class FaultAdminApi
{
    public const string Path = "/_sandbox/faults";
    public const string TokenHeader = "Sandbox-Admin-Token";

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static IEndpointRouteBuilder MapFaultAdmin(this IEndpointRouteBuilder app)
    {
        var token = app.ServiceProvider.GetRequiredService<SandboxOptions>().FaultAdminToken;
        if (string.IsNullOrEmpty(token))
        {
            return app;
        }

        var group = app.MapGroup(Path).AddEndpointFilter(async (context, next) =>
            Authorized(context.HttpContext.Request, token)
                ? await next(context)
                : StripeErrors.Unauthorized($"The fault admin needs the sandbox's admin token in the {TokenHeader} header."));

        group.MapGet("", (SandboxFaults faults) => State(faults));
        group.MapPost("", async (HttpRequest request, SandboxFaults faults, CancellationToken cancellationToken) =>
        {
            FaultPlan? plan;
            try
            {
                plan = await JsonSerializer.DeserializeAsync<FaultPlan>(request.Body, Json, cancellationToken);
            }
            catch (JsonException e)
            {
                return StripeErrors.InvalidRequest($"The fault plan is not valid JSON for a plan: {e.Message}");
            }

            var problem = plan is null ? "Send a JSON object: {\"seed\": 1, \"api\": [...], \"webhooks\": [...]}." : plan.Validate();
            if (problem is not null)
            {
                return StripeErrors.InvalidRequest(problem);
            }

            faults.Set(plan!);
            return State(faults);
        });
        group.MapDelete("", (SandboxFaults faults) =>
        {
            faults.Clear();
            return State(faults);
        });
        return app;
    }

    private static IResult State(SandboxFaults faults) => new StripeJsonResult(new JsonObject
    {
        ["plan"] = JsonSerializer.SerializeToNode(faults.Plan, Json),
        ["counts"] = JsonSerializer.SerializeToNode(faults.Counts, Json),
    });

    private static bool Authorized(HttpRequest request, string token)
    {
        var given = request.Headers[TokenHeader].FirstOrDefault();
        return given is not null && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }
}
