using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.Subscriptions;
using Stripe;

namespace Recur.StripeSandbox.Tests.Invoices;

/// <summary>
/// Invoices and invoice items through Stripe.net: listing by customer, subscription and status, paying a past-due
/// invoice with a new card, invoice payments, pending invoice items billed on the next renewal, and the hosted page.
/// </summary>
public sealed class InvoicesTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset Start => BillingShop.Start;

    [Fact]
    public async Task Invoices_are_listed_by_customer_subscription_and_status()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var (customer, _) = await shop.CustomerOnClockAsync();
        var paid = await shop.SubscribeAsync(customer.Id, price.Id);
        await shop.PayFirstInvoiceAsync(paid);
        var open = await shop.SubscribeAsync(customer.Id, price.Id);

        async Task<List<string>> Ids(InvoiceListOptions options) =>
            (await shop.Server.V1.Invoices.ListAsync(options, shop.On(), Ct)).Data.Select(i => i.Id).ToList();

        Assert.Equal([open.LatestInvoiceId, paid.LatestInvoiceId], await Ids(new InvoiceListOptions { Customer = customer.Id }));
        Assert.Equal([paid.LatestInvoiceId], await Ids(new InvoiceListOptions { Subscription = paid.Id }));
        Assert.Equal([open.LatestInvoiceId], await Ids(new InvoiceListOptions { Status = "open" }));
        Assert.Equal([paid.LatestInvoiceId], await Ids(new InvoiceListOptions { Status = "paid", Customer = customer.Id }));
        var missing = await Assert.ThrowsAsync<StripeException>(() => shop.InvoiceAsync("in_missing"));
        Assert.Equal(HttpStatusCode.NotFound, missing.HttpStatusCode);
    }

    [Fact]
    public async Task A_past_due_invoice_is_paid_with_a_new_card_and_the_subscription_is_active_again()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, customer, clock, created, _) = await shop.ActiveSubscriptionAsync();
        var failing = await shop.RenewWithCardAsync(created.Id, customer.Id, "pm_card_chargeCustomerFail");
        await shop.AdvanceAsync(clock.Id, Start.AddMonths(1).AddHours(1));
        var pastDue = await shop.SubscriptionAsync(created.Id);

        var declined = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.Invoices.PayAsync(pastDue.LatestInvoiceId,
            new InvoicePayOptions { PaymentMethod = failing.Id }, shop.On(), Ct));
        var card = await shop.Server.V1.PaymentMethods.AttachAsync("pm_card_mastercard",
            new PaymentMethodAttachOptions { Customer = customer.Id }, shop.On(), Ct);
        var paid = await shop.Server.V1.Invoices.PayAsync(pastDue.LatestInvoiceId, new InvoicePayOptions { PaymentMethod = card.Id },
            shop.On(), Ct);
        var active = await shop.SubscriptionAsync(created.Id);
        var again = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.Invoices.PayAsync(paid.Id, new InvoicePayOptions(), shop.On(), Ct));
        var payments = await shop.Server.V1.InvoicePayments.ListAsync(new InvoicePaymentListOptions { Invoice = paid.Id }, shop.On(), Ct);

        Assert.Equal("past_due", pastDue.Status);
        Assert.Equal(HttpStatusCode.PaymentRequired, declined.HttpStatusCode);
        Assert.Equal("card_declined", declined.StripeError.Code);
        Assert.Equal("paid", paid.Status);
        Assert.Equal(1500, paid.AmountPaid);
        Assert.Null(paid.NextPaymentAttempt);
        Assert.Equal("active", active.Status);
        Assert.Equal(card.Id, active.DefaultPaymentMethodId);
        Assert.Equal(HttpStatusCode.BadRequest, again.HttpStatusCode);
        var payment = Assert.Single(payments.Data);
        Assert.Equal("paid", payment.Status);
        Assert.Equal(paid.Id, payment.InvoiceId);
    }

    [Fact]
    public async Task An_open_invoice_is_voided_or_marked_uncollectible_and_its_payment_stops()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var (customer, _) = await shop.CustomerOnClockAsync();
        var first = await shop.SubscribeAsync(customer.Id, price.Id);
        var second = await shop.SubscribeAsync(customer.Id, price.Id);

        var voided = await shop.Server.V1.Invoices.VoidInvoiceAsync(first.LatestInvoiceId, null, shop.On(), Ct);
        var uncollectible = await shop.Server.V1.Invoices.MarkUncollectibleAsync(second.LatestInvoiceId, null, shop.On(), Ct);
        var intent = await shop.PaymentIntentAsync(BillingShop.PaymentIntentOf(first.LatestInvoice));
        var again = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.Invoices.VoidInvoiceAsync(first.LatestInvoiceId, null, shop.On(), Ct));

        Assert.Equal("void", voided.Status);
        Assert.NotNull(voided.StatusTransitions.VoidedAt);
        Assert.Equal("canceled", intent.Status);
        Assert.Equal("uncollectible", uncollectible.Status);
        Assert.NotNull(uncollectible.StatusTransitions.MarkedUncollectibleAt);
        Assert.Equal(HttpStatusCode.BadRequest, again.HttpStatusCode);
        var events = await shop.EventTypesAsync();
        Assert.Contains("invoice.voided", events);
        Assert.Contains("invoice.marked_uncollectible", events);
    }

    [Fact]
    public async Task A_pending_invoice_item_is_billed_on_the_next_renewal()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, customer, clock, created, _) = await shop.ActiveSubscriptionAsync();

        var item = await shop.Server.V1.InvoiceItems.CreateAsync(new InvoiceItemCreateOptions
        {
            Customer = customer.Id,
            Amount = 350,
            Currency = "gbp",
            Description = "Extra delivery",
        }, shop.On(), Ct);
        var pending = await shop.Server.V1.InvoiceItems.ListAsync(new InvoiceItemListOptions { Pending = true, Customer = customer.Id },
            shop.On(), Ct);
        await shop.AdvanceAsync(clock.Id, Start.AddMonths(1).AddDays(1));
        var renewed = await shop.SubscriptionAsync(created.Id);
        var billed = await shop.Server.V1.InvoiceItems.GetAsync(item.Id, null, shop.On(), Ct);

        Assert.Equal(350, item.Amount);
        Assert.Null(item.InvoiceId);
        Assert.Equal(Start.UtcDateTime, item.Date);
        Assert.Equal(item.Id, Assert.Single(pending.Data).Id);
        Assert.Equal(1850, renewed.LatestInvoice.AmountPaid);
        Assert.Contains(renewed.LatestInvoice.Lines.Data, l => l.Description == "Extra delivery" && l.Amount == 350);
        Assert.Equal(renewed.LatestInvoiceId, billed.InvoiceId);
        var delete = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.InvoiceItems.DeleteAsync(item.Id, null, shop.On(), Ct));
        Assert.Equal(HttpStatusCode.BadRequest, delete.HttpStatusCode);
    }

    [Fact]
    public async Task Invoice_items_are_created_from_prices_or_amounts_and_deleted_while_pending()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var fee = await shop.PriceAsync(amount: 2500, interval: null, name: "Setup fee");
        var customer = await shop.Shop.CustomerAsync();

        var fromPrice = await shop.Server.V1.InvoiceItems.CreateAsync(new InvoiceItemCreateOptions
        {
            Customer = customer.Id,
            Pricing = new InvoiceItemPricingOptions { Price = fee.Id },
            Quantity = 2,
        }, shop.On(), Ct);
        var deleted = await shop.Server.V1.InvoiceItems.DeleteAsync(fromPrice.Id, null, shop.On(), Ct);
        var noCurrency = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.InvoiceItems.CreateAsync(
            new InvoiceItemCreateOptions { Customer = customer.Id, Amount = 100 }, shop.On(), Ct));
        var noCustomer = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.InvoiceItems.CreateAsync(
            new InvoiceItemCreateOptions { Customer = "cus_missing", Amount = 100, Currency = "gbp" }, shop.On(), Ct));
        var gone = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.InvoiceItems.GetAsync(fromPrice.Id, null, shop.On(), Ct));

        Assert.Equal(5000, fromPrice.Amount);
        Assert.Equal(2, fromPrice.Quantity);
        Assert.Equal("Setup fee", fromPrice.Description);
        Assert.Equal(fee.Id, fromPrice.Pricing.PriceDetails.PriceId);
        Assert.True(deleted.Deleted);
        Assert.Equal("currency", noCurrency.StripeError.Param);
        Assert.Equal(HttpStatusCode.NotFound, noCustomer.HttpStatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.HttpStatusCode);
        Assert.Equal(["invoiceitem.created", "invoiceitem.deleted"],
            (await shop.EventTypesAsync()).Where(t => t.StartsWith("invoiceitem.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_hosted_invoice_page_shows_the_invoice()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var (customer, _) = await shop.CustomerOnClockAsync();
        var created = await shop.SubscribeAsync(customer.Id, price.Id);
        await shop.PayFirstInvoiceAsync(created);
        var invoice = await shop.InvoiceAsync(created.LatestInvoiceId);

        using var http = new HttpClient();
        var page = await http.GetStringAsync(invoice.HostedInvoiceUrl, Ct);

        Assert.StartsWith("http://", invoice.HostedInvoiceUrl);
        Assert.Contains(invoice.Number, page);
        Assert.Contains("£15.00", page);
        Assert.Contains(">paid<", page);
        Assert.Matches("^[0-9A-F]{8}-0001$", invoice.Number);
    }
}
