using Recur.Web.Integrations;
using Recur.Web.Stripe;

namespace Recur.Web.Catalog;

/// <summary>
/// A way to buy a product: price, billing, trial, term and payment types, in one Stripe environment. Published
/// offers have a public checkout page. Remembers the Stripe product and prices it was mapped to on the connected
/// account, with a fingerprint of what each price charges, so matching prices are reused and a changed price gets
/// a new Stripe Price (Stripe prices are immutable).
/// </summary>
public sealed class Offer
{
    private Offer()
    {
        Name = "";
        Currency = "";
        Slug = "";
    }

    public Offer(Guid tenantId, Guid productId, OfferTerms terms, DateTimeOffset now)
    {
        Id = Guid.NewGuid();
        TenantId = tenantId;
        ProductId = productId;
        CreatedAt = now;
        Name = "";
        Currency = "";
        Slug = "";
        Change(terms);
        Slug = MakeSlug(terms.Name, Id);
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid ProductId { get; private set; }

    /// <summary>The public checkout address: <c>/checkout/{Slug}</c> (the id works too).</summary>
    public string Slug { get; private set; }

    public string Name { get; private set; }
    public long AmountMinor { get; private set; }
    public string Currency { get; private set; }
    public BillingKind Billing { get; private set; }
    public BillingInterval Interval { get; private set; }
    public int IntervalCount { get; private set; }
    public long? JoiningFeeMinor { get; private set; }
    public int? TrialDays { get; private set; }
    public int? FixedTermPeriods { get; private set; }
    public PaymentTypes PaymentTypes { get; private set; }
    public BacsActivation? BacsActivation { get; private set; }
    public StripeEnvironment Environment { get; private set; }
    public bool IsPublished { get; private set; }

    /// <summary>Whether checkout lets a customer email that already holds a live (active, trialing or past due)
    /// subscription to this offer start another one. Off by default: checkout refuses it with a message, so pressing
    /// Back and paying again, or buying twice by mistake, does not bill the customer twice.</summary>
    public bool AllowsRepeatSubscriptions { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? PublishedAt { get; private set; }

    /// <summary>The connected account the Stripe ids below live on.</summary>
    public string? StripeAccountId { get; private set; }

    public string? StripeProductId { get; private set; }
    public string? StripePriceId { get; private set; }
    public string? StripePriceFingerprint { get; private set; }
    public string? StripeJoiningFeePriceId { get; private set; }
    public string? StripeJoiningFeePriceFingerprint { get; private set; }

    public OfferTerms Terms => new(Name, AmountMinor, Currency, Billing, Interval, IntervalCount, JoiningFeeMinor,
        TrialDays, FixedTermPeriods, PaymentTypes, BacsActivation, Environment);

    /// <summary>Whether the main price is a recurring Stripe price (everything but one-off offers).</summary>
    public bool IsRecurringPrice() => Billing != BillingKind.OneOff;

    public bool AcceptsCard => PaymentTypes.HasFlag(PaymentTypes.Card);
    public bool AcceptsBacs => PaymentTypes.HasFlag(PaymentTypes.Bacs);

    /// <summary>What the main price charges, e.g. <c>gbp:1500:month:1</c> or <c>gbp:2500:once</c>.</summary>
    public string PriceFingerprint => Billing == BillingKind.OneOff
        ? $"{Currency}:{AmountMinor}:once"
        : $"{Currency}:{AmountMinor}:{Interval.ToString().ToLowerInvariant()}:{IntervalCount}";

    /// <summary>What the joining fee price charges, or null without one.</summary>
    public string? JoiningFeeFingerprint => Billing == BillingKind.JoiningFeeAndRecurring && JoiningFeeMinor is { } fee
        ? $"{Currency}:{fee}:once"
        : null;

    /// <summary>Takes new terms. Refused when they break <see cref="OfferRules"/>; a published offer may not move
    /// to another environment (unpublish it first).</summary>
    public void Change(OfferTerms terms)
    {
        if (OfferRules.Validate(terms).Count > 0)
        {
            throw new ArgumentException("The offer's terms are not valid.", nameof(terms));
        }
        if (IsPublished && terms.Environment != Environment)
        {
            throw new InvalidOperationException("Unpublish the offer before moving it to another environment.");
        }
        Name = terms.Name.Trim();
        AmountMinor = terms.AmountMinor;
        Currency = terms.Currency;
        Billing = terms.Billing;
        Interval = terms.Interval;
        IntervalCount = terms.IsRecurring ? terms.IntervalCount : 1;
        JoiningFeeMinor = terms.Billing == BillingKind.JoiningFeeAndRecurring ? terms.JoiningFeeMinor : null;
        TrialDays = terms.IsRecurring && terms.TrialDays is > 0 ? terms.TrialDays : null;
        FixedTermPeriods = terms.IsRecurring ? terms.FixedTermPeriods : null;
        PaymentTypes = terms.PaymentTypes;
        BacsActivation = terms.PaymentTypes.HasFlag(PaymentTypes.Bacs) ? terms.BacsActivation : null;
        Environment = terms.Environment;
    }

    /// <summary>See <see cref="AllowsRepeatSubscriptions"/>; changes nothing on Stripe.</summary>
    public void AllowRepeatSubscriptions(bool allowed) => AllowsRepeatSubscriptions = allowed;

    /// <summary>Why the offer cannot be published with this connection, or null when it can.</summary>
    public string? WhyNotPublishable(StripeConnection? connection)
    {
        var environment = Environment == StripeEnvironment.Test ? "Test" : "Production";
        if (connection is null || !connection.IsLinked)
        {
            return $"Connect a Stripe account in the {environment} environment before publishing this offer (Integrations → Stripe).";
        }
        var status = connection.Status;
        if (status.State != ConnectionState.Connected || !connection.ChargesEnabled)
        {
            return $"The Stripe account in the {environment} environment cannot take payments yet (status: {status.Title}). {status.NextStep}";
        }
        if (AcceptsBacs && BacsAvailability.WhyUnavailable(connection) is { } bacs)
        {
            return $"This offer takes Bacs Direct Debit, which the Stripe account in the {environment} environment cannot take. {bacs}";
        }
        return null;
    }

    public void Publish(StripeConnection? connection, DateTimeOffset now)
    {
        if (WhyNotPublishable(connection) is { } reason)
        {
            throw new InvalidOperationException(reason);
        }
        IsPublished = true;
        PublishedAt ??= now;
    }

    public void Unpublish() => IsPublished = false;

    /// <summary>Forgets the Stripe ids when they belong to another account than <paramref name="accountId"/>.</summary>
    public void UseAccount(string accountId)
    {
        if (StripeAccountId == accountId)
        {
            return;
        }
        StripeAccountId = accountId;
        StripeProductId = StripePriceId = StripePriceFingerprint = StripeJoiningFeePriceId = StripeJoiningFeePriceFingerprint = null;
    }

    public void MapProduct(string stripeProductId)
    {
        if (StripeProductId != stripeProductId)
        {
            // Prices belong to a product: another product means other prices.
            StripePriceId = StripePriceFingerprint = StripeJoiningFeePriceId = StripeJoiningFeePriceFingerprint = null;
        }
        StripeProductId = stripeProductId;
    }

    public void MapPrice(string stripePriceId, string fingerprint)
    {
        StripePriceId = stripePriceId;
        StripePriceFingerprint = fingerprint;
    }

    public void MapJoiningFeePrice(string stripePriceId, string fingerprint)
    {
        StripeJoiningFeePriceId = stripePriceId;
        StripeJoiningFeePriceFingerprint = fingerprint;
    }

    /// <summary>True when the stored Stripe prices still charge exactly what the offer says.</summary>
    public bool IsMappedTo(string accountId) =>
        StripeAccountId == accountId && StripeProductId is not null
        && StripePriceId is not null && StripePriceFingerprint == PriceFingerprint
        && (JoiningFeeFingerprint is null || (StripeJoiningFeePriceId is not null && StripeJoiningFeePriceFingerprint == JoiningFeeFingerprint));

    private static string MakeSlug(string name, Guid id)
    {
        var chars = name.Trim().ToLowerInvariant().Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-').ToArray();
        var slug = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        if (slug.Length > 60)
        {
            slug = slug[..60].TrimEnd('-');
        }
        var suffix = id.ToString("N")[..8];
        return slug.Length == 0 ? suffix : slug + "-" + suffix;
    }
}
