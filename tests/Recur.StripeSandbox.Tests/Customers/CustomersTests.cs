using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.PaymentIntents;
using Recur.StripeSandbox.Tests.Scheduling;
using Stripe;

namespace Recur.StripeSandbox.Tests.Customers;

/// <summary>Customers on a connected account, as Recur's checkout finds or creates them.</summary>
public sealed class CustomersTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_customer_is_created_read_updated_and_deleted_with_its_events()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var created = await shop.Server.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = "jenny@example.co.uk",
            Name = "Jenny Rosen",
            Address = new AddressOptions { Line1 = "1 High Street", City = "London", PostalCode = "N1 9GU", Country = "gb" },
            Metadata = new() { ["recur_customer"] = "42" },
        }, shop.On(), Ct);
        var updated = await shop.Server.V1.Customers.UpdateAsync(created.Id,
            new CustomerUpdateOptions { Name = "Jenny R. Rosen", Metadata = new() { ["recur_customer"] = "" } }, shop.On(), Ct);
        var deleted = await shop.Server.V1.Customers.DeleteAsync(created.Id, requestOptions: shop.On(), cancellationToken: Ct);
        var afterDelete = await shop.Server.V1.Customers.GetAsync(created.Id, requestOptions: shop.On(), cancellationToken: Ct);

        Assert.StartsWith("cus_", created.Id, StringComparison.Ordinal);
        Assert.Equal("GB", created.Address.Country);
        Assert.Equal("42", created.Metadata["recur_customer"]);
        Assert.Equal("Jenny R. Rosen", updated.Name);
        Assert.Empty(updated.Metadata);
        Assert.True(deleted.Deleted);
        Assert.True(afterDelete.Deleted);
        Assert.Equal(["customer.created", "customer.updated", "customer.deleted"], await shop.EventTypesAsync());
        var events = await shop.Server.V1.Events.ListAsync(new EventListOptions { Type = "customer.updated" }, shop.On(), Ct);
        Assert.Equal("Jenny Rosen", events.Data[0].Data.PreviousAttributes["name"]!.ToString());
    }

    [Fact]
    public async Task Customers_are_listed_by_exact_email_newest_first()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var first = await shop.CustomerAsync("a@example.com");
        await shop.CustomerAsync("b@example.com");
        var second = await shop.CustomerAsync("a@example.com");

        var byEmail = await shop.Server.V1.Customers.ListAsync(new CustomerListOptions { Email = "a@example.com" }, shop.On(), Ct);
        var otherCase = await shop.Server.V1.Customers.ListAsync(new CustomerListOptions { Email = "A@example.com" }, shop.On(), Ct);
        var onPlatform = await shop.Server.V1.Customers.ListAsync(new CustomerListOptions(), cancellationToken: Ct);

        Assert.Equal([second.Id, first.Id], byEmail.Data.Select(c => c.Id));
        Assert.Empty(otherCase.Data);
        Assert.Empty(onPlatform.Data);
    }

    [Fact]
    public async Task A_deleted_customer_can_no_longer_be_used()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        await shop.Server.V1.Customers.DeleteAsync(customer.Id, requestOptions: shop.On(), cancellationToken: Ct);

        var update = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.Customers.UpdateAsync(customer.Id,
            new CustomerUpdateOptions { Name = "x" }, shop.On(), Ct));
        var payment = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = 1000, Currency = "gbp", Customer = customer.Id }, shop.On(), Ct));
        var list = await shop.Server.V1.Customers.ListAsync(new CustomerListOptions(), shop.On(), Ct);

        Assert.Equal(HttpStatusCode.NotFound, update.HttpStatusCode);
        Assert.Equal("customer", payment.StripeError.Param);
        Assert.Empty(list.Data);
    }

    [Fact]
    public async Task The_default_payment_method_must_be_one_of_the_customers_own()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.Server.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = "jenny@example.co.uk", PaymentMethod = "pm_card_visa",
        }, shop.On(), Ct);
        var saved = await shop.Server.V1.PaymentMethods.ListAsync(
            new PaymentMethodListOptions { Customer = customer.Id }, shop.On(), Ct);
        var stranger = await shop.CardAsync("5555555555554444");

        var refused = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.Customers.UpdateAsync(customer.Id,
            new CustomerUpdateOptions
            {
                InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = stranger.Id },
            }, shop.On(), Ct));
        var accepted = await shop.Server.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions
        {
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = saved.Data[0].Id },
        }, shop.On(), Ct);

        Assert.Single(saved.Data);
        Assert.Equal("invoice_settings[default_payment_method]", refused.StripeError.Param);
        Assert.Equal(saved.Data[0].Id, accepted.InvoiceSettings.DefaultPaymentMethodId);
    }

    [Fact]
    public async Task A_customer_on_a_test_clock_is_created_at_the_clocks_time_and_listed_with_it()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var clock = TestClocks.Create(sandbox.Services, shop, new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

        var customer = await shop.CustomerAsync(testClock: clock.Id);
        var plain = await shop.CustomerAsync();
        var onClock = await shop.Server.V1.Customers.ListAsync(new CustomerListOptions { TestClock = clock.Id }, shop.On(), Ct);
        var withoutClock = await shop.Server.V1.Customers.ListAsync(new CustomerListOptions(), shop.On(), Ct);
        var unknown = await Assert.ThrowsAsync<StripeException>(() => shop.CustomerAsync(testClock: "clock_missing"));

        Assert.Equal(clock.Id, customer.TestClockId);
        Assert.Equal(clock.FrozenTime.UtcDateTime, customer.Created);
        Assert.Equal([customer.Id], onClock.Data.Select(c => c.Id));
        Assert.Equal([plain.Id], withoutClock.Data.Select(c => c.Id));
        Assert.Equal("test_clock", unknown.StripeError.Param);
    }

    [Theory]
    [InlineData("not-an-email", "email")]
    [InlineData("a@b@c", "email")]
    public async Task Invalid_emails_are_refused(string email, string param)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.CustomerAsync(email));

        Assert.Equal(param, error.StripeError.Param);
    }

    /// <summary><c>balance</c> on create and update, in minor units, negative for a credit
    /// (https://docs.stripe.com/api/customers/object#customer_object-balance).</summary>
    [Theory]
    [InlineData(null, null, 0L)]
    [InlineData(-500L, null, -500L)]
    [InlineData(1200L, null, 1200L)]
    [InlineData(null, -250L, -250L)]
    [InlineData(300L, 0L, 0L)]
    public async Task A_customers_balance_is_set_on_create_or_update_and_shown_on_retrieve(long? onCreate, long? onUpdate,
        long expected)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var created = await shop.Server.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = "jenny@example.co.uk", Balance = onCreate,
        }, shop.On(), Ct);
        if (onUpdate is not null)
        {
            await shop.Server.V1.Customers.UpdateAsync(created.Id, new CustomerUpdateOptions { Balance = onUpdate }, shop.On(), Ct);
        }

        var read = await shop.Server.V1.Customers.GetAsync(created.Id, requestOptions: shop.On(), cancellationToken: Ct);

        Assert.Equal(onCreate ?? 0, created.Balance);
        Assert.Equal(expected, read.Balance);
    }

    [Theory]
    [InlineData("balance", "ten")]
    [InlineData("balance", "1.5")]
    [InlineData("balance[x]", "1")]
    public async Task A_balance_that_is_not_an_integer_is_refused(string name, string value)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var options = new CustomerCreateOptions { Email = "jenny@example.co.uk" };
        options.AddExtraParam(name, value);

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.Customers.CreateAsync(options, shop.On(), Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("balance", error.StripeError.Param);
        Assert.Empty(await shop.Server.V1.Customers.ListAsync(null, shop.On(), Ct));
    }
}
