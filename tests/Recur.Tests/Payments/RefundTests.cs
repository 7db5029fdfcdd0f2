using System.Net;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Stripe;

namespace Recur.Tests.Payments;

public sealed class RefundTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_partial_then_full_refund_shows_on_the_page_and_stripe_holds_exactly_those_refunds()
    {
        var tenant = await factory.SellingTenantAsync(PaymentFlows.OneOffOffer("Gift box", "45"));
        var (_, checkout, email) = await factory.BuyWithCardAsync(tenant);
        var row = await tenant.Admin.PaymentRowAsync(email, "Succeeded");
        var page = await tenant.Admin.PaymentPageAsync(row.Id);
        var form = page.Form("handler=Refund");

        var partial = await tenant.Admin.SubmitAsync(page, form, new Dictionary<string, string> { ["amount"] = "10", ["reason"] = "requested_by_customer" });
        Assert.Equal("Refunded £10.00.", partial.TestId("action-message"));
        Assert.Equal("£10.00", partial.TestId("refunded"));
        Assert.Equal("Partially refunded (£10.00 of £45.00)", partial.TestId("status"));

        // The same form again (a double click): no second refund.
        var again = await tenant.Admin.SubmitAsync(page, form, new Dictionary<string, string> { ["amount"] = "10", ["reason"] = "requested_by_customer" });
        Assert.Equal("£10.00", again.TestId("refunded"));

        var tooMuch = await tenant.Admin.SubmitAsync(partial, partial.Form("handler=Refund"), new Dictionary<string, string> { ["amount"] = "40", ["reason"] = "duplicate" });
        Assert.Equal("You can refund at most £35.00: that is what is left of this payment.", tooMuch.TestId("amount-error"));

        var full = await tenant.Admin.SubmitAsync(partial, partial.Form("handler=Refund"), new Dictionary<string, string> { ["amount"] = "35", ["reason"] = "duplicate" });
        Assert.Equal("£45.00", full.TestId("refunded"));
        Assert.Equal("Refunded", full.TestId("status"));
        Assert.Null(full.TestId("refund-form"));

        var stripe = await factory.PlatformStripeAsync();
        var refunds = await stripe.V1.Refunds.ListAsync(new RefundListOptions { PaymentIntent = CheckoutFlows.SecretId(checkout.ClientSecret!) },
            new RequestOptions { StripeAccount = checkout.StripeAccount }, Cancel);
        Assert.Equal([1000L, 3500L], refunds.Data.Select(r => r.Amount).Order());
        Assert.Equal("Refunded", (await tenant.Admin.PaymentRowAsync(email, "Refunded"))["status"]);
    }

    [Fact]
    public async Task Another_tenant_cannot_refund_a_payment()
    {
        var tenant = await factory.SellingTenantAsync(PaymentFlows.OneOffOffer());
        var (_, _, email) = await factory.BuyWithCardAsync(tenant);
        var row = await tenant.Admin.PaymentRowAsync(email, "Succeeded");
        var page = await tenant.Admin.PaymentPageAsync(row.Id);
        var other = await factory.SellingTenantAsync(businessName: "Other Books");
        var own = await other.Admin.GetAsync("/admin/payments");

        using var response = await other.Admin.PostRawAsync(own, page.Form("handler=Refund") with { Fields = new Dictionary<string, string>(page.Form("handler=Refund").Fields) { ["__RequestVerificationToken"] = RecurBrowser.AntiforgeryToken(own) } },
            new Dictionary<string, string> { ["amount"] = "1", ["reason"] = "duplicate" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("£0.00", (await tenant.Admin.PaymentPageAsync(row.Id)).TestId("refunded"));
    }
}
