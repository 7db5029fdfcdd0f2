namespace Recur.Web.Catalog;

/// <summary>Something a tenant sells; its offers say how. May be linked to an existing Stripe product
/// (<c>prod_…</c>, Limio's "Stripe Product Code"); otherwise Recur creates one on demand.</summary>
public sealed class Product
{
    private Product()
    {
        Name = "";
    }

    public Product(Guid tenantId, string name, string? description, string? linkedStripeProductId, DateTimeOffset now)
    {
        Id = Guid.NewGuid();
        TenantId = tenantId;
        CreatedAt = now;
        Name = "";
        Update(name, description, linkedStripeProductId);
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public string Name { get; private set; }
    public string? Description { get; private set; }

    /// <summary>A Stripe product chosen by the admin; when set, prices are created under it instead of under a
    /// product Recur creates.</summary>
    public string? LinkedStripeProductId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static IReadOnlyList<OfferProblem> Validate(string? name, string? description, string? linkedStripeProductId)
    {
        var problems = new List<OfferProblem>();
        if (string.IsNullOrWhiteSpace(name))
        {
            problems.Add(new(nameof(Name), "Enter a name for the product."));
        }
        else if (name.Trim().Length > 200)
        {
            problems.Add(new(nameof(Name), "The product's name can have at most 200 characters."));
        }
        if (description?.Length > 2000)
        {
            problems.Add(new(nameof(Description), "The description can have at most 2000 characters."));
        }
        var linked = linkedStripeProductId?.Trim();
        if (!string.IsNullOrEmpty(linked) && (!linked.StartsWith("prod_", StringComparison.Ordinal) || linked.Length > 255 || linked.Any(char.IsWhiteSpace)))
        {
            problems.Add(new(nameof(LinkedStripeProductId), "A Stripe product id starts with prod_ (for example prod_NWjs8kKbJWmuuc)."));
        }
        return problems;
    }

    public void Update(string name, string? description, string? linkedStripeProductId)
    {
        if (Validate(name, description, linkedStripeProductId).Count > 0)
        {
            throw new ArgumentException("The product is not valid.");
        }
        Name = name.Trim();
        Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        LinkedStripeProductId = string.IsNullOrWhiteSpace(linkedStripeProductId) ? null : linkedStripeProductId.Trim();
    }
}
