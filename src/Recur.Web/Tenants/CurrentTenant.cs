using System.Security.Claims;

namespace Recur.Web.Tenants;

/// <summary>The tenant of the signed-in user, for this request. Null outside a signed-in request (background work),
/// so tenant-filtered queries there return nothing unless they ignore the filter on purpose.</summary>
public sealed class CurrentTenant(IHttpContextAccessor httpContextAccessor)
{
    public Guid? TenantId =>
        Guid.TryParse(httpContextAccessor.HttpContext?.User.FindFirstValue(TenantClaims.TenantId), out var id) ? id : null;

    public string? UserId => httpContextAccessor.HttpContext?.User.FindFirstValue(ClaimTypes.NameIdentifier);

    public Guid RequiredTenantId => TenantId ?? throw new InvalidOperationException("No tenant is signed in.");

    public string RequiredUserId => UserId ?? throw new InvalidOperationException("No user is signed in.");
}
