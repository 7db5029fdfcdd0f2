using Microsoft.AspNetCore.Identity;

namespace Recur.Web.Tenants;

/// <summary>A person who signs in to Recur's admin panel; always belongs to exactly one tenant.</summary>
public sealed class AppUser : IdentityUser
{
    public Guid TenantId { get; set; }
    public bool IsAdmin { get; set; }
}
