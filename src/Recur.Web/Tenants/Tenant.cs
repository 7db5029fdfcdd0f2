using Recur.Web.Stripe;

namespace Recur.Web.Tenants;

/// <summary>A merchant using Recur. Its Stripe settings choose which environment and account type the Stripe card
/// works with.</summary>
public sealed class Tenant
{
    private Tenant()
    {
        Name = "";
        Email = "";
    }

    public Tenant(string name, string email, DateTimeOffset createdAt)
    {
        Id = Guid.NewGuid();
        Name = name;
        Email = email;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; }

    /// <summary>The first admin's email; prefilled when Recur creates a Stripe account for the tenant.</summary>
    public string Email { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public StripeEnvironment StripeEnvironment { get; private set; } = StripeEnvironment.Test;
    public StripeAccountType StripeAccountType { get; private set; } = StripeAccountType.Standard;

    public void ChooseStripeSettings(StripeEnvironment environment, StripeAccountType accountType)
    {
        StripeEnvironment = environment;
        StripeAccountType = accountType;
    }
}
