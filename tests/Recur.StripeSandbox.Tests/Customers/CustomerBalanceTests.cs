using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.Subscriptions;
using Stripe;

namespace Recur.StripeSandbox.Tests.Customers;

/// <summary>
/// A customer's invoice balance applied to the next invoice finalized (https://docs.stripe.com/billing/customer/balance;
/// <c>starting_balance</c>, <c>ending_balance</c> and <c>amount_due</c> at https://docs.stripe.com/api/invoices/object):
/// a credit lowers what the customer pays, a debit raises it, what is left stays on the customer, every move is a
/// customer balance transaction (https://docs.stripe.com/api/customer_balance_transactions), an amount due under the
/// currency's minimum charge is marked paid and moved to the balance, and a voided invoice gives its credit back.
/// </summary>
public sealed class CustomerBalanceTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(-500L, 1000L, 0L, "open")]
    [InlineData(-2000L, 0L, -500L, "paid")]
    [InlineData(-1500L, 0L, 0L, "paid")]
    [InlineData(300L, 1800L, 0L, "open")]
    [InlineData(0L, 1500L, 0L, "open")]
    public async Task The_first_invoice_takes_the_customers_balance(long balance, long due, long left, string status)
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync(1500);
        var (customer, _) = await shop.CustomerOnClockAsync();
        await shop.Server.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions { Balance = balance }, shop.On(), Ct);

        var created = await shop.SubscribeAsync(customer.Id, price.Id);
        var invoice = await shop.InvoiceAsync(created.LatestInvoiceId);
        var after = await shop.Server.V1.Customers.GetAsync(customer.Id, null, shop.On(), Ct);
        var ledger = await shop.Server.V1.Customers.BalanceTransactions.ListAsync(customer.Id, null, shop.On(), Ct);

        Assert.Equal(1500, invoice.Total);
        Assert.Equal(balance, invoice.StartingBalance);
        Assert.Equal(left, invoice.EndingBalance);
        Assert.Equal(due, invoice.AmountDue);
        Assert.Equal(due, invoice.AmountRemaining);
        Assert.Equal(status, invoice.Status);
        Assert.Equal(left, after.Balance);
        Assert.Equal(status == "paid" ? "active" : "incomplete", created.Status);
        if (due > 0)
        {
            Assert.Equal(due, (await shop.PaymentIntentAsync(BillingShop.PaymentIntentOf(invoice))).Amount);
        }

        var expected = new List<(string, long)>();
        if (balance != 0)
        {
            expected.Add(("adjustment", balance));
            expected.Add(("applied_to_invoice", left - balance));
        }

        Assert.Equal(expected, ledger.Data.Select(t => (t.Type, t.Amount)).Reverse());
        Assert.All(ledger.Data.Where(t => t.Type == "applied_to_invoice"), t => Assert.Equal(invoice.Id, t.InvoiceId));
    }

    [Fact]
    public async Task A_credit_set_after_the_first_payment_lowers_the_renewal()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, customer, clock, created, _) = await shop.ActiveSubscriptionAsync();
        await shop.Server.V1.Customers.BalanceTransactions.CreateAsync(customer.Id,
            new CustomerBalanceTransactionCreateOptions { Amount = -400, Currency = "gbp", Description = "Goodwill" }, shop.On(), Ct);

        await shop.AdvanceAsync(clock.Id, BillingShop.Start.AddMonths(1).AddHours(1));
        var renewed = await shop.SubscriptionAsync(created.Id);
        var after = await shop.Server.V1.Customers.GetAsync(customer.Id, null, shop.On(), Ct);

        Assert.Equal("subscription_cycle", renewed.LatestInvoice.BillingReason);
        Assert.Equal(-400, renewed.LatestInvoice.StartingBalance);
        Assert.Equal(1100, renewed.LatestInvoice.AmountDue);
        Assert.Equal(1100, renewed.LatestInvoice.AmountPaid);
        Assert.Equal("paid", renewed.LatestInvoice.Status);
        Assert.Equal(0, after.Balance);
    }

    /// <summary>"When the amount due on an invoice is less than the minimum chargeable amount the invoice is marked as
    /// paid and the amount owed moved to the invoice balance as a debit" (GBP: 30p).</summary>
    [Fact]
    public async Task An_amount_due_under_the_minimum_charge_is_moved_to_the_balance()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync(1500);
        var (customer, _) = await shop.CustomerOnClockAsync();
        await shop.Server.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions { Balance = -1480 }, shop.On(), Ct);

        var created = await shop.SubscribeAsync(customer.Id, price.Id);
        var invoice = await shop.InvoiceAsync(created.LatestInvoiceId);
        var after = await shop.Server.V1.Customers.GetAsync(customer.Id, null, shop.On(), Ct);
        var ledger = await shop.Server.V1.Customers.BalanceTransactions.ListAsync(customer.Id, null, shop.On(), Ct);

        Assert.Equal("paid", invoice.Status);
        Assert.Equal(20, invoice.AmountDue);
        Assert.Equal(0, invoice.AmountRemaining);
        Assert.Equal(20, invoice.EndingBalance);
        Assert.Null(invoice.ConfirmationSecret);
        Assert.Equal(20, after.Balance);
        Assert.Equal(("invoice_too_small", 20L), (ledger.Data[0].Type, ledger.Data[0].Amount));
        Assert.Equal("active", created.Status);
    }

    [Fact]
    public async Task A_voided_invoice_gives_its_credit_back()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync(1500);
        var (customer, _) = await shop.CustomerOnClockAsync();
        await shop.Server.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions { Balance = -500 }, shop.On(), Ct);
        var created = await shop.SubscribeAsync(customer.Id, price.Id);
        var taken = await shop.Server.V1.Customers.GetAsync(customer.Id, null, shop.On(), Ct);

        await shop.Server.V1.Invoices.VoidInvoiceAsync(created.LatestInvoiceId, null, shop.On(), Ct);
        var after = await shop.Server.V1.Customers.GetAsync(customer.Id, null, shop.On(), Ct);
        var ledger = await shop.Server.V1.Customers.BalanceTransactions.ListAsync(customer.Id, null, shop.On(), Ct);

        Assert.Equal(0, taken.Balance);
        Assert.Equal(-500, after.Balance);
        Assert.Equal(("unapplied_from_invoice", -500L), (ledger.Data[0].Type, ledger.Data[0].Amount));
        Assert.Equal(created.LatestInvoiceId, ledger.Data[0].InvoiceId);
    }

    [Fact]
    public async Task Balance_transactions_move_the_balance_and_are_read_back()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.Shop.CustomerAsync();
        var transactions = shop.Server.V1.Customers.BalanceTransactions;

        var credit = await transactions.CreateAsync(customer.Id, new CustomerBalanceTransactionCreateOptions
        {
            Amount = -700, Currency = "GBP", Metadata = new() { ["reason"] = "late delivery" },
        }, shop.On(), Ct);
        var debit = await transactions.CreateAsync(customer.Id,
            new CustomerBalanceTransactionCreateOptions { Amount = 200, Currency = "gbp" }, shop.On(), Ct);
        var otherCurrency = await Assert.ThrowsAsync<StripeException>(() => transactions.CreateAsync(customer.Id,
            new CustomerBalanceTransactionCreateOptions { Amount = 200, Currency = "eur" }, shop.On(), Ct));
        var described = await transactions.UpdateAsync(customer.Id, credit.Id,
            new CustomerBalanceTransactionUpdateOptions { Description = "Late delivery" }, shop.On(), Ct);
        var read = await transactions.GetAsync(customer.Id, credit.Id, null, shop.On(), Ct);
        var after = await shop.Server.V1.Customers.GetAsync(customer.Id, null, shop.On(), Ct);

        Assert.StartsWith("cbtxn_", credit.Id, StringComparison.Ordinal);
        Assert.Equal("adjustment", credit.Type);
        Assert.Equal(-700, credit.EndingBalance);
        Assert.Equal(-500, debit.EndingBalance);
        Assert.Equal(HttpStatusCode.BadRequest, otherCurrency.HttpStatusCode);
        Assert.Equal("currency", otherCurrency.StripeError.Param);
        Assert.Equal("Late delivery", described.Description);
        Assert.Equal("late delivery", read.Metadata["reason"]);
        Assert.Equal(-500, after.Balance);
        Assert.Equal("gbp", after.Currency);
        Assert.Contains("customer.updated", await shop.EventTypesAsync());
    }
}
