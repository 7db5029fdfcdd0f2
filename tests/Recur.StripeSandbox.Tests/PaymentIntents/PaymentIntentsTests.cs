using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.PaymentIntents;

/// <summary>
/// PaymentIntents through Stripe.net as Recur uses them: statuses, the Stripe.js path (publishable key and client
/// secret), idempotent creation, validation of amounts, currencies and payment method types, update, cancel, list.
/// </summary>
public sealed class PaymentIntentsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PaymentIntentCreateOptions Gbp(long amount = 2000, params string[] types) => new()
    {
        Amount = amount,
        Currency = "gbp",
        AllowedPaymentMethodTypes = types.Length == 0 ? ["card", "bacs_debit"] : [.. types],
    };

    [Fact]
    public async Task A_new_payment_intent_waits_for_a_payment_method_then_for_confirmation()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var created = await shop.Server.V1.PaymentIntents.CreateAsync(Gbp(), shop.On(), Ct);
        var updated = await shop.Server.V1.PaymentIntents.UpdateAsync(created.Id,
            new PaymentIntentUpdateOptions { PaymentMethod = "pm_card_visa" }, shop.On(), Ct);
        var confirmed = await shop.Server.V1.PaymentIntents.ConfirmAsync(created.Id, new PaymentIntentConfirmOptions(), shop.On(), Ct);

        Assert.Equal("requires_payment_method", created.Status);
        Assert.Matches($"^{created.Id}_secret_[A-Za-z0-9]+$", created.ClientSecret);
        Assert.Equal(["card", "bacs_debit"], created.PaymentMethodTypes);
        Assert.Equal(["card", "bacs_debit"], created.AllowedPaymentMethodTypes);
        Assert.Equal("requires_confirmation", updated.Status);
        Assert.Equal("succeeded", confirmed.Status);
        Assert.Equal(["payment_intent.created", "charge.succeeded", "payment_intent.succeeded"], await shop.EventTypesAsync());
        var events = await shop.Server.V1.Events.ListAsync(new EventListOptions(), shop.On(), Ct);
        Assert.All(events.Data, e => Assert.Equal(shop.AccountId, e.Account));
        Assert.Equal(created.Id, Assert.IsType<PaymentIntent>(events.Data[0].Data.Object).Id);
        Assert.Empty((await shop.Server.V1.Events.ListAsync(new EventListOptions(), cancellationToken: Ct)).Data);
    }

    [Fact]
    public async Task Stripe_js_confirms_with_the_publishable_key_and_the_client_secret()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var intent = await shop.Server.V1.PaymentIntents.CreateAsync(Gbp(types: "card"), shop.On(), Ct);
        var card = await shop.CardAsync("4242424242424242");

        var retrieved = await shop.Browser.V1.PaymentIntents.GetAsync(intent.Id,
            new PaymentIntentGetOptions { ClientSecret = intent.ClientSecret }, shop.On(), Ct);
        var confirm = new PaymentIntentConfirmOptions { PaymentMethod = card.Id, ReturnUrl = "https://shop.example/done" };
        confirm.AddExtraParam("client_secret", intent.ClientSecret);
        var confirmed = await shop.Browser.V1.PaymentIntents.ConfirmAsync(intent.Id, confirm, shop.On(), Ct);

        Assert.Equal("requires_payment_method", retrieved.Status);
        Assert.Equal("succeeded", confirmed.Status);
        Assert.Equal(card.Id, confirmed.PaymentMethodId);
    }

    [Fact]
    public async Task The_publishable_key_without_the_right_client_secret_is_refused()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var intent = await shop.Server.V1.PaymentIntents.CreateAsync(Gbp(types: "card"), shop.On(), Ct);
        var other = await shop.Server.V1.PaymentIntents.CreateAsync(Gbp(types: "card"), shop.On(), Ct);

        var withoutSecret = await Assert.ThrowsAsync<StripeException>(() => shop.Browser.V1.PaymentIntents.ConfirmAsync(
            intent.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" }, shop.On(), Ct));
        var wrong = new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" };
        wrong.AddExtraParam("client_secret", other.ClientSecret);
        var wrongSecret = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Browser.V1.PaymentIntents.ConfirmAsync(intent.Id, wrong, shop.On(), Ct));
        var read = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Browser.V1.PaymentIntents.GetAsync(intent.Id, requestOptions: shop.On(), cancellationToken: Ct));
        var create = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Browser.V1.PaymentIntents.CreateAsync(Gbp(), shop.On(), Ct));

        Assert.Equal(HttpStatusCode.BadRequest, withoutSecret.HttpStatusCode);
        Assert.Equal("client_secret", withoutSecret.StripeError.Param);
        Assert.Equal(HttpStatusCode.BadRequest, wrongSecret.HttpStatusCode);
        Assert.Equal("client_secret", read.StripeError.Param);
        Assert.Equal(HttpStatusCode.Unauthorized, create.HttpStatusCode);
        var after = await shop.Server.V1.PaymentIntents.GetAsync(intent.Id, requestOptions: shop.On(), cancellationToken: Ct);
        Assert.Equal("requires_payment_method", after.Status);
    }

    [Fact]
    public async Task An_idempotent_create_replays_the_same_payment_intent()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var key = $"order-{Guid.NewGuid():N}";

        var first = await shop.Server.V1.PaymentIntents.CreateAsync(Gbp(), shop.On(key), Ct);
        var second = await shop.Server.V1.PaymentIntents.CreateAsync(Gbp(), shop.On(key), Ct);
        var list = await shop.Server.V1.PaymentIntents.ListAsync(new PaymentIntentListOptions(), shop.On(), Ct);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.ClientSecret, second.ClientSecret);
        Assert.Equal("true", second.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single(list.Data);
    }

    [Fact]
    public async Task An_idempotent_declined_create_replays_the_decline_without_charging_again()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var key = $"order-{Guid.NewGuid():N}";
        var options = Gbp(types: "card");
        options.PaymentMethod = "pm_card_chargeDeclined";
        options.Confirm = true;

        var first = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.CreateAsync(options, shop.On(key), Ct));
        var second = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.CreateAsync(options, shop.On(key), Ct));

        Assert.Equal(first.StripeError.PaymentIntent.Id, second.StripeError.PaymentIntent.Id);
        Assert.Equal(HttpStatusCode.PaymentRequired, second.HttpStatusCode);
        var charges = await shop.Server.V1.Charges.ListAsync(new ChargeListOptions(), shop.On(), Ct);
        Assert.Single(charges.Data);
    }

    [Theory]
    [InlineData("gbp", 29, "amount_too_small", "amount")]
    [InlineData("usd", 49, "amount_too_small", "amount")]
    [InlineData("eur", 49, "amount_too_small", "amount")]
    [InlineData("gbp", 100_000_000, "amount_too_large", "amount")]
    [InlineData("gbp", 0, null, "amount")]
    [InlineData("xyz", 1000, null, "currency")]
    public async Task Amounts_and_currencies_are_checked_as_stripe_checks_them(string currency, long amount, string? code,
        string param)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = amount, Currency = currency, AllowedPaymentMethodTypes = ["card"] },
            shop.On(), Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Equal(code, error.StripeError.Code);
        Assert.Equal(param, error.StripeError.Param);
    }

    [Fact]
    public async Task The_minimum_amounts_themselves_are_accepted()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        foreach (var (currency, amount) in new[] { ("gbp", 30L), ("usd", 50L), ("eur", 50L) })
        {
            var intent = await shop.Server.V1.PaymentIntents.CreateAsync(
                new PaymentIntentCreateOptions { Amount = amount, Currency = currency, AllowedPaymentMethodTypes = ["card"] },
                shop.On(), Ct);
            Assert.Equal(amount, intent.Amount);
        }
    }

    [Fact]
    public async Task Bacs_only_payments_must_be_in_gbp()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = 2000, Currency = "eur", AllowedPaymentMethodTypes = ["bacs_debit"] },
            shop.On(), Ct));
        var mixed = await shop.Server.V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = 2000, Currency = "eur", AllowedPaymentMethodTypes = ["card", "bacs_debit"] },
            shop.On(), Ct);

        Assert.Equal("currency", error.StripeError.Param);
        Assert.Contains("gbp", error.StripeError.Message, StringComparison.Ordinal);
        Assert.Equal(["card"], mixed.PaymentMethodTypes);
    }

    [Fact]
    public async Task Bacs_payments_over_100000_pounds_are_refused()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var over = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.CreateAsync(
            Gbp(10_000_001, "bacs_debit"), shop.On(), Ct));
        var limit = await shop.Server.V1.PaymentIntents.CreateAsync(Gbp(10_000_000, "bacs_debit"), shop.On(), Ct);
        var mixed = await shop.Server.V1.PaymentIntents.CreateAsync(Gbp(10_000_001, "card", "bacs_debit"), shop.On(), Ct);

        Assert.Equal("amount_too_large", over.StripeError.Code);
        Assert.Equal(["bacs_debit"], limit.PaymentMethodTypes);
        Assert.Equal(["card"], mixed.PaymentMethodTypes);
    }

    [Fact]
    public async Task A_payment_method_of_a_type_not_allowed_is_refused()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var bacs = await shop.BacsAsync("00012345");
        var intent = await shop.Server.V1.PaymentIntents.CreateAsync(Gbp(types: "card"), shop.On(), Ct);

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.ConfirmAsync(intent.Id,
            new PaymentIntentConfirmOptions { PaymentMethod = bacs.Id }, shop.On(), Ct));
        var unknownType = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.CreateAsync(
            Gbp(types: "ideal"), shop.On(), Ct));

        Assert.Equal("payment_method", error.StripeError.Param);
        Assert.Equal("allowed_payment_method_types", unknownType.StripeError.Param);
    }

    [Fact]
    public async Task The_removed_payment_method_types_parameter_is_unknown_as_in_endive()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var options = new PaymentIntentCreateOptions { Amount = 2000, Currency = "gbp" };
        options.AddExtraParam("payment_method_types[]", "card");

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.CreateAsync(options, shop.On(), Ct));

        Assert.Equal("parameter_unknown", error.StripeError.Code);
    }

    [Fact]
    public async Task Confirming_a_succeeded_payment_intent_is_an_unexpected_state()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var options = Gbp(types: "card");
        options.PaymentMethod = "pm_card_visa";
        options.Confirm = true;
        var intent = await shop.Server.V1.PaymentIntents.CreateAsync(options, shop.On(), Ct);

        var confirm = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.ConfirmAsync(intent.Id,
            new PaymentIntentConfirmOptions(), shop.On(), Ct));
        var cancel = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.CancelAsync(intent.Id,
            new PaymentIntentCancelOptions(), shop.On(), Ct));
        var update = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.UpdateAsync(intent.Id,
            new PaymentIntentUpdateOptions { Amount = 3000 }, shop.On(), Ct));
        var metadata = await shop.Server.V1.PaymentIntents.UpdateAsync(intent.Id,
            new PaymentIntentUpdateOptions { Metadata = new() { ["order"] = "42" } }, shop.On(), Ct);

        Assert.Equal("payment_intent_unexpected_state", confirm.StripeError.Code);
        Assert.Equal("succeeded", confirm.StripeError.PaymentIntent.Status);
        Assert.Equal("payment_intent_unexpected_state", cancel.StripeError.Code);
        Assert.Equal("payment_intent_unexpected_state", update.StripeError.Code);
        Assert.Equal("42", metadata.Metadata["order"]);
    }

    [Fact]
    public async Task Confirming_without_a_payment_method_is_refused()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var intent = await shop.Server.V1.PaymentIntents.CreateAsync(Gbp(), shop.On(), Ct);

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.ConfirmAsync(intent.Id,
            new PaymentIntentConfirmOptions(), shop.On(), Ct));

        Assert.Equal("payment_intent_unexpected_state", error.StripeError.Code);
    }

    [Fact]
    public async Task A_payment_intent_can_be_canceled_before_it_is_paid()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var intent = await shop.Server.V1.PaymentIntents.CreateAsync(Gbp(), shop.On(), Ct);

        var canceled = await shop.Server.V1.PaymentIntents.CancelAsync(intent.Id,
            new PaymentIntentCancelOptions { CancellationReason = "abandoned" }, shop.On(), Ct);

        Assert.Equal("canceled", canceled.Status);
        Assert.Equal("abandoned", canceled.CancellationReason);
        Assert.NotNull(canceled.CanceledAt);
        Assert.Contains("payment_intent.canceled", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task Payment_intents_belong_to_the_connected_account_and_list_by_customer()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var options = Gbp();
        options.Customer = customer.Id;
        var mine = await shop.Server.V1.PaymentIntents.CreateAsync(options, shop.On(), Ct);
        await shop.Server.V1.PaymentIntents.CreateAsync(Gbp(), shop.On(), Ct);

        var byCustomer = await shop.Server.V1.PaymentIntents.ListAsync(
            new PaymentIntentListOptions { Customer = customer.Id }, shop.On(), Ct);
        var onPlatform = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.PaymentIntents.GetAsync(mine.Id, cancellationToken: Ct));

        Assert.Equal([mine.Id], byCustomer.Data.Select(p => p.Id));
        Assert.Equal(HttpStatusCode.NotFound, onPlatform.HttpStatusCode);
    }

    [Fact]
    public async Task Payment_method_data_makes_the_payment_method_inline()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var intent = await shop.Server.V1.PaymentIntents.CreateAsync(Gbp(types: "bacs_debit"), shop.On(), Ct);
        var confirm = new PaymentIntentConfirmOptions
        {
            PaymentMethodData = new PaymentIntentPaymentMethodDataOptions
            {
                Type = "bacs_debit",
                BacsDebit = new PaymentIntentPaymentMethodDataBacsDebitOptions { SortCode = "10-88-00", AccountNumber = "00012345" },
                BillingDetails = new PaymentIntentPaymentMethodDataBillingDetailsOptions
                {
                    Name = "Jenny Rosen", Email = "jenny@example.co.uk",
                    Address = new AddressOptions { Line1 = "1 High Street", City = "London", PostalCode = "N1 9GU", Country = "GB" },
                },
            },
            MandateData = ConnectedShop.Mandate,
        };
        confirm.AddExtraParam("client_secret", intent.ClientSecret);

        var confirmed = await shop.Browser.V1.PaymentIntents.ConfirmAsync(intent.Id, confirm, shop.On(), Ct);

        Assert.Equal("processing", confirmed.Status);
        var paymentMethod = await shop.Server.V1.PaymentMethods.GetAsync(confirmed.PaymentMethodId, requestOptions: shop.On(),
            cancellationToken: Ct);
        Assert.Equal("108800", paymentMethod.BacsDebit.SortCode);
    }
}
