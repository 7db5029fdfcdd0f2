using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Recur.Web.Stripe;

namespace Recur.Web.Integrations;

/// <summary>
/// One OAuth attempt's <c>state</c>: random, stored only as a hash, bound to the tenant, the admin and the
/// environment, single use and valid for <see cref="Lifetime"/>.
/// </summary>
public sealed class OAuthState
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private OAuthState()
    {
        StateHash = "";
        UserId = "";
    }

    private OAuthState(Guid tenantId, string userId, StripeEnvironment environment, string stateHash, DateTimeOffset now)
    {
        Id = Guid.NewGuid();
        TenantId = tenantId;
        UserId = userId;
        Environment = environment;
        StateHash = stateHash;
        CreatedAt = now;
        ExpiresAt = now + Lifetime;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string UserId { get; private set; }
    public StripeEnvironment Environment { get; private set; }
    public string StateHash { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? UsedAt { get; private set; }

    /// <summary>Makes a new state; the returned string goes to Stripe and only its hash is stored.</summary>
    public static (OAuthState Row, string State) Issue(Guid tenantId, string userId, StripeEnvironment environment, DateTimeOffset now)
    {
        var state = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (new OAuthState(tenantId, userId, environment, Hash(state), now), state);
    }

    public static string Hash(string state) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state)));
}
