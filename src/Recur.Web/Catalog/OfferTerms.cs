using Recur.Web.Stripe;

namespace Recur.Web.Catalog;

/// <summary>How an offer charges: a recurring price, a single payment, or a joining fee plus a recurring price.</summary>
public enum BillingKind
{
    Recurring,
    OneOff,
    JoiningFeeAndRecurring,
}

/// <summary>Stripe's recurring intervals.</summary>
public enum BillingInterval
{
    Day,
    Week,
    Month,
    Year,
}

/// <summary>The payment types an offer accepts (Limio's "Payment Types"): at least one.</summary>
[Flags]
public enum PaymentTypes
{
    None = 0,
    Card = 1,
    Bacs = 2,
}

/// <summary>When a BACS subscription counts as active: as soon as the mandate is in place, or only once the first
/// payment has settled (days later).</summary>
public enum BacsActivation
{
    WhenMandateCreated,
    WhenFirstPaymentConfirmed,
}

/// <summary>Everything an admin decides about an offer. <see cref="OfferRules"/> says whether it is acceptable.</summary>
public sealed record OfferTerms(
    string Name,
    long AmountMinor,
    string Currency,
    BillingKind Billing,
    BillingInterval Interval,
    int IntervalCount,
    long? JoiningFeeMinor,
    int? TrialDays,
    int? FixedTermPeriods,
    PaymentTypes PaymentTypes,
    BacsActivation? BacsActivation,
    StripeEnvironment Environment)
{
    public bool IsRecurring => Billing != BillingKind.OneOff;

    /// <summary>The first payment: the joining fee (if any) plus the first period, or the single payment.</summary>
    public long FirstPaymentMinor => AmountMinor + (Billing == BillingKind.JoiningFeeAndRecurring ? JoiningFeeMinor ?? 0 : 0);
}

/// <summary>One reason an offer is not acceptable, for the field it concerns.</summary>
public sealed record OfferProblem(string Field, string Message);

/// <summary>The rules an offer must follow, Stripe's among them. Pure: the same terms always give the same answer.</summary>
public static class OfferRules
{
    public const int MaxTrialDays = 730;

    /// <summary>A fixed term is at most this many billing periods…</summary>
    public const int MaxFixedTermPeriods = 1200;

    /// <summary>…and ends within this many years (a term's end is the <c>cancel_at</c> Stripe is given).</summary>
    public const int MaxFixedTermYears = 100;

