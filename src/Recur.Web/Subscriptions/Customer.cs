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
/// Kept complete for the account: rows are made at checkout, by <see cref="CustomerImport"/> when the account is
/// connected, and by <see cref="CustomerEvents"/> for customers made elsewhere (e.g. the merchant's Dashboard).
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
        // A copy: EF owns an address per owner, and the order that brought it keeps its own.
        Address = address is null ? null : address with { };
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

    /// <summary>A test customer Recur made on its own test clock to simulate a subscription (Stripe metadata
    /// <see cref="SimulationMetadataKey"/>); never matched at checkout.</summary>
    public bool IsSimulation { get; private set; }

    /// <summary>The metadata key on the Stripe customer (and subscription) of a simulation: the id of the Recur
    /// subscription it copies.</summary>
    public const string SimulationMetadataKey = "recur_simulation_of";

    /// <summary>When the customer was deleted on Stripe; a deleted customer is never matched at checkout.</summary>
    public DateTimeOffset? DeletedAt { get; private set; }

    /// <summary>When the Stripe event last applied to this row was created: older events change nothing.</summary>
    public DateTimeOffset? StripeEventAt { get; private set; }

    /// <summary>A customer Recur did not create, as Stripe shows it (an import or a <c>customer.created</c> event).</summary>
    public static Customer FromStripe(Guid tenantId, StripeEnvironment environment, string stripeAccountId, global::Stripe.Customer stripe,
        DateTimeOffset? eventAt)
    {
        var customer = new Customer(tenantId, environment, stripeAccountId, stripe.Id, stripe.Email ?? "", stripe.Name,
            AddressOf(stripe.Address), stripe.TestClockId,
            stripe.Created > DateTime.UnixEpoch ? new DateTimeOffset(DateTime.SpecifyKind(stripe.Created, DateTimeKind.Utc)) : DateTimeOffset.UnixEpoch)
        {
            StripeEventAt = eventAt,
            IsSimulation = stripe.Metadata?.ContainsKey(SimulationMetadataKey) == true,
        };
        return customer;
    }

    /// <summary>Applies a <c>customer.created|updated</c> event's object; an event older than the last one applied is ignored.</summary>
    public bool ApplyFromStripe(global::Stripe.Customer stripe, DateTimeOffset eventAt)
    {
        if (IsDeleted || (StripeEventAt is { } last && eventAt < last))
        {
            return false;
        }
        StripeEventAt = eventAt;
        Email = NormalizeEmail(stripe.Email ?? "");
        Name = stripe.Name;
        Address = AddressOf(stripe.Address) ?? Address;
        TestClockId = stripe.TestClockId ?? TestClockId;
        return true;
    }

    /// <summary>A tombstone: a deleted customer never comes back (Stripe does not undelete), so no later event revives it.</summary>
    public void MarkDeleted(DateTimeOffset eventAt)
    {
        DeletedAt ??= eventAt;
        StripeEventAt = StripeEventAt is { } last && last > eventAt ? last : eventAt;
    }

    public bool IsDeleted => DeletedAt is not null;

    private static PostalAddress? AddressOf(global::Stripe.Address? address) => address is null
        || new[] { address.Line1, address.Line2, address.City, address.PostalCode, address.Country }.All(string.IsNullOrWhiteSpace)
        ? null
        : new PostalAddress(address.Line1, address.Line2, address.City, address.PostalCode, address.Country);

    /// <summary>The copy of a customer Recur made on <paramref name="testClockId"/> for a simulation.</summary>
    public static Customer Simulating(Customer source, string stripeCustomerId, string testClockId, DateTimeOffset now) =>
        new(source.TenantId, source.Environment, source.StripeAccountId, stripeCustomerId, source.Email, source.Name, source.Address, testClockId, now)
        {
            IsSimulation = true,
        };

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
