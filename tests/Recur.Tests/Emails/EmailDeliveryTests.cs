using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Checkout;
using Recur.Tests.Subscriptions;
using Recur.Tests.Webhooks;
using Recur.Web.Data;
using Recur.Web.Emails;
using Stripe;

namespace Recur.Tests.Emails;

/// <summary>Emails sent through a real SMTP server on loopback, and read from it as they arrived.</summary>
public sealed class EmailDeliveryTests(SmtpRecurFactory factory) : IClassFixture<SmtpRecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_card_checkout_sends_the_customer_one_receipt_with_the_amount_and_the_merchants_name()
    {
        var tenant = await factory.SellingTenantAsync(businessName: "Harbour Books");

        var (complete, _, email) = await factory.BuyWithCardAsync(tenant);

        Assert.Equal("Active", complete.State());
        var receipt = Assert.Single(await factory.Smtp.WaitForAsync(email, messages => messages.Count > 0));
        Assert.Equal("Harbour Books", receipt.From.Mailboxes.Single().Name);
        Assert.Equal("billing@recur.test", receipt.From.Mailboxes.Single().Address);
        Assert.Equal("Your receipt from Harbour Books", receipt.Subject);
        Assert.Contains("£9.99", receipt.TextBody);
        Assert.Contains("Harbour Books", receipt.TextBody);
        Assert.Contains("£9.99", receipt.HtmlBody);
        Assert.Contains("Harbour Books", receipt.HtmlBody);
        Assert.Contains("Monthly", receipt.TextBody);
        var written = Assert.Single(await factory.WaitForOutboxAsync(email, emails => emails.All(e => e.Status == EmailStatus.Sent)));
        Assert.Equal(EmailKind.Receipt, written.Kind);
        var page = await tenant.Admin.GetAsync("/admin/emails");
        Assert.StartsWith("Sent ", page.TestId("email-status"));
    }

    [Fact]
    public async Task A_duplicate_or_replayed_payment_event_sends_nothing_more()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, _, email) = await factory.BuyWithCardAsync(tenant);
        await factory.Smtp.WaitForAsync(email, messages => messages.Count == 1);
        var receipt = Assert.Single(await factory.WaitForOutboxAsync(email, emails => emails.Count == 1 && emails[0].Status == EmailStatus.Sent));
        var stored = (await factory.StoredEventAsync(receipt.StripeEventId))!;

        using (var duplicate = await factory.PostAsync(stored.Payload))
        {
            Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        }
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // As an operator's replay: the stored event applied once more.
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var row = await db.StripeEvents.SingleAsync(e => e.Id == stored.Id, Cancel);
            await scope.ServiceProvider.GetRequiredService<EmailEvents>().ApplyAsync(row, Cancel);
        }
        await factory.Service<Recur.Web.Webhooks.StripeEventProcessor>().RunOnceAsync(Cancel);

        Assert.Equal(0, await factory.Service<OutboxSender>().RunOnceAsync(Cancel));
        Assert.Single(await factory.OutboxAsync(email));
        Assert.Single(factory.Smtp.To(email));
    }

    [Fact]
    public async Task A_declined_renewal_emails_the_customer_a_link_where_they_can_pay()
    {
        var tenant = await factory.SellingTenantAsync(businessName: "Harbour Books");
        var (_, checkout, email) = await factory.BuyWithCardAsync(tenant);
        var simulated = await tenant.Admin.SimulateAsync(await tenant.Admin.SubscriptionPageAsync(email));
        await SwitchToFailingCardAsync(checkout.StripeAccount, simulated.TestId("stripe-id")!.Split(' ')[0]);

        var after = await tenant.Admin.AdvanceClockAsync(simulated, "1m");

        Assert.Equal("Past due", after.TestId("status"));
        var messages = await factory.Smtp.WaitForAsync(email, all => all.Any(m => m.Subject?.Contains("did not go through") == true));
        var failed = messages.Single(m => m.Subject?.Contains("did not go through") == true);
        Assert.Equal("Your payment to Harbour Books did not go through", failed.Subject);
        Assert.Contains("£9.99", failed.TextBody);
        Assert.DoesNotContain("card_declined", failed.TextBody);
        var link = System.Text.RegularExpressions.Regex.Match(failed.TextBody ?? "", @"Update your payment details and pay:\n(?<url>\S+)").Groups["url"].Value;
        Assert.StartsWith(factory.SandboxAddress.ToString().TrimEnd('/'), link);
        Assert.Contains($"href=\"{link.Replace("&", "&amp;")}\"", failed.HtmlBody);
        using var http = new HttpClient();
        using var invoicePage = await http.GetAsync(link, Cancel);
        Assert.Equal(HttpStatusCode.OK, invoicePage.StatusCode);
        Assert.Contains("9.99", await invoicePage.Content.ReadAsStringAsync(Cancel));
    }

    /// <summary>The customer's card starts failing (Stripe's 4000 0000 0000 0341): attach it and make it the default.</summary>
    private async Task SwitchToFailingCardAsync(string account, string subscriptionId)
    {
        var stripe = await factory.PlatformStripeAsync();
        var onAccount = new RequestOptions { StripeAccount = account };
        var subscription = await stripe.V1.Subscriptions.GetAsync(subscriptionId, null, onAccount, Cancel);
        var failing = await stripe.V1.PaymentMethods.AttachAsync("pm_card_chargeCustomerFail", new PaymentMethodAttachOptions { Customer = subscription.CustomerId }, onAccount, Cancel);
        await stripe.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions { DefaultPaymentMethod = failing.Id }, onAccount, Cancel);
    }
}
