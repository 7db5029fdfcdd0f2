using Recur.Web.Stripe;
using Recur.Web.Subscriptions;

namespace Recur.Web.Checkout;

/// <summary>
/// The one Stripe customer checkout makes for an email on a connected account. Its row is unique per tenant,
/// environment, account and normalised email, so of two orders placing it at once (in one process or two on the
/// same database) one inserts it and the other reads it back. Both then create the customer with the link's
/// idempotency key and the link's details (<see cref="Name"/>, <see cref="Address"/>, <see cref="OrderId"/>), so the
/// two requests are identical and Stripe makes one customer: the second gets the first's stored answer, or 409
/// <c>idempotency_key_in_use</c> while the first still runs, which <see cref="StripeWrites"/> retries.
/// </summary>
public sealed class CheckoutCustomerLink
{
    private CheckoutCustomerLink()
    {
        StripeAccountId = Email = Name = "";
    }

    public CheckoutCustomerLink(Order order, DateTimeOffset now)
    {
        Id = Guid.NewGuid();
        TenantId = order.TenantId;
        Environment = order.Environment;
        StripeAccountId = order.StripeAccountId;
        Email = order.Email;
        Name = order.Name;
        Address = order.Address is null ? null : order.Address with { };
        OrderId = order.Id;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public StripeEnvironment Environment { get; private set; }
    public string StripeAccountId { get; private set; }

    /// <summary>Lower-cased and trimmed, as <see cref="Customer.NormalizeEmail"/> makes it.</summary>
    public string Email { get; private set; }

    /// <summary>The details the customer is created with: the first order's.</summary>
    public string Name { get; private set; }

    public PostalAddress? Address { get; private set; }

    /// <summary>The order that made the link (the customer's <c>recur_order_id</c> metadata).</summary>
    public Guid OrderId { get; private set; }

    /// <summary>Raised when the linked customer was deleted on Stripe, so the next create has a key of its own.</summary>
    public int Generation { get; private set; }

    /// <summary>The customer the link's key made (<c>cus_…</c>), once known.</summary>
    public string? StripeCustomerId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Derived from Recur's ids only: the link (account and email) and its generation.</summary>
    public string IdempotencyKey => $"customer-{Id}-{Generation}";

    public void RecordCustomer(string stripeCustomerId) => StripeCustomerId = stripeCustomerId;

    /// <summary>The linked customer is gone (deleted on Stripe): the next order makes a new one.</summary>
    public void StartOver(string goneStripeCustomerId)
    {
        if (StripeCustomerId != goneStripeCustomerId)
        {
            return;
        }
        Generation++;
        StripeCustomerId = null;
    }
}
