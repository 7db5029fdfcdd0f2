using System.Net;
using Recur.StripeSandbox.Scheduling;
using Recur.StripeSandbox.Tests.PaymentIntents;
using Recur.StripeSandbox.Tests.Shapes;
using Recur.StripeSandbox.Tests.WebhookEndpoints;
using Stripe;

namespace Recur.StripeSandbox.Tests.Refunds;

/// <summary>
/// <c>/v1/refunds</c> through Stripe.net's RefundService (https://docs.stripe.com/api/refunds,
/// https://docs.stripe.com/refunds): full and partial refunds of a card payment, what they do to the charge, the
/// refusals, and the lifecycle of the list, update and cancel calls. Asynchronous refunds are in
/// <see cref="AsyncRefundsTests"/>.
/// </summary>
public sealed class RefundsTests(ManualClockSandbox sandbox) : IClassFixture<ManualClockSandbox>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true, null, 2000L, true)]
    [InlineData(false, null, 2000L, true)]
    [InlineData(true, 500L, 500L, false)]
    [InlineData(false, 1999L, 1999L, false)]
    public async Task A_card_payment_is_refunded_in_full_or_in_part(bool byPaymentIntent, long? amount, long refunded, bool whole)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var paid = await PayAsync(shop, "pm_card_visa");

        var refund = await shop.Server.V1.Refunds.CreateAsync(new RefundCreateOptions
        {
            PaymentIntent = byPaymentIntent ? paid.Id : null,
            Charge = byPaymentIntent ? null : paid.LatestChargeId,
            Amount = amount,
            Reason = "requested_by_customer",
            Metadata = new() { ["order"] = "42" },
        }, shop.On(), Ct);
        var charge = await shop.Server.V1.Charges.GetAsync(paid.LatestChargeId,
            new ChargeGetOptions { Expand = ["refunds"] }, shop.On(), Ct);

        Assert.StartsWith("re_", refund.Id, StringComparison.Ordinal);
        Assert.Equal("succeeded", refund.Status);
        Assert.Equal(refunded, refund.Amount);
        Assert.Equal("gbp", refund.Currency);
        Assert.Equal(paid.LatestChargeId, refund.ChargeId);
        Assert.Equal(paid.Id, refund.PaymentIntentId);
        Assert.Equal("requested_by_customer", refund.Reason);
        Assert.Equal("42", refund.Metadata["order"]);
        Assert.Equal(refunded, charge.AmountRefunded);
        Assert.Equal(whole, charge.Refunded);
        Assert.Equal([refund.Id], charge.Refunds.Data.Select(r => r.Id));
        var types = await shop.EventTypesAsync();
        Assert.Contains("refund.created", types);
        Assert.Contains("charge.refunded", types);
    }

    [Fact]
    public async Task Partial_refunds_add_up_to_the_payment_and_no_further()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var paid = await PayAsync(shop, "pm_card_visa");

        await RefundAsync(shop, paid.Id, 1200);
        var tooMuch = await Assert.ThrowsAsync<StripeException>(() => RefundAsync(shop, paid.Id, 801));
        var rest = await RefundAsync(shop, paid.Id, null);
        var again = await Assert.ThrowsAsync<StripeException>(() => RefundAsync(shop, paid.Id, null));
        var charge = await shop.Server.V1.Charges.GetAsync(paid.LatestChargeId, null, shop.On(), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.HttpStatusCode);
        Assert.Equal("amount_too_large", tooMuch.StripeError.Code);
        Assert.Equal("amount", tooMuch.StripeError.Param);
        Assert.Equal(800, rest.Amount);
        Assert.Equal("charge_already_refunded", again.StripeError.Code);
        Assert.Equal(2000, charge.AmountRefunded);
        Assert.True(charge.Refunded);
    }

    /// <summary>Refusals from https://docs.stripe.com/api/refunds/create and https://docs.stripe.com/error-codes.</summary>
    [Theory]
    [InlineData("nothing named", "parameter_missing", null)]
    [InlineData("an unknown payment intent", "resource_missing", "payment_intent")]
    [InlineData("an unknown charge", "resource_missing", "charge")]
    [InlineData("an uncaptured payment (cancel it instead)", "charge_not_refundable", "payment_intent")]
    [InlineData("a declined payment", "charge_not_refundable", "payment_intent")]
    [InlineData("a declined charge", "charge_not_refundable", "charge")]
    [InlineData("a disputed charge", "charge_disputed", "charge")]
    [InlineData("a zero amount", "parameter_invalid_integer", "amount")]
    [InlineData("a reason Stripe does not know", null, "reason")]
    public async Task A_refund_stripe_would_refuse_is_refused(string what, string? code, string? param)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var options = what switch
        {
            "nothing named" => new RefundCreateOptions(),
            "an unknown payment intent" => new RefundCreateOptions { PaymentIntent = "pi_missing" },
            "an unknown charge" => new RefundCreateOptions { Charge = "ch_missing" },
            "an uncaptured payment (cancel it instead)" => new RefundCreateOptions { PaymentIntent = (await PayAsync(shop, "pm_card_visa", manual: true)).Id },
            "a declined payment" => new RefundCreateOptions { PaymentIntent = (await DeclinedAsync(shop)).Id },
            "a declined charge" => new RefundCreateOptions { Charge = (await DeclinedAsync(shop)).LatestChargeId },
            "a disputed charge" => new RefundCreateOptions { Charge = (await PayAsync(shop, "pm_card_createDispute")).LatestChargeId },
            "a zero amount" => new RefundCreateOptions { PaymentIntent = (await PayAsync(shop, "pm_card_visa")).Id, Amount = 0 },
            _ => new RefundCreateOptions { PaymentIntent = (await PayAsync(shop, "pm_card_visa")).Id, Reason = "changed_my_mind" },
        };

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.Refunds.CreateAsync(options, shop.On(), Ct));

        Assert.True(error.HttpStatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, what);
        Assert.Equal(code, error.StripeError.Code);
        Assert.Equal(param, error.StripeError.Param);
        Assert.DoesNotContain("refund.created", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task Refunds_are_retrieved_listed_by_charge_and_payment_intent_and_updated_in_their_metadata_only()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var first = await PayAsync(shop, "pm_card_visa");
        var second = await PayAsync(shop, "pm_card_mastercard");
        var a = await RefundAsync(shop, first.Id, 100);
        var b = await RefundAsync(shop, first.Id, 200);
        var c = await RefundAsync(shop, second.Id, null);

        var read = await shop.Server.V1.Refunds.GetAsync(a.Id, null, shop.On(), Ct);
        var byIntent = await shop.Server.V1.Refunds.ListAsync(new RefundListOptions { PaymentIntent = first.Id }, shop.On(), Ct);
        var byCharge = await shop.Server.V1.Refunds.ListAsync(new RefundListOptions { Charge = second.LatestChargeId }, shop.On(), Ct);
        var all = await shop.Server.V1.Refunds.ListAsync(null, shop.On(), Ct);
        var updated = await shop.Server.V1.Refunds.UpdateAsync(a.Id,
            new RefundUpdateOptions { Metadata = new() { ["ticket"] = "T-9" } }, shop.On(), Ct);
        var elsewhere = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.Refunds.GetAsync(a.Id, null, null, Ct));

        Assert.Equal(100, read.Amount);
        Assert.Equal([b.Id, a.Id], byIntent.Data.Select(r => r.Id));
        Assert.Equal([c.Id], byCharge.Data.Select(r => r.Id));
        Assert.Equal([c.Id, b.Id, a.Id], all.Data.Select(r => r.Id));
        Assert.Equal("T-9", updated.Metadata["ticket"]);
        Assert.Equal(100, updated.Amount);
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.HttpStatusCode);
        Assert.Contains("refund.updated", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task Only_metadata_can_be_updated_and_a_card_refund_cannot_be_canceled()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var refund = await RefundAsync(shop, (await PayAsync(shop, "pm_card_visa")).Id, null);

        var amountChange = new RefundUpdateOptions();
        amountChange.AddExtraParam("amount", "5");
        var update = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.Refunds.UpdateAsync(refund.Id, amountChange, shop.On(), Ct));
        var cancel = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.Refunds.CancelAsync(refund.Id, null, shop.On(), Ct));
        var read = await shop.Server.V1.Refunds.GetAsync(refund.Id, null, shop.On(), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, update.HttpStatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, cancel.HttpStatusCode);
        Assert.Contains("requires_action", cancel.StripeError.Message, StringComparison.Ordinal);
        Assert.Equal("succeeded", read.Status);
        Assert.Equal(2000, read.Amount);
    }

    [Fact]
    public async Task A_retried_refund_with_the_same_idempotency_key_refunds_once()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var paid = await PayAsync(shop, "pm_card_visa");
        var key = Guid.NewGuid().ToString();

        var first = await shop.Server.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id, Amount = 700 },
            shop.On(key), Ct);
        var second = await shop.Server.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id, Amount = 700 },
            shop.On(key), Ct);
        var charge = await shop.Server.V1.Charges.GetAsync(paid.LatestChargeId, null, shop.On(), Ct);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(700, charge.AmountRefunded);
        Assert.Single(await shop.EventTypesAsync(), t => t == "refund.created");
    }

    [Fact]
    public async Task A_refund_has_every_key_of_stripes_refund()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var refund = await RefundAsync(shop, (await PayAsync(shop, "pm_card_visa")).Id, null);

        var json = await shop.GetJsonAsync($"/v1/refunds/{refund.Id}");

        Assert.Empty(StripeFixtures.MissingKeys(StripeFixtures.Resource("refund"), json));
    }

    internal static Task<PaymentIntent> PayAsync(ConnectedShop shop, string paymentMethod, bool manual = false) =>
        shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 2000, Currency = "gbp", AllowedPaymentMethodTypes = ["card"], PaymentMethod = paymentMethod,
            Confirm = true, ReturnUrl = "https://shop.example/return", CaptureMethod = manual ? "manual" : null,
        }, shop.On(), Ct);

    internal static Task<Refund> RefundAsync(ConnectedShop shop, string paymentIntent, long? amount) =>
        shop.Server.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntent, Amount = amount },
            shop.On(), Ct);

    private static async Task<PaymentIntent> DeclinedAsync(ConnectedShop shop)
    {
        var intent = await shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 2000, Currency = "gbp", AllowedPaymentMethodTypes = ["card"],
        }, shop.On(), Ct);
        await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.ConfirmAsync(intent.Id,
            new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_chargeDeclined", ReturnUrl = "https://shop.example/return" },
            shop.On(), Ct));
        return await shop.Server.V1.PaymentIntents.GetAsync(intent.Id, null, shop.On(), Ct);
    }
}
