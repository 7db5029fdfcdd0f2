using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Scheduling;

namespace Recur.StripeSandbox.Mandates;

/// <summary>
/// <c>GET /v1/mandates/{id}</c>, and the hosted page behind a BACS mandate's <c>url</c>
/// (<c>/bacs/mandates/{id}</c>).
/// </summary>
public static class MandatesApi
{
    public static IServiceCollection AddMandates(this IServiceCollection services)
    {
        services.AddSingleton<MandateOutcomes>();
        services.AddSingleton<BacsMandates>();
        services.AddScheduledWork(BacsMandates.DecisionWork, (provider, work, _) =>
        {
            provider.GetRequiredService<BacsMandates>().RunDecision(work);
            return Task.CompletedTask;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapMandates(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/mandates/{id}", Retrieve);
        app.MapGet("/bacs/mandates/{id}", (string id, BacsMandates mandates) => mandates.Page(id));
        return app;
    }

    private static IResult Retrieve(string id, StripeRequest request) =>
        request.Find(id, BacsMandates.Kind) is { } mandate
            ? request.Respond(mandate.Data)
            : StripeErrors.NotFound("mandate", id);
}
