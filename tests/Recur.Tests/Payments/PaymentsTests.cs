using System.Net;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Stripe;

namespace Recur.Tests.Payments;

public sealed class PaymentsTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_one_off_sale_appears_in_payments_and_on_the_customers_page()
    {
        var tenant = await factory.SellingTenantAsync(PaymentFlows.OneOffOffer("Gift box", "45"));

        var (complete, checkout, email) = await factory.BuyWithCardAsync(tenant);

        Assert.Equal("Active", complete.State());
        // Recorded by the confirmation page itself: no wait for a webhook.
        var row = Assert.Single((await tenant.Admin.PaymentsAsync()).PaymentRows());
        Assert.Equal(email, row["customer"]);
        Assert.Equal("Succeeded", row.State);
        Assert.Equal("£45.00", row["amount"]);
        Assert.Equal("Gift box (one-off)", row["for"]);
        Assert.Equal("Succeeded", row["status"]);
        Assert.Equal("VISA •••• 4242", row["method"]);

        var detail = await tenant.Admin.PaymentPageAsync(row.Id);
        var intentId = CheckoutFlows.SecretId(checkout.ClientSecret!);
        Assert.Equal(intentId, detail.TestId("payment-intent"));
        Assert.StartsWith("ch_", detail.TestId("charge"));
        Assert.Equal("£0.00", detail.TestId("refunded"));
        Assert.Contains($"/{checkout.StripeAccount}/test/payments/{intentId}", detail.Html);

        var customerLink = System.Text.RegularExpressions.Regex.Match(detail.Html, @"href=""(?<href>/admin/customers/[0-9a-f-]{36})""").Groups["href"].Value;
        var customer = await tenant.Admin.GetAsync(customerLink);
        Assert.Equal(email, customer.TestId("email"));
        var purchase = Assert.Single(customer.PaymentRows());
        Assert.Equal(row.Id, purchase.Id);
        Assert.Equal("Gift box (one-off)", purchase["for"]);
        Assert.Equal("£45.00", purchase["amount"]);
        Assert.Null(customer.TestId("no-payments"));
    }

    [Fact]
    public async Task A_subscriptions_first_invoice_appears_in_payments()
    {
        var tenant = await factory.SellingTenantAsync();

        var (_, _, email) = await factory.BuyWithCardAsync(tenant);

        var row = await tenant.Admin.PaymentRowAsync(email, "Succeeded");
        Assert.Equal("£9.99", row["amount"]);
        Assert.Equal("Monthly (first payment)", row["for"]);
        var detail = await tenant.Admin.PaymentPageAsync(row.Id);
        Assert.StartsWith("in_", detail.TestId("invoice"));
        Assert.StartsWith("pi_", detail.TestId("payment-intent"));
        Assert.Contains("/admin/subscriptions/", detail.Html);
    }

    [Fact]
    public async Task Payments_are_filtered_by_status_and_method_and_found_by_email_or_stripe_id()
    {
        var tenant = await factory.SellingTenantAsync(PaymentFlows.OneOffOffer("Gift box", "45"));
        var (_, paid, paidEmail) = await factory.BuyWithCardAsync(tenant);
        using var declinedCustomer = factory.NewBrowser();
        var open = await declinedCustomer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId);
        var declined = await declinedCustomer.PlaceOrderAsync(tenant.CheckoutPath, open, details);
        await Assert.ThrowsAsync<StripeException>(() => factory.ConfirmCardAsync(declined, "pm_card_chargeDeclined"));
        // The payment_intent.payment_failed webhook records the failure; the customer never came back.
        var failed = await tenant.Admin.PaymentRowAsync(details.Email!, "Failed");
        Assert.StartsWith("Failed: ", failed["status"]);
        await tenant.Admin.PaymentRowAsync(paidEmail, "Succeeded");

        var onlyFailed = (await tenant.Admin.PaymentsAsync("?status=Failed")).PaymentRows();
        Assert.Equal([failed.Id], onlyFailed.Select(r => r.Id));
        var bacs = await tenant.Admin.PaymentsAsync("?method=bacs_debit");
        Assert.Empty(bacs.PaymentRows());
        Assert.Equal("No payments match.", bacs.TestId("empty"));
        Assert.Equal(2, (await tenant.Admin.PaymentsAsync("?method=card")).PaymentRows().Count);
        var byEmail = (await tenant.Admin.PaymentsAsync("?q=" + Uri.EscapeDataString(paidEmail.ToUpperInvariant()))).PaymentRows();
        Assert.Equal([paidEmail], byEmail.Select(r => r["customer"]));
        var byIntent = (await tenant.Admin.PaymentsAsync("?q=" + CheckoutFlows.SecretId(declined.ClientSecret!))).PaymentRows();
        Assert.Equal([failed.Id], byIntent.Select(r => r.Id));
        var failedPage = await tenant.Admin.PaymentPageAsync(failed.Id);
        Assert.Contains("card_declined", failedPage.TestId("decline"));
        Assert.Equal(CheckoutFlows.SecretId(paid.ClientSecret!), (await tenant.Admin.PaymentPageAsync(byEmail.Single().Id)).TestId("payment-intent"));
    }

    [Fact]
    public async Task Another_tenant_cannot_see_a_payment()
    {
        var tenant = await factory.SellingTenantAsync(PaymentFlows.OneOffOffer());
        var (_, _, email) = await factory.BuyWithCardAsync(tenant);
        var row = await tenant.Admin.PaymentRowAsync(email, "Succeeded");
        var other = await factory.SellingTenantAsync(businessName: "Other Books");

        var response = await other.Admin.GetRawAsync($"/admin/payments/{row.Id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty((await other.Admin.PaymentsAsync()).PaymentRows());
    }
}
