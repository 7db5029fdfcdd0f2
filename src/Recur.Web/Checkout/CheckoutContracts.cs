namespace Recur.Web.Checkout;

/// <summary>The checkout page's request: the customer's details and the payment type chosen. <see cref="OrderId"/>
/// is the order the page was opened with; sending it again (double submit, retry, refresh) reuses the order.</summary>
public sealed record CheckoutRequest(Guid? OrderId, string? Email, string? Name, string? PaymentType, CheckoutAddress? Address);

public sealed record CheckoutAddress(string? Line1, string? Line2, string? City, string? PostalCode, string? Country);

/// <summary>What the page needs to mount the Payment Element and confirm: the client secret, whether it confirms a
/// payment or a setup, and the Stripe.js settings (platform publishable key plus the connected account). With
/// <see cref="IntentType"/> <c>checkout</c> (a BACS mandate without a payment now) the page sends the customer to
/// Stripe's hosted Checkout page at <see cref="RedirectUrl"/> instead.</summary>
public sealed record CheckoutResponse(
    Guid OrderId,
    string IntentType,
    string? ClientSecret,
    string PaymentType,
    string PublishableKey,
    string StripeAccount,
    string ReturnUrl,
    string? RedirectUrl = null);
