using Microsoft.AspNetCore.Identity;

namespace Recur.Web.Tenants;

public static class TenantsSetup
{
    /// <summary>ASP.NET Core Identity with cookie sign-in, the tenant claim, the admin policy and the current
    /// tenant.</summary>
    public static WebApplicationBuilder AddTenants(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<CurrentTenant>();
        builder.Services.AddScoped<TenantSignUp>();

        builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        builder.Services.AddIdentityCore<AppUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 8;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireDigit = false;
            })
            .AddEntityFrameworkStores<Data.AppDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<TenantClaimsPrincipalFactory>();

        builder.Services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/signin";
            options.LogoutPath = "/signout";
            options.AccessDeniedPath = "/signin";
            options.Cookie.Name = "recur.auth";
            options.Cookie.SameSite = SameSiteMode.Lax;
            // APIs answer 401/403 instead of redirecting to the sign-in page.
            options.Events.OnRedirectToLogin = context => RedirectOrStatus(context.Request, context.Response, context.RedirectUri, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context.Request, context.Response, context.RedirectUri, StatusCodes.Status403Forbidden);
        });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(TenantClaims.AdminPolicy, policy => policy
                .RequireAuthenticatedUser()
                .RequireClaim(TenantClaims.TenantId)
                .RequireRole(TenantClaims.AdminRole));
        return builder;
    }

    private static Task RedirectOrStatus(HttpRequest request, HttpResponse response, string redirectUri, int status)
    {
        if (request.Path.StartsWithSegments("/api"))
        {
            response.StatusCode = status;
            return Task.CompletedTask;
        }
        response.Redirect(redirectUri);
        return Task.CompletedTask;
    }
}
