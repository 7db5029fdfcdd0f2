using System.Collections.Frozen;
using System.Globalization;

namespace Recur.StripeSandbox.Prices;

/// <summary>
/// The ISO currencies Stripe accepts (lowercase), which of them have no minor unit, and the smallest amount Stripe
/// charges in each (its "minimum charge amounts" table; elsewhere one minor unit).
/// </summary>
public static class Currencies
{
    public static FrozenSet<string> Supported { get; } = new[]
    {
        "usd", "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt", "bgn", "bhd",
        "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad", "cdf", "chf", "clp", "cny", "cop", "crc",
        "cve", "czk", "djf", "dkk", "dop", "dzd", "egp", "etb", "eur", "fjd", "fkp", "gbp", "gel", "gip", "gmd", "gnf",
        "gtq", "gyd", "hkd", "hnl", "htg", "huf", "idr", "ils", "inr", "isk", "jmd", "jod", "jpy", "kes", "kgs", "khr",
        "kmf", "krw", "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mga", "mkd", "mmk", "mnt",
        "mop", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok", "npr", "nzd", "omr", "pab", "pen",
        "pgk", "php", "pkr", "pln", "pyg", "qar", "ron", "rsd", "rub", "rwf", "sar", "sbd", "scr", "sek", "sgd", "shp",
        "sle", "sos", "srd", "std", "szl", "thb", "tjs", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "uyu",
        "uzs", "vnd", "vuv", "wst", "xaf", "xcd", "xof", "xpf", "yer", "zar", "zmw",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static FrozenSet<string> ZeroDecimal { get; } = new[]
    {
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, long> Minimums = new Dictionary<string, long>
    {
        ["usd"] = 50, ["aed"] = 200, ["aud"] = 50, ["bgn"] = 100, ["brl"] = 50, ["cad"] = 50, ["chf"] = 50,
        ["czk"] = 1500, ["dkk"] = 250, ["eur"] = 50, ["gbp"] = 30, ["hkd"] = 400, ["huf"] = 17500, ["inr"] = 50,
        ["jpy"] = 50, ["mxn"] = 1000, ["myr"] = 200, ["nok"] = 300, ["nzd"] = 50, ["pln"] = 200, ["ron"] = 200,
        ["sek"] = 300, ["sgd"] = 50, ["thb"] = 1000,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The largest amount of one payment: eight digits of minor units, as Stripe allows.</summary>
    public const long MaximumAmount = 99_999_999;

    /// <summary>A currency as given (any case) if Stripe supports it, lowercased; otherwise null.</summary>
    public static string? Normalize(string? currency)
    {
        var lower = currency?.ToLowerInvariant();
        return lower is not null && Supported.Contains(lower) ? lower : null;
    }

    public static long MinimumCharge(string currency) => Minimums.GetValueOrDefault(currency, 1);

    /// <summary>An amount as Stripe writes it in messages: <c>£0.30</c>, <c>$0.50</c>, <c>¥50</c>, <c>2.00 aed</c>.</summary>
    public static string Format(long amount, string currency)
    {
        var major = ZeroDecimal.Contains(currency)
            ? amount.ToString("N0", CultureInfo.InvariantCulture)
            : (amount / 100m).ToString("N2", CultureInfo.InvariantCulture);
        return currency switch
        {
            "gbp" => $"£{major}",
            "usd" => $"${major}",
            "eur" => $"€{major}",
            "jpy" => $"¥{major}",
            _ => $"{major} {currency}",
        };
    }

    /// <summary>Stripe's invalid-currency message, which lists what it accepts.</summary>
    public static string InvalidMessage(string currency) =>
        $"Invalid currency: {currency.ToLowerInvariant()}. Stripe currently supports these currencies: {string.Join(", ", Supported.Order(StringComparer.Ordinal))}";
}
