using System.Net;
using Recur.StripeSandbox.Scheduling;
using Recur.StripeSandbox.Tests.PaymentIntents;
using Recur.StripeSandbox.Tests.WebhookEndpoints;
using Stripe;

namespace Recur.StripeSandbox.Tests.Refunds;

/// <summary>
/// Refunds that finish later, on a sandbox whose clock moves only when the test says: Stripe's refund test cards
/// (https://docs.stripe.com/testing#refunds: <c>4000000000007726</c> pending then succeeded, <c>4000000000005126</c>
/// succeeded then failed) and Bacs Direct Debit refunds (https://docs.stripe.com/payments/bacs-debit, "Refunds":
/// pending for the processing time; one made before the debit settled goes ahead, is canceled or fails with the
/// debit; 180 days to refund). The sandbox's BACS delay (5 seconds here) stands in for Stripe's days.
/// </summary>
public sealed class AsyncRefundsTests(ManualClockSandbox sandbox) : IClassFixture<ManualClockSandbox>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SandboxSchedule Schedule => sandbox.Services.GetRequiredService<SandboxSchedule>();

    [Theory]
    [InlineData("4000000000007726", "pending", "succeeded", 2000L)]
    [InlineData("4000000000005126", "succeeded", "failed", 0L)]
    public async Task A_refund_test_card_moves_the_refund_later(string number, string first, string then, long refundedAfter)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var card = await shop.CardAsync(number);
        var paid = await RefundsTests.PayAsync(shop, card.Id);

        var refund = await RefundsTests.RefundAsync(shop, paid.Id, null);
        var chargeBefore = await ChargeAsync(shop, paid.LatestChargeId);
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        var later = await shop.Server.V1.Refunds.GetAsync(refund.Id, null, shop.On(), Ct);
        var chargeAfter = await ChargeAsync(shop, paid.LatestChargeId);

        Assert.Equal(first, refund.Status);
        Assert.Equal(then, later.Status);
        Assert.Equal(2000, chargeBefore.AmountRefunded);
        Assert.Equal(refundedAfter, chargeAfter.AmountRefunded);
        Assert.Equal(refundedAfter == 2000, chargeAfter.Refunded);
        Assert.Equal(then == "failed" ? "unknown" : null, later.FailureReason);
        var types = await shop.EventTypesAsync();
        Assert.Contains("refund.updated", types);
        Assert.Contains("charge.refund.updated", types);
        Assert.Equal(then == "failed", types.Contains("refund.failed"));
    }

    [Fact]
    public async Task A_failed_refund_leaves_the_amount_refundable_again()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var paid = await RefundsTests.PayAsync(shop, "pm_card_refundFail");
        await RefundsTests.RefundAsync(shop, paid.Id, null);
        await AdvanceAsync(TimeSpan.FromSeconds(5));

        var again = await RefundsTests.RefundAsync(shop, paid.Id, 1500);

        Assert.Equal(1500, again.Amount);
        Assert.Equal(1500, (await ChargeAsync(shop, paid.LatestChargeId)).AmountRefunded);
    }

    [Fact]
    public async Task A_settled_bacs_debit_is_refunded_after_the_processing_time()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var paid = await SettledDebitAsync(shop, "00012345");

        var refund = await RefundsTests.RefundAsync(shop, paid.Id, 1000);
        var cancel = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.Refunds.CancelAsync(refund.Id, null, shop.On(), Ct));
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        var later = await shop.Server.V1.Refunds.GetAsync(refund.Id, null, shop.On(), Ct);

        Assert.Equal("pending", refund.Status);
        Assert.Equal("processing", refund.PendingReason);
        Assert.Equal(HttpStatusCode.BadRequest, cancel.HttpStatusCode);
        Assert.Equal("succeeded", later.Status);
        Assert.Null(later.PendingReason);
        Assert.Equal(1000, (await ChargeAsync(shop, paid.LatestChargeId)).AmountRefunded);
    }

    [Theory]
    [InlineData("00012345", "succeeded", null, 2500L, 5)]
    [InlineData("22222227", "canceled", null, 0L, 0)]
    [InlineData("55555559", "failed", "charge_for_pending_refund_disputed", 0L, 175)]
    public async Task A_refund_made_before_the_debit_settles_follows_the_debit(string accountNumber, string status,
        string? failureReason, long refundedAfter, int secondsAfterSettlement)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var bank = await shop.BacsAsync(accountNumber);
        var debit = await DebitAsync(shop, bank.Id, customer.Id);

        var refund = await RefundsTests.RefundAsync(shop, debit.Id, null);
        var chargeWhilePending = await ChargeAsync(shop, debit.LatestChargeId);
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        await AdvanceAsync(TimeSpan.FromSeconds(secondsAfterSettlement));
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        var later = await shop.Server.V1.Refunds.GetAsync(refund.Id, null, shop.On(), Ct);

        Assert.Equal("processing", debit.Status);
        Assert.Equal("pending", refund.Status);
        Assert.Equal("charge_pending", refund.PendingReason);
        Assert.Equal(2500, chargeWhilePending.AmountRefunded);
        Assert.Equal(status, later.Status);
        Assert.Equal(failureReason, later.FailureReason);
        Assert.Equal(refundedAfter, (await ChargeAsync(shop, debit.LatestChargeId)).AmountRefunded);
        Assert.Contains("refund.updated", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task A_bacs_debit_older_than_180_days_is_not_refunded()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var paid = await SettledDebitAsync(shop, "00012345");
        await AdvanceAsync(TimeSpan.FromDays(181));

        var error = await Assert.ThrowsAsync<StripeException>(() => RefundsTests.RefundAsync(shop, paid.Id, null));

        Assert.Equal("charge_not_refundable", error.StripeError.Code);
        Assert.Equal(0, (await ChargeAsync(shop, paid.LatestChargeId)).AmountRefunded);
    }

    private async Task<PaymentIntent> SettledDebitAsync(ConnectedShop shop, string accountNumber)
    {
        var customer = await shop.CustomerAsync();
        var bank = await shop.BacsAsync(accountNumber);
        var debit = await DebitAsync(shop, bank.Id, customer.Id);
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        var settled = await shop.Server.V1.PaymentIntents.GetAsync(debit.Id, null, shop.On(), Ct);
        Assert.Equal("succeeded", settled.Status);
        return settled;
    }

    private async Task AdvanceAsync(TimeSpan by)
    {
        sandbox.Time.Advance(by);
        await Schedule.RunDueAsync(sandbox.Time.GetUtcNow(), null, Ct);
    }

    private static Task<Charge> ChargeAsync(ConnectedShop shop, string id) =>
        shop.Server.V1.Charges.GetAsync(id, null, shop.On(), Ct);

    private static Task<PaymentIntent> DebitAsync(ConnectedShop shop, string paymentMethod, string customer) =>
        shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 2500, Currency = "gbp", Customer = customer, AllowedPaymentMethodTypes = ["bacs_debit"],
            PaymentMethod = paymentMethod, Confirm = true, MandateData = ConnectedShop.Mandate,
        }, shop.On(), Ct);
}
