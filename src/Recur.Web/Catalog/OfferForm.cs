using Recur.Web.Edge;
using Recur.Web.Stripe;

namespace Recur.Web.Catalog;

/// <summary>The offer form as the admin fills it in (amounts in major units, text as typed), and its translation
/// into <see cref="OfferTerms"/>.</summary>
public sealed class OfferForm
{
    public string? Name { get; set; }
    public string? Amount { get; set; }
    public string? Currency { get; set; } = "gbp";
    public string? Billing { get; set; } = nameof(BillingKind.Recurring);
    public string? Interval { get; set; } = nameof(BillingInterval.Month);
    public string? IntervalCount { get; set; } = "1";
    public string? JoiningFee { get; set; }
    public string? TrialDays { get; set; }
    public string? FixedTermPeriods { get; set; }
    public bool PayByCard { get; set; }
    public bool PayByBacs { get; set; }
    public string? BacsActivation { get; set; } = nameof(Catalog.BacsActivation.WhenMandateCreated);
    public string? Environment { get; set; } = "test";

    /// <summary>Unticked (the default): checkout refuses a second live subscription to the offer for one email.</summary>
    public bool AllowRepeatSubscriptions { get; set; }

    public static OfferForm From(Offer offer) => new()
    {
        Name = offer.Name,
        Amount = Money.ToMajorText(offer.AmountMinor, offer.Currency),
        Currency = offer.Currency,
        Billing = offer.Billing.ToString(),
        Interval = offer.Interval.ToString(),
        IntervalCount = offer.IntervalCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        JoiningFee = offer.JoiningFeeMinor is { } fee ? Money.ToMajorText(fee, offer.Currency) : null,
        TrialDays = offer.TrialDays?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        FixedTermPeriods = offer.FixedTermPeriods?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        PayByCard = offer.AcceptsCard,
        PayByBacs = offer.AcceptsBacs,
        BacsActivation = (offer.BacsActivation ?? Catalog.BacsActivation.WhenMandateCreated).ToString(),
        Environment = offer.Environment.ToSlug(),
        AllowRepeatSubscriptions = offer.AllowsRepeatSubscriptions,
    };

    /// <summary>The terms, or the problems that stop them (parsing first, then <see cref="OfferRules"/>).</summary>
    public (OfferTerms? Terms, IReadOnlyList<OfferProblem> Problems) ToTerms()
    {
        var problems = new List<OfferProblem>();
        var currency = (Currency ?? "").Trim().ToLowerInvariant();
        if (!EnumNames.TryParse<BillingKind>(Billing, out var billing))
        {
            problems.Add(new(nameof(OfferTerms.Billing), "Choose how the offer bills: recurring, one-off, or a joining fee plus recurring."));
        }
        if (!EnumNames.TryParse<BillingInterval>(Interval, out var interval))
        {
            problems.Add(new(nameof(OfferTerms.Interval), "Choose a billing interval: day, week, month or year."));
        }
        var known = Money.IsSupported(currency);
        long amount = 0;
        if (string.IsNullOrWhiteSpace(Amount))
        {
            problems.Add(new(nameof(OfferTerms.AmountMinor), "Enter a price."));
        }
        else if (known && !Money.TryParseMajor(Amount, currency, out amount))
        {
            problems.Add(new(nameof(OfferTerms.AmountMinor), $"Enter the price as a number with at most {Money.Decimals(currency)} decimals, for example 9.99."));
        }
        long? joiningFee = null;
        if (billing == BillingKind.JoiningFeeAndRecurring && !string.IsNullOrWhiteSpace(JoiningFee) && known)
        {
            if (Money.TryParseMajor(JoiningFee, currency, out var fee))
            {
                joiningFee = fee;
            }
            else
            {
                problems.Add(new(nameof(OfferTerms.JoiningFeeMinor), $"Enter the joining fee as a number with at most {Money.Decimals(currency)} decimals, for example 25.00."));
            }
        }
        var count = ParseCount(IntervalCount, nameof(OfferTerms.IntervalCount), "Enter how many intervals make one billing period, for example 1.", problems) ?? 1;
        var trial = ParseCount(TrialDays, nameof(OfferTerms.TrialDays), "Enter the free trial in whole days, or leave it empty.", problems);
        var term = ParseCount(FixedTermPeriods, nameof(OfferTerms.FixedTermPeriods), "Enter the fixed term as a number of billing periods, or leave it empty.", problems);
        BacsActivation? activation = null;
        if (PayByBacs)
        {
            if (EnumNames.TryParse<BacsActivation>(BacsActivation, out var parsed))
            {
                activation = parsed;
            }
        }
        if (!StripeEnvironmentNames.TryParse(Environment, out var environment))
        {
            problems.Add(new(nameof(OfferTerms.Environment), "Choose the environment: Test or Production."));
        }
        if (problems.Count > 0)
        {
            return (null, problems);
        }
        var types = (PayByCard ? PaymentTypes.Card : PaymentTypes.None) | (PayByBacs ? PaymentTypes.Bacs : PaymentTypes.None);
        var terms = new OfferTerms((Name ?? "").Trim(), amount, currency, billing, interval, count, joiningFee,
            trial is 0 ? null : trial, term, types, activation, environment);
        var ruleProblems = OfferRules.Validate(terms);
        return ruleProblems.Count > 0 ? (null, ruleProblems) : (terms, []);
    }

    private static int? ParseCount(string? text, string field, string message, List<OfferProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (int.TryParse(text.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        problems.Add(new(field, message));
        return null;
    }
}
