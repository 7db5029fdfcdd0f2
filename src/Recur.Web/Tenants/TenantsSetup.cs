using Microsoft.AspNetCore.Identity;

namespace Recur.Web.Tenants;

public static class TenantsSetup
{
    public const int MinimumPasswordLength = 12;
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    /// <summary>ASP.NET Core Identity with cookie sign-in, the tenant claim, the admin policy and the current
    /// tenant. Passwords: at least 12 characters and not a common one; 5 wrong passwords lock the account for 15
    /// minutes. The session's security stamp is checked on every request, so signing out (which renews the stamp)
    /// or changing the password ends every copy of the session cookie.</summary>
    public static WebApplicationBuilder AddTenants(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<CurrentTenant>();
        builder.Services.AddScoped<TenantSignUp>();

        builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        builder.Services.AddIdentityCore<AppUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = MinimumPasswordLength;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireDigit = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
                options.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
            })
            .AddPasswordValidator<CommonPasswords>()
            .AddEntityFrameworkStores<Data.AppDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<TenantClaimsPrincipalFactory>();

        // Zero: every request compares the cookie's stamp with the user's, so a stamp renewed at sign-out or by a
        // password change ends the session everywhere at once (one user lookup per admin request).
        builder.Services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.Zero);
        builder.Services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/signin";
            options.LogoutPath = "/signout";
            options.AccessDeniedPath = "/signin";
            options.Cookie.Name = "recur.auth";
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.HttpOnly = true;
            // Secure whenever the request is HTTPS, also behind a proxy (forwarded headers set the scheme).
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
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
