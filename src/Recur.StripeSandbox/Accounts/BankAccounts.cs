using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Accounts;

/// <summary>
/// Bank accounts for payouts (<c>bank_account</c> objects in an account's <c>external_accounts</c>). The sandbox
/// takes British accounts (sort code + 8-digit account number) and American ones (routing number + account
/// number). Test mode takes only Stripe's test banks, as Stripe does: sort code <c>10-88-00</c> (e.g. with
/// <c>00012345</c>) and routing number <c>110000000</c> (e.g. with <c>000123456789</c>); live mode refuses them.
/// </summary>
public static class BankAccounts
{
    public const string TestSortCode = "108800";
    public const string TestRoutingNumber = "110000000";

    /// <summary>
    /// Checks bank details typed by a person and returns what is wrong with them in plain words, or null when they
    /// are good. The routing number comes back without spaces or dashes.
    /// </summary>
    public static string? Validate(string country, string? routing, string? number, bool livemode,
        out string cleanRouting, out string cleanNumber)
    {
        cleanRouting = Digits(routing);
        cleanNumber = Digits(number);
        switch (country)
        {
            case "GB":
                if (cleanRouting.Length != 6 || (routing ?? "").Any(c => !char.IsAsciiDigit(c) && c is not (' ' or '-')))
                {
                    return "The sort code must be 6 digits, like 10-88-00.";
                }

                if (cleanNumber.Length != 8 || (number ?? "").Any(c => !char.IsAsciiDigit(c) && c != ' '))
                {
                    return "The account number must be 8 digits, like 00012345.";
                }

                if (!livemode && cleanRouting != TestSortCode)
                {
                    return "Real bank details can't be used in test mode. Use Stripe's test sort code 10-88-00 with account number 00012345.";
                }

                if (livemode && cleanRouting == TestSortCode)
                {
                    return "The test sort code 10-88-00 can't be used in live mode.";
                }

                return null;
            case "US":
                if (cleanRouting.Length != 9 || (routing ?? "").Any(c => !char.IsAsciiDigit(c) && c is not (' ' or '-')))
                {
                    return "The routing number must be 9 digits, like 110000000.";
                }

                if (cleanNumber.Length is < 4 or > 17 || (number ?? "").Any(c => !char.IsAsciiDigit(c) && c != ' '))
                {
                    return "The account number must be 4 to 17 digits, like 000123456789.";
                }

                if (!livemode && cleanRouting != TestRoutingNumber)
                {
                    return "Real bank details can't be used in test mode. Use Stripe's test routing number 110000000 with account number 000123456789.";
                }

                if (livemode && cleanRouting == TestRoutingNumber)
                {
                    return "The test routing number 110000000 can't be used in live mode.";
                }

                return null;
            default:
                return $"The sandbox takes bank accounts in GB and US only, not in {country}.";
        }
    }

    /// <summary>A new <c>bank_account</c> object on an account, from details that passed <see cref="Validate"/>.</summary>
    public static JsonObject Create(string accountId, string country, string currency, string routing, string number,
        string? holderName, string? holderType, bool livemode) => new()
        {
            ["id"] = Ids.New("ba"),
            ["object"] = "bank_account",
            ["account"] = accountId,
            ["account_holder_name"] = holderName,
            ["account_holder_type"] = holderType,
            ["account_type"] = null,
            ["available_payout_methods"] = new JsonArray("standard"),
            ["bank_name"] = IsTestBank(routing) && !livemode ? "STRIPE TEST BANK" : null,
            ["country"] = country,
            ["currency"] = currency,
            ["customer"] = null,
            ["default_for_currency"] = false,
            ["fingerprint"] = Fingerprint(country, routing, number),
            ["future_requirements"] = EmptyRequirements(),
            ["last4"] = number[^4..],
            ["metadata"] = new JsonObject(),
            ["requirements"] = EmptyRequirements(),
            ["routing_number"] = routing,
            ["status"] = "new",
        };

    /// <summary>A test bank account in the account's country (GB or US test numbers; others get a generic one).</summary>
    public static JsonObject TestAccount(string accountId, string country, string currency, string? holderName, string holderType) =>
        country switch
        {
            "GB" => Create(accountId, "GB", currency, TestSortCode, "00012345", holderName, holderType, livemode: false),
            "US" => Create(accountId, "US", currency, TestRoutingNumber, "000123456789", holderName, holderType, livemode: false),
            _ => Create(accountId, country, currency, TestSortCode, "00013000", holderName, holderType, livemode: false),
        };

    /// <summary>
    /// Adds a bank account as the default for its currency, replacing the previous default for that currency, as
    /// Stripe does when an external account is given on an account. The same bank account again (same
    /// fingerprint) keeps the one already there. Returns the bank account now in place.
    /// </summary>
    public static JsonObject AddDefault(JsonObject account, JsonObject bank)
    {
        var list = account["external_accounts"]!.AsObject();
        var data = list["data"]!.AsArray();
        var currency = bank["currency"]!.ToString();
        var same = data.OfType<JsonObject>().FirstOrDefault(b =>
            b["fingerprint"]?.ToString() == bank["fingerprint"]?.ToString() && b["currency"]?.ToString() == currency);
        if (same is not null)
        {
            same["default_for_currency"] = true;
            return same;
        }

        foreach (var old in data.OfType<JsonObject>().Where(b => b["currency"]?.ToString() == currency
                     && AccountObjects.Flag(b["default_for_currency"])).ToList())
        {
            data.Remove(old);
        }

        bank["default_for_currency"] = true;
        data.Insert(0, bank);
        list["total_count"] = data.Count;
        return bank;
    }

    private static bool IsTestBank(string routing) => routing is TestSortCode or TestRoutingNumber;

    private static string Digits(string? text) => new((text ?? "").Where(char.IsAsciiDigit).ToArray());

    private static string Fingerprint(string country, string routing, string number) =>
        AccountObjects.Base62(SHA256.HashData(Encoding.UTF8.GetBytes($"{country}|{routing}|{number}")))[..16];

    private static JsonObject EmptyRequirements() => new()
    {
        ["currently_due"] = new JsonArray(),
        ["errors"] = new JsonArray(),
        ["past_due"] = new JsonArray(),
        ["pending_verification"] = new JsonArray(),
    };
}
