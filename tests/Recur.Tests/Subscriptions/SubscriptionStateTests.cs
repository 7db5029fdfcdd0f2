using Recur.Web.Catalog;
using Recur.Web.Stripe;
using Recur.Web.Subscriptions;

namespace Recur.Tests.Subscriptions;

public sealed class SubscriptionStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private static Subscription New(SubscriptionStatus status = SubscriptionStatus.Incomplete, string type = "card") =>
        new(Guid.NewGuid(), StripeEnvironment.Test, "acct_1", "sub_1", Guid.NewGuid(), Guid.NewGuid(), null, type, status, T0);

    [Fact]
    public void An_incomplete_subscription_becomes_active_when_paid()
    {
        var subscription = New();
        Assert.True(subscription.MoveTo(SubscriptionStatus.Active, T0.AddMinutes(1)));
        Assert.Equal(SubscriptionStatus.Active, subscription.Status);
    }

    [Fact]
    public void An_incomplete_subscription_read_as_past_due_after_missed_events_is_past_due()
    {
        // Paid (active), then a renewal failed: Recur heard of neither before this read.
        var subscription = New();
        Assert.True(subscription.MarkPastDue(T0.AddDays(31)));
        Assert.Equal(SubscriptionStatus.PastDue, subscription.Status);
    }

    [Fact]
    public void An_expired_incomplete_subscription_never_becomes_active()
    {
        var subscription = New();
        Assert.True(subscription.MoveTo(SubscriptionStatus.IncompleteExpired, T0.AddDays(1)));
        Assert.False(subscription.MoveTo(SubscriptionStatus.Active, T0.AddDays(2)));
        Assert.Equal(SubscriptionStatus.IncompleteExpired, subscription.Status);
    }

    [Fact]
    public void A_failed_renewal_makes_an_active_subscription_past_due_and_a_payment_makes_it_active_again()
    {
        var subscription = New(SubscriptionStatus.Active);
        Assert.True(subscription.MarkPastDue(T0.AddDays(30)));
        Assert.True(subscription.MoveTo(SubscriptionStatus.Active, T0.AddDays(31)));
    }

    [Theory]
    [InlineData(SubscriptionStatus.Canceled)]
    [InlineData(SubscriptionStatus.IncompleteExpired)]
    public void An_ended_subscription_never_comes_back(SubscriptionStatus ended)
    {
        var subscription = New(ended);
        Assert.False(subscription.MoveTo(SubscriptionStatus.Active, T0.AddDays(1)));
        Assert.False(subscription.MarkPastDue(T0.AddDays(1)));
        Assert.Equal(ended, subscription.Status);
    }

    [Fact]
    public void Older_news_does_not_overwrite_newer_news()
    {
        var subscription = New(SubscriptionStatus.Active);
        subscription.MarkCanceled(T0.AddDays(2), T0.AddDays(2));

        Assert.False(subscription.MoveTo(SubscriptionStatus.Active, T0.AddDays(1)));
        Assert.Equal(SubscriptionStatus.Canceled, subscription.Status);
    }

    [Fact]
    public void A_period_never_moves_backwards()
    {
        var subscription = New(SubscriptionStatus.Active);
        subscription.ApplySchedule(T0, T0.AddMonths(1), T0.AddMonths(2), null, false, null, null, null);

        Assert.False(subscription.ApplySchedule(T0.AddDays(1), T0, T0.AddMonths(1), null, false, null, null, null));
        Assert.Equal(T0.AddMonths(2), subscription.CurrentPeriodEnd);
    }

    [Fact]
    public void A_processing_bacs_subscription_is_active_when_the_offer_activates_on_the_mandate()
    {
        var subscription = New(type: "bacs_debit");
        subscription.ApplyLatestPayment("processing", null, T0);

        Assert.Equal(SubscriptionAccess.Active, subscription.Access(BacsActivation.WhenMandateCreated, MandateStatus.Pending));
        Assert.Equal(SubscriptionAccess.Processing, subscription.Access(BacsActivation.WhenFirstPaymentConfirmed, MandateStatus.Active));
        Assert.Equal(SubscriptionAccess.Processing, subscription.Access(BacsActivation.WhenMandateCreated, MandateStatus.Inactive));
    }

    [Fact]
    public void A_bacs_subscription_waiting_for_its_first_payment_counts_as_processing_even_if_stripe_says_active()
    {
        var subscription = New(SubscriptionStatus.Active, "bacs_debit");
        Assert.Equal(SubscriptionAccess.Processing, subscription.Access(BacsActivation.WhenFirstPaymentConfirmed, MandateStatus.Active));

        subscription.RecordPaid(T0.AddDays(4));

        Assert.Equal(SubscriptionAccess.Active, subscription.Access(BacsActivation.WhenFirstPaymentConfirmed, MandateStatus.Active));
    }

    [Fact]
    public void A_mandate_goes_pending_active_inactive_and_never_back_to_pending()
    {
        var mandate = new Mandate(Guid.NewGuid(), StripeEnvironment.Test, "acct_1", "mandate_1", "pm_1", MandateStatus.Pending, T0);

        Assert.True(mandate.MoveTo(MandateStatus.Active, T0.AddDays(3)));
        Assert.False(mandate.MoveTo(MandateStatus.Pending, T0.AddDays(4)));
        Assert.False(mandate.MoveTo(MandateStatus.Inactive, T0.AddDays(2)));
        Assert.True(mandate.MoveTo(MandateStatus.Inactive, T0.AddDays(5)));
        Assert.Equal(MandateStatus.Inactive, mandate.Status);
        Assert.Equal(T0.AddDays(3), mandate.ActivatedAt);
    }

    [Fact]
    public void A_paid_invoice_stays_paid()
    {
        var payment = new Payment(Guid.NewGuid(), StripeEnvironment.Test, "acct_1", Guid.NewGuid(), "in_1", "gbp", T0);
        Assert.True(payment.Apply(InvoiceStatus.Open, T0, null, 999, 0, "subscription_create", 0, null, null, null, null, null));
        Assert.True(payment.Apply(InvoiceStatus.Paid, T0.AddMinutes(1), "A-1", 999, 999, null, 1, null, null, null, T0.AddMinutes(1), null));

        Assert.False(payment.Apply(InvoiceStatus.Open, T0.AddMinutes(2), null, 999, 0, null, 1, null, null, null, null, null));
        Assert.Equal(InvoiceStatus.Paid, payment.Status);
    }
}
