using Recur.Web.Stripe;
using Recur.Web.Subscriptions;

namespace Recur.Web.Checkout;

/// <summary>What the customer must confirm in the browser: a payment (PaymentIntent) or a setup (SetupIntent, when
/// nothing is due now, e.g. a free trial).</summary>
public enum IntentKind
{
    Payment,
    Setup,
}

/// <summary>The customer's details as entered at checkout.</summary>
public sealed record CustomerDetails(string Email, string Name, PostalAddress? Address, string PaymentType);

/// <summary>
/// One purchase attempt on a checkout page. Its id drives the Stripe idempotency keys
/// (<c>order-{id}-customer</c>, <c>order-{id}-subscription</c>), so submitting it twice, retrying or refreshing creates
/// one customer and one subscription. The details are fixed once Stripe objects exist: other details need a new
/// order.
/// </summary>
public sealed class Order
{
    private Order()
    {
        Email = Name = PaymentType = StripeAccountId = "";
    }

    public Order(Guid id, Guid tenantId, Guid offerId, StripeEnvironment environment, string stripeAccountId, CustomerDetails details, DateTimeOffset now)
    {
        Id = id;
        TenantId = tenantId;
        OfferId = offerId;
        Environment = environment;
        StripeAccountId = stripeAccountId;
        Email = Customer.NormalizeEmail(details.Email);
        Name = details.Name.Trim();
        Address = details.Address;
        PaymentType = details.PaymentType;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid OfferId { get; private set; }
    public StripeEnvironment Environment { get; private set; }
    public string StripeAccountId { get; private set; }
    public string Email { get; private set; }
    public string Name { get; private set; }
    public PostalAddress? Address { get; private set; }

    /// <summary><c>card</c> or <c>bacs_debit</c>.</summary>
    public string PaymentType { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public Guid? CustomerId { get; private set; }
    public string? StripeCustomerId { get; private set; }
    public Guid? SubscriptionId { get; private set; }
    public string? StripeSubscriptionId { get; private set; }
    public IntentKind? IntentKind { get; private set; }

    /// <summary>The PaymentIntent (<c>pi_…</c>) or SetupIntent (<c>seti_…</c>) the customer confirms.</summary>
    public string? StripeIntentId { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>SHA-256 of the key in the placing browser's cookie (<see cref="CheckoutBrowserKey"/>); null for
    /// orders made before orders were bound, which no browser can reopen.</summary>
    public string? BrowserKeyHash { get; private set; }

    /// <summary>Binds a new order to the browser placing it; an order already bound keeps its browser.</summary>
    public void BindToBrowser(string keyHash) => BrowserKeyHash ??= keyHash;

    /// <summary>Whether the browser with <paramref name="keyHash"/> placed this order (and may see its details).</summary>
    public bool IsHeldBy(string? keyHash) =>
        BrowserKeyHash is not null && keyHash is not null
        && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(BrowserKeyHash), System.Text.Encoding.ASCII.GetBytes(keyHash));

    /// <summary>The Stripe Checkout Session (<c>cs_…</c>) that collects a BACS mandate when nothing is paid now
    /// (<see cref="BacsMandateCheckout"/>); the subscription is created once it is complete.</summary>
    public string? StripeCheckoutSessionId { get; private set; }

    public string IdempotencyKey(string step) => $"order-{Id}-{step}";

    /// <summary>Whether another submit of this order with <paramref name="details"/> may reuse it.</summary>
    public bool Matches(CustomerDetails details) =>
        Email == Customer.NormalizeEmail(details.Email) && Name == details.Name.Trim() && PaymentType == details.PaymentType
        && Equals(Address, details.Address);

    public void RecordCustomer(Customer customer)
    {
        if (StripeCustomerId is not null && StripeCustomerId != customer.StripeCustomerId)
        {
            throw new InvalidOperationException("The order already has another customer.");
        }
        CustomerId = customer.Id;
        StripeCustomerId = customer.StripeCustomerId;
    }

    public void RecordSubscription(Subscription subscription)
    {
        if (StripeSubscriptionId is not null && StripeSubscriptionId != subscription.StripeSubscriptionId)
        {
            throw new InvalidOperationException("The order already has another subscription.");
        }
        SubscriptionId = subscription.Id;
        StripeSubscriptionId = subscription.StripeSubscriptionId;
    }

    public void RecordIntent(IntentKind kind, string intentId)
    {
        IntentKind = kind;
        StripeIntentId = intentId;
    }

    public void MarkCompleted(DateTimeOffset now) => CompletedAt ??= now;

    /// <summary>A new Checkout Session for this order (the first, or one replacing an expired session).</summary>
    public void RecordCheckoutSession(string sessionId)
    {
        if (StripeSubscriptionId is not null)
        {
            throw new InvalidOperationException("The order already has its subscription.");
        }
        StripeCheckoutSessionId = sessionId;
    }
}
