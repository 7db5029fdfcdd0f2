using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Tenants;

namespace Recur.Web.Integrations;

public static class IntegrationsSetup
{
    public static WebApplicationBuilder AddIntegrations(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ConnectedAccounts>();
        builder.Services.AddScoped<OAuthConnect>();
        builder.Services.AddScoped<AccountOnboarding>();
        return builder;
    }

    /// <summary>The browser comes back from Stripe to these (GET, full-page redirects), and a small JSON API reads
    /// and refreshes the tenant's connections.</summary>
    public static WebApplication MapIntegrations(this WebApplication app)
    {
        var stripe = app.MapGroup("/integrations/stripe").RequireAuthorization(TenantClaims.AdminPolicy).ExcludeFromDescription();
        stripe.MapGet("/oauth/callback", OAuthCallbackAsync);
        stripe.MapGet("/onboarding/return", OnboardingReturnAsync);
        stripe.MapGet("/onboarding/refresh", OnboardingRefreshAsync);

        var api = app.MapGroup("/api/integrations/stripe/connections")
            .RequireAuthorization(TenantClaims.AdminPolicy)
            .WithTags("Integrations");
        api.MapGet("/", ListConnectionsAsync);
        api.MapGet("/{id:guid}", GetConnectionAsync);
        // The antiforgery middleware only records a failed check (minimal APIs act on it for form bodies alone), so
        // this bodiless POST checks the token itself: sent as the RequestVerificationToken header.
        api.MapPost("/{id:guid}/refresh", RefreshConnectionAsync).AddEndpointFilter(RequireAntiforgeryTokenAsync);
        return app;
    }

    private static async Task<RedirectHttpResult> OAuthCallbackAsync(
        [FromQuery] string? code, [FromQuery] string? state, [FromQuery] string? error,
        [FromQuery(Name = "error_description")] string? errorDescription,
        OAuthConnect oauth, CancellationToken cancellationToken)
    {
        var (outcome, environment) = await oauth.CompleteAsync(new OAuthCallback(code, state, error, errorDescription), cancellationToken);
        return TypedResults.Redirect(StripeConnectionCard.PageUrl(environment, outcome));
    }

    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> OnboardingReturnAsync(
        [FromQuery] string? environment, AccountOnboarding onboarding, CancellationToken cancellationToken)
    {
        if (!StripeEnvironmentNames.TryParse(environment, out var env))
        {
            return UnknownEnvironment();
        }
        var outcome = await onboarding.ReturnAsync(env, cancellationToken);
        return TypedResults.Redirect(StripeConnectionCard.PageUrl(env, outcome));
    }

    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> OnboardingRefreshAsync(
        [FromQuery] string? environment, AccountOnboarding onboarding, ConnectedAccounts accounts, CancellationToken cancellationToken)
    {
        if (!StripeEnvironmentNames.TryParse(environment, out var env))
        {
            return UnknownEnvironment();
        }
        var connection = await accounts.FindAsync(env, cancellationToken);
        if (connection is null)
        {
            return TypedResults.Redirect(StripeConnectionCard.PageUrl(env, ConnectOutcome.NotConnected));
        }
        var redirect = await onboarding.LinkAsync(connection, cancellationToken);
        return TypedResults.Redirect(redirect.Url?.ToString() ?? StripeConnectionCard.PageUrl(env, redirect.Refused));
    }

    private static async Task<Ok<StripeConnectionCard[]>> ListConnectionsAsync(AppDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var tenant = await db.Tenants.SingleAsync(cancellationToken);
        var connections = await db.StripeConnections.ToListAsync(cancellationToken);
        return TypedResults.Ok(connections.Select(c => Card(c, tenant, time)).ToArray());
    }

    private static async Task<Results<Ok<StripeConnectionCard>, ProblemHttpResult>> GetConnectionAsync(
        Guid id, AppDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var connection = await db.StripeConnections.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (connection is null)
        {
            return NoSuchConnection();
        }
        var tenant = await db.Tenants.SingleAsync(cancellationToken);
        return TypedResults.Ok(Card(connection, tenant, time));
    }

    private static async Task<Results<Ok<StripeConnectionCard>, ProblemHttpResult>> RefreshConnectionAsync(
        Guid id, AppDbContext db, ConnectedAccounts accounts, TimeProvider time, CancellationToken cancellationToken)
    {
        var connection = await db.StripeConnections.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (connection is null)
        {
            return NoSuchConnection();
        }
        await accounts.RefreshAsync(connection, cancellationToken);
        var tenant = await db.Tenants.SingleAsync(cancellationToken);
        return TypedResults.Ok(Card(connection, tenant, time));
    }

    private static async ValueTask<object?> RequireAntiforgeryTokenAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var antiforgery = context.HttpContext.RequestServices.GetRequiredService<IAntiforgery>();
        if (!await antiforgery.IsRequestValidAsync(context.HttpContext))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Reload the page.",
                detail: "This request did not come from Recur's pages (its security token is missing or stale). Reload the page and try again.");
        }
        return await next(context);
    }

    private static StripeConnectionCard Card(StripeConnection connection, Tenant tenant, TimeProvider time) =>
        StripeConnectionCard.From(connection.Environment, connection, tenant.StripeAccountType, time.GetUtcNow());

    private static ProblemHttpResult NoSuchConnection() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such connection.",
            detail: "There is no Stripe connection with this id in your account.");

    private static ProblemHttpResult UnknownEnvironment() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown environment.",
            detail: "The environment must be 'test' or 'production'.");
}
