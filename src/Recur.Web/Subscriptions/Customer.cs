using Recur.Web.Stripe;

namespace Recur.Web.Subscriptions;

/// <summary>A billing address as Stripe keeps it on a customer.</summary>
public sealed record PostalAddress(string? Line1, string? Line2, string? City, string? PostalCode, string? Country)
{
    public bool IsComplete => !string.IsNullOrWhiteSpace(Line1) && !string.IsNullOrWhiteSpace(City)
        && !string.IsNullOrWhiteSpace(PostalCode) && !string.IsNullOrWhiteSpace(Country);

    public override string ToString() =>
        string.Join(", ", new[] { Line1, Line2, City, PostalCode, Country }.Where(p => !string.IsNullOrWhiteSpace(p)));
}

/// <summary>
/// Recur's record of a Stripe customer on a tenant's connected account: matched by email at checkout, so a
/// returning customer costs no Stripe lookup. In the Test environment it carries the customer's own test clock.
/// </summary>
public sealed class Customer
{
    private Customer()
    {
        StripeAccountId = StripeCustomerId = Email = "";
    }

    public Customer(Guid tenantId, StripeEnvironment environment, string stripeAccountId, string stripeCustomerId,
        string email, string? name, PostalAddress? address, string? testClockId, DateTimeOffset now)
    {
        Id = Guid.NewGuid();
        TenantId = tenantId;
        Environment = environment;
        StripeAccountId = stripeAccountId;
        StripeCustomerId = stripeCustomerId;
        Email = NormalizeEmail(email);
        Name = name;
        Address = address;
        TestClockId = testClockId;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public StripeEnvironment Environment { get; private set; }
    public string StripeAccountId { get; private set; }

    /// <summary><c>cus_…</c> on <see cref="StripeAccountId"/>.</summary>
    public string StripeCustomerId { get; private set; }

    /// <summary>Lower-cased, trimmed.</summary>
    public string Email { get; private set; }

    public string? Name { get; private set; }
    public PostalAddress? Address { get; private set; }

    /// <summary>The customer's test clock (<c>clock_…</c>), Test environment only.</summary>
    public string? TestClockId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
