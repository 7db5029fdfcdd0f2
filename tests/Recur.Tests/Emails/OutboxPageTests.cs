using Recur.Tests.Catalog;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Recur.Web.Emails;

namespace Recur.Tests.Emails;

/// <summary>With no SMTP server configured, emails are kept in the outbox the admin reads under Admin → Emails.</summary>
public sealed class OutboxPageTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    [Fact]
    public async Task Without_an_email_server_the_receipt_is_listed_for_the_admin_and_not_for_another_tenant()
    {
        var tenant = await factory.SellingTenantAsync(businessName: "Quay Coffee");
        var (_, _, email) = await factory.BuyWithCardAsync(tenant);

        var page = await tenant.Admin.WaitForAsync("/admin/emails", p => p.TestId("email-to") == email);

        Assert.Contains("nothing is sent", page.TestId("emails-explained"));
        Assert.Equal(email, page.TestId("email-to"));
        Assert.Equal("Your receipt from Quay Coffee", page.TestId("email-subject"));
        Assert.Equal("Not sent (no email server configured)", page.TestId("email-status"));
        Assert.Contains("data-kind=\"Receipt\"", page.Html);
        Assert.Contains("Thank you for your payment of £9.99 to Quay Coffee for Monthly.", page.TestId("email-text"));
        Assert.Equal(EmailStatus.NotSent, Assert.Single(await factory.OutboxAsync(email)).Status);
        var (other, _) = await factory.SignUpTenantAsync("Other Shop");
        var theirs = await other.GetAsync("/admin/emails");
        Assert.DoesNotContain(email, theirs.Html);
        Assert.NotNull(theirs.TestId("no-emails"));
    }

    [Fact]
    public async Task A_one_off_purchase_gets_the_receipt_its_confirmation_page_promises()
    {
        var values = CatalogFlows.MonthlyCardOffer("Gift box");
        values["Form.Billing"] = "OneOff";
        var tenant = await factory.SellingTenantAsync(values, businessName: "Quay Coffee");

        var (complete, _, email) = await factory.BuyWithCardAsync(tenant);

        Assert.Contains("A receipt is on its way.", complete.Text);
        var receipt = Assert.Single(await factory.WaitForOutboxAsync(email, emails => emails.Count > 0));
        Assert.Equal(EmailKind.Receipt, receipt.Kind);
        Assert.Contains("£9.99", receipt.TextBody);
        Assert.Contains("Gift box", receipt.TextBody);
        Assert.Contains("Quay Coffee", receipt.HtmlBody);
    }
}
