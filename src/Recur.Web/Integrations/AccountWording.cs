namespace Recur.Web.Integrations;

/// <summary>Stripe's codes for an account's country and capabilities, in the words the Stripe card shows.
/// (Recur runs with invariant globalization, so country names come from this table, not from the OS.)</summary>
public static class AccountWording
{
    /// <summary>The countries a Stripe account can be based in.</summary>
    private static readonly IReadOnlyDictionary<string, string> Countries = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AE"] = "United Arab Emirates", ["AT"] = "Austria", ["AU"] = "Australia", ["BE"] = "Belgium",
        ["BG"] = "Bulgaria", ["BR"] = "Brazil", ["CA"] = "Canada", ["CH"] = "Switzerland", ["CY"] = "Cyprus",
        ["CZ"] = "Czech Republic", ["DE"] = "Germany", ["DK"] = "Denmark", ["EE"] = "Estonia", ["ES"] = "Spain",
        ["FI"] = "Finland", ["FR"] = "France", ["GB"] = "United Kingdom", ["GI"] = "Gibraltar", ["GR"] = "Greece",
        ["HK"] = "Hong Kong", ["HR"] = "Croatia", ["HU"] = "Hungary", ["IE"] = "Ireland", ["IN"] = "India",
        ["IT"] = "Italy", ["JP"] = "Japan", ["LI"] = "Liechtenstein", ["LT"] = "Lithuania", ["LU"] = "Luxembourg",
        ["LV"] = "Latvia", ["MT"] = "Malta", ["MX"] = "Mexico", ["MY"] = "Malaysia", ["NL"] = "Netherlands",
        ["NO"] = "Norway", ["NZ"] = "New Zealand", ["PL"] = "Poland", ["PT"] = "Portugal", ["RO"] = "Romania",
        ["SE"] = "Sweden", ["SG"] = "Singapore", ["SI"] = "Slovenia", ["SK"] = "Slovakia", ["TH"] = "Thailand",
        ["US"] = "United States",
    };

    /// <summary><c>GB</c> → <c>United Kingdom (GB)</c>; a code not in the table stays the code.</summary>
    public static string? Country(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }
        var upper = code.Trim().ToUpperInvariant();
        return Countries.TryGetValue(upper, out var name) ? $"{name} ({upper})" : upper;
    }

    /// <summary><c>card_payments</c> → <c>Card payments</c>.</summary>
    public static string Capability(string name) => name switch
    {
        "card_payments" => "Card payments",
        "transfers" => "Transfers",
        "bacs_debit_payments" => "Bacs Direct Debit payments",
        _ => RequirementDue.LabelFor(name),
    };

    /// <summary>A capability's status as the card says it: <c>active</c>, <c>inactive</c>, <c>pending</c>, or
    /// <c>not requested</c> for Stripe's <c>unrequested</c>.</summary>
    public static string CapabilityStatus(string status) => status switch
    {
        "unrequested" => "not requested",
        _ => status,
    };
}
