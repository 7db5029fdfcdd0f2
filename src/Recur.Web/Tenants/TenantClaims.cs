using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Recur.Web.Tenants;

public static class TenantClaims
{
    public const string TenantId = "tenant_id";
    public const string AdminRole = "admin";
    public const string AdminPolicy = "TenantAdmin";
}

/// <summary>Adds the tenant id and the admin role to the signed-in user's cookie.</summary>
public sealed class TenantClaimsPrincipalFactory(UserManager<AppUser> userManager, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser>(userManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(TenantClaims.TenantId, user.TenantId.ToString()));
        if (user.IsAdmin)
        {
            identity.AddClaim(new Claim(Options.ClaimsIdentity.RoleClaimType, TenantClaims.AdminRole));
        }
        return identity;
    }
}
