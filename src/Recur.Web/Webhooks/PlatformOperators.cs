using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Tenants;

namespace Recur.Web.Webhooks;

/// <summary>
/// Who may see the platform's side of Stripe (webhook endpoints, the event inbox): events belong to the platform,
/// not to a tenant. Operators are the signed-in users whose email is listed in <c>Recur:OperatorEmails</c>
/// (comma-separated). With no list and every environment on the embedded sandbox (a developer's machine), the admins
/// of the first tenant signed up are operators; with real Stripe and no list, nobody is.
/// </summary>
public static class PlatformOperators
{
    public const string Policy = "PlatformOperator";
    public const string EmailsSetting = "Recur:OperatorEmails";

    public static WebApplicationBuilder AddPlatformOperators(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<IAuthorizationHandler, PlatformOperatorHandler>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.RequireAuthenticatedUser().AddRequirements(new PlatformOperatorRequirement()));
        return builder;
    }
}

public sealed class PlatformOperatorRequirement : IAuthorizationRequirement;

public sealed class PlatformOperatorHandler(IConfiguration configuration, StripeClients clients, AppDbContext db)
    : AuthorizationHandler<PlatformOperatorRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PlatformOperatorRequirement requirement)
    {
        var emails = (configuration[PlatformOperators.EmailsSetting] ?? "")
            .Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var email = context.User.FindFirstValue(ClaimTypes.Email);
        if (emails.Length > 0)
        {
            if (email is not null && emails.Contains(email, StringComparer.OrdinalIgnoreCase))
            {
                context.Succeed(requirement);
            }
            return;
        }

        if (!StripeEnvironmentNames.All.All(e => clients.Options(e).UsesEmbeddedSandbox)
            || !context.User.IsInRole(TenantClaims.AdminRole)
            || !Guid.TryParse(context.User.FindFirstValue(TenantClaims.TenantId), out var tenantId))
        {
            return;
        }
        var first = await db.Tenants.IgnoreQueryFilters().OrderBy(t => t.CreatedAt).Select(t => (Guid?)t.Id).FirstOrDefaultAsync();
        if (first == tenantId)
        {
            context.Succeed(requirement);
        }
    }
}
