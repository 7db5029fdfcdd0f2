using System.Net;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.PaymentIntents;
using Stripe;

namespace Recur.StripeSandbox.Tests.PaymentMethods;

/// <summary>
/// PaymentMethods: cards collected by Stripe.js (publishable key) and checked as Stripe checks them, test ids,
/// bacs_debit accounts, attach and detach with their events, and no card number kept anywhere.
/// </summary>
public sealed class PaymentMethodsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("4242424242424241", 12, 2034, "123", "incorrect_number", "card[number]")]
    [InlineData("4242424242424242", 13, 2034, "123", "invalid_expiry_month", "card[exp_month]")]
    [InlineData("4242424242424242", 12, 2020, "123", "invalid_expiry_year", "card[exp_year]")]
    [InlineData("4242424242424242", 12, 2034, "12", "invalid_cvc", "card[cvc]")]
    [InlineData("4242", 12, 2034, "123", "invalid_number", "card[number]")]
    public async Task Bad_card_details_are_card_errors(string number, int month, int year, string cvc, string code, string param)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Browser.V1.PaymentMethods.CreateAsync(
            new PaymentMethodCreateOptions
            {
                Type = "card",
                Card = new PaymentMethodCardOptions { Number = number, ExpMonth = month, ExpYear = year, Cvc = cvc },
            }, shop.On(), Ct));

        Assert.Equal(HttpStatusCode.PaymentRequired, error.HttpStatusCode);
        Assert.Equal("card_error", error.StripeError.Type);
        Assert.Equal(code, error.StripeError.Code);
        Assert.Equal(param, error.StripeError.Param);
    }

    [Fact]
    public async Task A_card_keeps_brand_last4_expiry_and_fingerprint_but_never_its_number()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var card = await shop.CardAsync("4000008260003178");
        var again = await shop.CardAsync("4000008260003178");
        var other = await shop.CardAsync("4242424242424242");

        Assert.Equal("visa", card.Card.Brand);
        Assert.Equal("3178", card.Card.Last4);
        Assert.Equal("GB", card.Card.Country);
        Assert.Equal("credit", card.Card.Funding);
        Assert.Equal(12, card.Card.ExpMonth);
        Assert.Equal(2034, card.Card.ExpYear);
        Assert.Equal(card.Card.Fingerprint, again.Card.Fingerprint);
        Assert.NotEqual(card.Card.Fingerprint, other.Card.Fingerprint);
        var store = sandbox.Services.GetRequiredService<SandboxStore>();
        var stored = store.Find(card.Id)!;
        Assert.DoesNotContain("4000008260003178", stored.Data.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("4000008260003178", stored.Meta.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("400000826000", stored.Meta.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_may_not_send_raw_card_numbers()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentMethods.CreateAsync(
            new PaymentMethodCreateOptions
            {
                Type = "card",
                Card = new PaymentMethodCardOptions { Number = "4242424242424242", ExpMonth = 12, ExpYear = 2034 },
            }, shop.On(), Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("card", error.StripeError.Param);
    }

    [Fact]
    public async Task Attaching_and_detaching_a_card_sends_stripes_events()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var card = await shop.CardAsync("4242424242424242");

        var attached = await shop.Server.V1.PaymentMethods.AttachAsync(card.Id,
            new PaymentMethodAttachOptions { Customer = customer.Id }, shop.On(), Ct);
        await shop.Server.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions
        {
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = card.Id },
        }, shop.On(), Ct);
        var listed = await shop.Server.V1.Customers.PaymentMethods.ListAsync(customer.Id,
            new CustomerPaymentMethodListOptions { Type = "card" }, shop.On(), Ct);
        var detached = await shop.Server.V1.PaymentMethods.DetachAsync(card.Id, requestOptions: shop.On(), cancellationToken: Ct);
        var after = await shop.Server.V1.Customers.GetAsync(customer.Id, requestOptions: shop.On(), cancellationToken: Ct);

        Assert.Equal(customer.Id, attached.CustomerId);
        Assert.Equal([card.Id], listed.Data.Select(p => p.Id));
        Assert.Null(detached.CustomerId);
        Assert.Null(after.InvoiceSettings.DefaultPaymentMethodId);
        Assert.Equal(
            ["customer.created", "payment_method.attached", "customer.updated", "customer.updated", "payment_method.detached"],
            await shop.EventTypesAsync());
    }

    [Theory]
    [InlineData("pm_card_chargeDeclined", "generic_decline")]
    [InlineData("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds")]
    [InlineData("pm_card_radarBlock", "fraudulent")]
    public async Task Declining_cards_cannot_be_saved_to_a_customer(string id, string declineCode)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentMethods.AttachAsync(id,
            new PaymentMethodAttachOptions { Customer = customer.Id }, shop.On(), Ct));

        Assert.Equal(HttpStatusCode.PaymentRequired, error.HttpStatusCode);
        Assert.Equal(declineCode, error.StripeError.DeclineCode);
    }

    [Theory]
    [InlineData("pm_card_chargeCustomerFail")]
    [InlineData("pm_card_authenticationRequired")]
    [InlineData("pm_card_visa")]
    public async Task Cards_that_fail_only_when_charged_can_be_saved(string id)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();

        var attached = await shop.Server.V1.PaymentMethods.AttachAsync(id,
            new PaymentMethodAttachOptions { Customer = customer.Id }, shop.On(), Ct);

        Assert.Equal(customer.Id, attached.CustomerId);
        Assert.NotEqual(id, attached.Id);
    }

    [Fact]
    public async Task A_card_attached_to_one_customer_cannot_be_attached_to_another()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var first = await shop.CustomerAsync("a@example.com");
        var second = await shop.CustomerAsync("b@example.com");
        var card = await shop.Server.V1.PaymentMethods.AttachAsync("pm_card_visa",
            new PaymentMethodAttachOptions { Customer = first.Id }, shop.On(), Ct);

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentMethods.AttachAsync(card.Id,
            new PaymentMethodAttachOptions { Customer = second.Id }, shop.On(), Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
    }

    [Fact]
    public async Task A_bacs_account_keeps_sort_code_last4_and_fingerprint_and_is_saved_only_with_a_mandate()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();

        var bank = await shop.BacsAsync("00012345", "10-88-00");
        var attach = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentMethods.AttachAsync(bank.Id,
            new PaymentMethodAttachOptions { Customer = customer.Id }, shop.On(), Ct));
        var listed = await shop.Server.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Type = "bacs_debit" }, shop.On(), Ct);

        Assert.Equal("bacs_debit", bank.Type);
        Assert.Equal("108800", bank.BacsDebit.SortCode);
        Assert.Equal("2345", bank.BacsDebit.Last4);
        Assert.False(string.IsNullOrEmpty(bank.BacsDebit.Fingerprint));
        Assert.Equal("Jenny Rosen", bank.BillingDetails.Name);
        Assert.Equal(HttpStatusCode.BadRequest, attach.HttpStatusCode);
        Assert.Equal([bank.Id], listed.Data.Select(p => p.Id));
    }

    [Theory]
    [InlineData("1088", "00012345", "bacs_debit[sort_code]")]
    [InlineData("108800", "123", "bacs_debit[account_number]")]
    [InlineData("108800", "00044444", "bacs_debit[account_number]")]
    public async Task Bad_bank_details_are_refused(string sortCode, string accountNumber, string param)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.BacsAsync(accountNumber, sortCode));

        Assert.Equal(param, error.StripeError.Param);
    }

    [Fact]
    public async Task A_saved_card_can_be_updated()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var card = await shop.Server.V1.PaymentMethods.AttachAsync("pm_card_visa",
            new PaymentMethodAttachOptions { Customer = customer.Id }, shop.On(), Ct);

        var updated = await shop.Server.V1.PaymentMethods.UpdateAsync(card.Id, new PaymentMethodUpdateOptions
        {
            Card = new PaymentMethodCardOptions { ExpMonth = 1, ExpYear = 2040 },
            BillingDetails = new PaymentMethodBillingDetailsOptions { Name = "J Rosen" },
        }, shop.On(), Ct);

        Assert.Equal(1, updated.Card.ExpMonth);
        Assert.Equal(2040, updated.Card.ExpYear);
        Assert.Equal("J Rosen", updated.BillingDetails.Name);
        Assert.Contains("payment_method.updated", await shop.EventTypesAsync());
    }
}
