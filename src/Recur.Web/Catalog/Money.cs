using System.Globalization;

namespace Recur.Web.Catalog;

/// <summary>
/// Amounts as Stripe keeps them: a <c>long</c> in the currency's minor unit plus a lower-case ISO code. Knows which
/// currencies Recur offers, their decimals and Stripe's minimum charge amount.
/// </summary>
public static class Money
{
    /// <summary>The currencies an offer can be priced in, with Stripe's minimum charge in minor units.</summary>
    public static IReadOnlyDictionary<string, long> MinimumCharge { get; } = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["gbp"] = 30,
        ["eur"] = 50,
        ["usd"] = 50,
        ["aud"] = 50,
        ["cad"] = 50,
        ["chf"] = 50,
        ["nzd"] = 50,
        ["dkk"] = 250,
        ["nok"] = 300,
        ["sek"] = 300,
        ["jpy"] = 50,
    };

    public static IReadOnlyList<string> Currencies { get; } = [.. MinimumCharge.Keys];

    /// <summary>Stripe's largest amount for a charge: eight digits in the minor unit (999,999.99 in GBP, USD, EUR);
    /// https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts.</summary>
    public const long MaximumChargeMinor = 99_999_999;

    /// <summary>BACS Direct Debit takes at most £100,000 per payment.</summary>
    public const long BacsMaximumMinor = 100_000_00;

    public static bool IsSupported(string? currency) => currency is not null && MinimumCharge.ContainsKey(currency);

    public static int Decimals(string currency) => currency is "jpy" ? 0 : 2;

    /// <summary>Parses what an admin typed in major units ("15", "15.5", "15.50") into minor units.</summary>
    public static bool TryParseMajor(string? text, string currency, out long minor)
    {
        minor = 0;
        var trimmed = text?.Trim().Replace(",", "", StringComparison.Ordinal);
        if (string.IsNullOrEmpty(trimmed)
            || !decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var major))
        {
            return false;
        }
        var scaled = major * (decimal)Math.Pow(10, Decimals(currency));
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue / 10)
        {
            return false;
        }
        minor = (long)scaled;
        return true;
    }

    /// <summary>Minor units in major units without a symbol, for form fields: 1500 gbp → "15.00".</summary>
    public static string ToMajorText(long minor, string currency)
    {
        var decimals = Decimals(currency);
        return (minor / (decimal)Math.Pow(10, decimals)).ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    /// <summary>For people: 1500 gbp → "£15.00", 1500 sek → "15.00 SEK".</summary>
    public static string Format(long minor, string currency)
    {
        var amount = ToMajorText(minor, currency);
        if (amount.Contains('.', StringComparison.Ordinal))
        {
            var parts = amount.Split('.');
            amount = long.Parse(parts[0], CultureInfo.InvariantCulture).ToString("N0", CultureInfo.InvariantCulture) + "." + parts[1];
        }
        else
        {
            amount = long.Parse(amount, CultureInfo.InvariantCulture).ToString("N0", CultureInfo.InvariantCulture);
        }
        return currency switch
        {
            "gbp" => "£" + amount,
            "eur" => "€" + amount,
            "usd" => "$" + amount,
            "jpy" => "¥" + amount,
            _ => amount + " " + currency.ToUpperInvariant(),
        };
    }
}