    public static IReadOnlyList<OfferProblem> Validate(OfferTerms terms)
    {
        var problems = new List<OfferProblem>();
        void Problem(string field, string message) => problems.Add(new OfferProblem(field, message));

        if (string.IsNullOrWhiteSpace(terms.Name))
        {
            Problem(nameof(terms.Name), "Enter a name for the offer.");
        }
        else if (terms.Name.Length > 200)
        {
            Problem(nameof(terms.Name), "The offer's name can have at most 200 characters.");
        }

        var currencyKnown = Money.IsSupported(terms.Currency);
        if (!currencyKnown)
        {
            Problem(nameof(terms.Currency), $"Choose a currency Recur supports: {string.Join(", ", Money.Currencies.Select(c => c.ToUpperInvariant()))}.");
        }
        else
        {
            var minimum = Money.MinimumCharge[terms.Currency];
            if (terms.AmountMinor <= 0)
            {
                Problem(nameof(terms.AmountMinor), "Enter a price greater than zero.");
            }
            else if (terms.AmountMinor < minimum)
            {
                Problem(nameof(terms.AmountMinor),
                    $"Stripe's minimum charge in {terms.Currency.ToUpperInvariant()} is {Money.Format(minimum, terms.Currency)}: the price must be at least that.");
            }
            else if (terms.AmountMinor > Money.MaximumChargeMinor)
            {
                Problem(nameof(terms.AmountMinor), $"Stripe charges at most {Money.Format(Money.MaximumChargeMinor, terms.Currency)} at a time: the price must be at most that.");
            }
            if (terms.Billing == BillingKind.JoiningFeeAndRecurring && terms.JoiningFeeMinor > Money.MaximumChargeMinor)
            {
                Problem(nameof(terms.JoiningFeeMinor), $"Stripe charges at most {Money.Format(Money.MaximumChargeMinor, terms.Currency)} at a time: the joining fee must be at most that.");
            }
            else if (terms.FirstPaymentMinor > Money.MaximumChargeMinor && terms.AmountMinor <= Money.MaximumChargeMinor)
            {
                Problem(nameof(terms.AmountMinor), $"The first payment (joining fee plus the first period) is over Stripe's maximum of {Money.Format(Money.MaximumChargeMinor, terms.Currency)}.");
            }
            if (terms.Billing == BillingKind.JoiningFeeAndRecurring && terms.JoiningFeeMinor is not > 0)
            {
                Problem(nameof(terms.JoiningFeeMinor), "Enter a joining fee greater than zero, or choose recurring billing without a joining fee.");
            }
        }

        if (terms.IsRecurring)
        {
            var maxCount = terms.Interval switch
            {
                BillingInterval.Day => 365,
                BillingInterval.Week => 52,
                BillingInterval.Month => 12,
                _ => 1,
            };
            if (terms.IntervalCount < 1)
            {
                Problem(nameof(terms.IntervalCount), "Bill at least every 1 " + terms.Interval.ToString().ToLowerInvariant() + ".");
            }
            else if (terms.IntervalCount > maxCount)
            {
                Problem(nameof(terms.IntervalCount),
                    $"Stripe bills at most once a year: every {maxCount} {terms.Interval.ToString().ToLowerInvariant()}{(maxCount == 1 ? "" : "s")} is the longest {terms.Interval.ToString().ToLowerInvariant()}-based interval.");
            }
            if (terms.TrialDays is < 0 or > MaxTrialDays)
            {
                Problem(nameof(terms.TrialDays), $"A free trial lasts from 1 to {MaxTrialDays} days (leave it empty for no trial).");
            }
            if (terms.FixedTermPeriods is < 1)
            {
                Problem(nameof(terms.FixedTermPeriods), "A fixed term is at least 1 billing period (leave it empty for a subscription that renews until cancelled).");
            }
            else if (terms.FixedTermPeriods is { } periods && (periods > MaxFixedTermPeriods || FixedTermDays(terms.Interval, terms.IntervalCount, periods) > MaxFixedTermYears * 366L))
            {
                Problem(nameof(terms.FixedTermPeriods),
                    $"A fixed term is at most {MaxFixedTermPeriods} billing periods and at most {MaxFixedTermYears} years (leave it empty for a subscription that renews until cancelled).");
            }
        }
        else
        {
            if (terms.TrialDays is > 0)
            {
                Problem(nameof(terms.TrialDays), "A one-off payment cannot have a free trial.");
            }
            if (terms.FixedTermPeriods is not null)
            {
                Problem(nameof(terms.FixedTermPeriods), "A one-off payment cannot have a fixed term.");
            }
        }

        if (terms.PaymentTypes == PaymentTypes.None)
        {
            Problem(nameof(terms.PaymentTypes), "Choose at least one payment type: Stripe Card or Stripe BACS Direct Debit.");
        }
        if (terms.PaymentTypes.HasFlag(PaymentTypes.Bacs))
        {
            if (currencyKnown && terms.Currency != "gbp")
            {
                Problem(nameof(terms.PaymentTypes), "BACS Direct Debit takes only GBP: price the offer in GBP or remove BACS.");
            }
            if (terms.FirstPaymentMinor > Money.BacsMaximumMinor)
            {
                Problem(nameof(terms.AmountMinor), "BACS Direct Debit takes at most £100,000.00 per payment.");
            }
            if (terms.BacsActivation is null)
            {
                Problem(nameof(terms.BacsActivation), "Choose when a BACS subscription becomes active: when the mandate is created, or when the first payment is confirmed.");
            }
        }
        return problems;
    }

    /// <summary>Roughly how many days a fixed term lasts (in 64 bits: the inputs may be absurd).</summary>
    private static long FixedTermDays(BillingInterval interval, int count, int periods) =>
        (long)periods * Math.Max(count, 1) * interval switch
        {
            BillingInterval.Day => 1L,
            BillingInterval.Week => 7L,
            BillingInterval.Month => 31L,
            _ => 366L,
        };

    /// <summary>What Stripe says about the recurring part: "every month", "every 3 weeks".</summary>
    public static string DescribeInterval(BillingInterval interval, int count)
    {
        var unit = interval.ToString().ToLowerInvariant();
        return count == 1 ? "every " + unit : $"every {count} {unit}s";
    }

    /// <summary>The offer in one line: "£25.00 joining fee, then £9.00 every month, 14-day free trial, 12 payments".</summary>
    public static string Describe(OfferTerms terms)
    {
        var price = Money.Format(terms.AmountMinor, terms.Currency);
        var text = terms.Billing switch
        {
            BillingKind.OneOff => price + " once",
            BillingKind.JoiningFeeAndRecurring => $"{Money.Format(terms.JoiningFeeMinor ?? 0, terms.Currency)} joining fee, then {price} {DescribeInterval(terms.Interval, terms.IntervalCount)}",
            _ => $"{price} {DescribeInterval(terms.Interval, terms.IntervalCount)}",
        };
        if (terms.IsRecurring && terms.TrialDays is > 0)
        {
            text += $", {terms.TrialDays}-day free trial";
        }
        if (terms.IsRecurring && terms.FixedTermPeriods is { } periods)
        {
            text += $", for {periods} payment{(periods == 1 ? "" : "s")}";
        }
        return text;
    }
}
