using Recur.Web.Catalog;
using Recur.Web.Stripe;

namespace Recur.Tests.Catalog;

public sealed class OfferRulesTests
{
    private static OfferTerms Monthly(long amount = 999, string currency = "gbp", PaymentTypes types = PaymentTypes.Card) =>
        new("Monthly", amount, currency, BillingKind.Recurring, BillingInterval.Month, 1, null, null, null, types,
            types.HasFlag(PaymentTypes.Bacs) ? BacsActivation.WhenMandateCreated : null, StripeEnvironment.Test);

    [Fact]
    public void A_monthly_card_offer_in_pounds_is_valid() => Assert.Empty(OfferRules.Validate(Monthly()));

    [Theory]
    [InlineData("gbp", 29, "£0.30")]
    [InlineData("usd", 49, "$0.50")]
    [InlineData("eur", 49, "€0.50")]
    public void A_price_below_stripes_minimum_charge_is_refused_naming_the_minimum(string currency, long amount, string minimum)
    {
        var problem = Assert.Single(OfferRules.Validate(Monthly(amount, currency)));
        Assert.Contains(minimum, problem.Message);
    }

    [Fact]
    public void Bacs_in_euros_is_refused() =>
        Assert.Contains(OfferRules.Validate(Monthly(1000, "eur", PaymentTypes.Bacs)), p => p.Message.Contains("only GBP"));

    [Fact]
    public void Bacs_above_one_hundred_thousand_pounds_is_refused_counting_the_joining_fee()
    {
        var terms = Monthly(100_000_00, "gbp", PaymentTypes.Bacs) with { Billing = BillingKind.JoiningFeeAndRecurring, JoiningFeeMinor = 1 };
        Assert.Contains(OfferRules.Validate(terms), p => p.Message.Contains("£100,000.00"));
        Assert.Empty(OfferRules.Validate(Monthly(100_000_00, "gbp", PaymentTypes.Bacs)));
    }

    [Theory]
    [InlineData(BillingInterval.Month, 13)]
    [InlineData(BillingInterval.Week, 53)]
    [InlineData(BillingInterval.Day, 366)]
    [InlineData(BillingInterval.Year, 2)]
    public void An_interval_longer_than_a_year_is_refused(BillingInterval interval, int count) =>
        Assert.Contains(OfferRules.Validate(Monthly() with { Interval = interval, IntervalCount = count }), p => p.Message.Contains("at most once a year"));

    [Fact]
    public void An_offer_needs_at_least_one_payment_type() =>
        Assert.Contains(OfferRules.Validate(Monthly(types: PaymentTypes.None)), p => p.Message.Contains("at least one payment type"));

    [Fact]
    public void A_bacs_offer_needs_its_activation_choice() =>
        Assert.Contains(OfferRules.Validate(Monthly(types: PaymentTypes.Bacs) with { BacsActivation = null }), p => p.Message.Contains("when the mandate is created"));

    [Fact]
    public void A_one_off_offer_cannot_have_a_trial_or_a_fixed_term()
    {
        var problems = OfferRules.Validate(Monthly() with { Billing = BillingKind.OneOff, TrialDays = 7, FixedTermPeriods = 3 });
        Assert.Contains(problems, p => p.Message.Contains("cannot have a free trial"));
        Assert.Contains(problems, p => p.Message.Contains("cannot have a fixed term"));
    }

    [Fact]
    public void Offers_are_described_in_plain_words()
    {
        Assert.Equal("£9.99 every month", OfferRules.Describe(Monthly()));
        Assert.Equal("£25.00 joining fee, then £9.99 every 3 months, 14-day free trial, for 4 payments",
            OfferRules.Describe(Monthly() with { Billing = BillingKind.JoiningFeeAndRecurring, JoiningFeeMinor = 2500, IntervalCount = 3, TrialDays = 14, FixedTermPeriods = 4 }));
        Assert.Equal("$1,250.00 once", OfferRules.Describe(Monthly(125_000, "usd") with { Billing = BillingKind.OneOff }));
    }

    [Theory]
    [InlineData("9.99", "gbp", 999)]
    [InlineData("10", "gbp", 1000)]
    [InlineData("1,000.5", "usd", 100050)]
    [InlineData("500", "jpy", 500)]
    public void Amounts_typed_in_major_units_become_minor_units(string text, string currency, long minor)
    {
        Assert.True(Money.TryParseMajor(text, currency, out var parsed));
        Assert.Equal(minor, parsed);
    }

    [Theory]
    [InlineData("9.999", "gbp")]
    [InlineData("5.5", "jpy")]
    [InlineData("ten", "gbp")]
    [InlineData("-3", "gbp")]
    public void Amounts_with_too_many_decimals_or_no_number_are_refused(string text, string currency) =>
        Assert.False(Money.TryParseMajor(text, currency, out _));
}
