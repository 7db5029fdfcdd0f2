using Recur.Web.Stripe;

namespace Recur.Web.Payments;

/// <summary>Where a payment is in the connected account's Stripe Dashboard: the account's dashboard
/// (<c>Stripe:&lt;Env&gt;:DashboardUrl</c>), its test-mode half in the Test environment, then <c>payments/{pi_…}</c>,
/// the Dashboard's page for a PaymentIntent (its refunds, dispute and the evidence form live there).</summary>
public static class PaymentDashboard
{
    public static string Url(StripePlatform platform, string accountId, string paymentIntentId) =>
        platform.DashboardUrl(accountId).TrimEnd('/') + (platform.Livemode ? "" : "/test") + "/payments/" + Uri.EscapeDataString(paymentIntentId);
}
