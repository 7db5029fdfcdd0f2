using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.Subscriptions;
using Stripe;

namespace Recur.StripeSandbox.Tests.Invoices;

/// <summary>Invoices, their lines and payments, and invoice items have every key of Stripe's, read as raw JSON.</summary>
public sealed class InvoiceShapeTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Invoices_lines_payments_and_invoice_items_have_every_key_of_stripes()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var fee = await shop.PriceAsync(amount: 2500, interval: null, name: "Joining fee");
        var (customer, _) = await shop.CustomerOnClockAsync();
        var created = await shop.SubscribeAsync(customer.Id, price.Id, joiningFeePriceId: fee.Id);
        await shop.PayFirstInvoiceAsync(created);
        var pending = await shop.Server.V1.InvoiceItems.CreateAsync(new InvoiceItemCreateOptions
        {
            Customer = customer.Id,
            Amount = 100,
            Currency = "gbp",
        }, shop.On(), Ct);

        var items = await shop.GetJsonAsync($"/v1/invoiceitems?customer={customer.Id}");
        var item = await shop.GetJsonAsync($"/v1/invoiceitems/{pending.Id}");
        var deleted = await shop.DeleteJsonAsync($"/v1/invoiceitems/{pending.Id}");
        var invoice = await shop.GetJsonAsync($"/v1/invoices/{created.LatestInvoiceId}?expand[]=payments");
        var open = await shop.GetJsonAsync($"/v1/invoices/{(await shop.SubscribeAsync(customer.Id, price.Id)).LatestInvoiceId}?expand[]=confirmation_secret");
        var lines = await shop.GetJsonAsync($"/v1/invoices/{created.LatestInvoiceId}/lines");
        var payments = await shop.GetJsonAsync($"/v1/invoice_payments?invoice={created.LatestInvoiceId}");
        var payment = await shop.GetJsonAsync($"/v1/invoice_payments/{payments["data"]![0]!["id"]}");

        ShapeAssert.HasEveryKey("invoice", invoice);
        ShapeAssert.HasEveryKey("invoice", open);
        foreach (var line in lines["data"]!.AsArray())
        {
            ShapeAssert.HasEveryKey("line_item", line!.AsObject());
        }

        ShapeAssert.HasEveryKey("line_item", invoice["lines"]!["data"]![0]!.AsObject());
        ShapeAssert.HasEveryKey("invoice_payment", invoice["payments"]!["data"]![0]!.AsObject());
        ShapeAssert.HasEveryKey("invoice_payment", payment);
        ShapeAssert.HasEveryKey("invoiceitem", item);
        ShapeAssert.HasEveryKey("invoiceitem", items["data"]![1]!.AsObject());
        ShapeAssert.HasEveryKey("deleted_invoiceitem", deleted);
        Assert.Equal(created.Id, invoice["parent"]!["subscription_details"]!["subscription"]!.ToString());
        Assert.Equal("payment_intent", open["confirmation_secret"]!["type"]!.ToString());
        Assert.Null(invoice["payment_intent"]);
        Assert.False(invoice.ContainsKey("paid"));
        Assert.Equal(2, lines["data"]!.AsArray().Count);
    }
}
