using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.PaymentMethods;

/// <summary>
/// Raw card details as Stripe.js sends them (<c>card[number|exp_month|exp_year|cvc]</c>), checked as Stripe checks
/// them: a failed Luhn check is <c>incorrect_number</c>, month 13 <c>invalid_expiry_month</c>, a past year
/// <c>invalid_expiry_year</c>, a short CVC <c>invalid_cvc</c> — all <c>card_error</c> with HTTP 402. What comes out
/// is everything but the number: brand, last 4, expiry, the test-card row and a fingerprint.
/// </summary>
public static class CardInput
{
    public sealed record Card(TestCard Row, string Last4, long ExpMonth, long ExpYear, bool CvcGiven, string Fingerprint);

    public static IResult? Parse(StripeParams parameters, string prefix, string fingerprintScope, DateTimeOffset now,
        out Card? card)
    {
        card = null;
        string Name(string field) => $"{StripeParams.BracketName(prefix)}[{field}]";
        var unknown = parameters.Unknown(prefix, "number", "exp_month", "exp_year", "cvc", "networks");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var raw = parameters.String($"{prefix}.number");
        if (string.IsNullOrEmpty(raw))
        {
            return StripeErrors.MissingParameter(Name("number"));
        }

        var number = raw.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (number.Length is < 12 or > 19 || !number.All(char.IsAsciiDigit))
        {
            return CardError("invalid_number", "Your card number is invalid.", Name("number"));
        }

        if (!PassesLuhn(number))
        {
            return CardError("incorrect_number", "Your card number is incorrect.", Name("number"));
        }

        var brand = BrandOf(number);
        if (parameters.String($"{prefix}.exp_month") is not { } monthText)
        {
            return StripeErrors.MissingParameter(Name("exp_month"));
        }

        if (!long.TryParse(monthText, NumberStyles.None, CultureInfo.InvariantCulture, out var month) || month is < 1 or > 12)
        {
            return CardError("invalid_expiry_month", "Your card's expiration month is invalid.", Name("exp_month"));
        }

        if (parameters.String($"{prefix}.exp_year") is not { } yearText)
        {
            return StripeErrors.MissingParameter(Name("exp_year"));
        }

        if (!long.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
        {
            return CardError("invalid_expiry_year", "Your card's expiration year is invalid.", Name("exp_year"));
        }

        if (year < 100)
        {
            year += 2000;
        }

        if (year < now.Year || year > now.Year + 50)
        {
            return CardError("invalid_expiry_year", "Your card's expiration year is invalid.", Name("exp_year"));
        }

        if (year == now.Year && month < now.Month)
        {
            return CardError("invalid_expiry_month", "Your card's expiration month is invalid.", Name("exp_month"));
        }

        var cvc = parameters.String($"{prefix}.cvc");
        if (!string.IsNullOrEmpty(cvc))
        {
            var length = brand == "amex" ? 4 : 3;
            if (!cvc.All(char.IsAsciiDigit) || (cvc.Length != length && !(brand == "amex" && cvc.Length == 3)))
            {
                return CardError("invalid_cvc", "Your card's security code is invalid.", Name("cvc"));
            }
        }

        card = new Card(TestCards.ForNumber(number, brand), number[^4..], month, year, !string.IsNullOrEmpty(cvc),
            Fingerprint(fingerprintScope, number));
        return null;
    }

    /// <summary>A card error on collection: HTTP 402, <c>card_error</c>, the code and the parameter.</summary>
    public static IResult CardError(string code, string message, string param) =>
        StripeErrors.Create(StatusCodes.Status402PaymentRequired, "card_error", message, code, param);

    /// <summary>Brands by their number ranges, as Stripe names them.</summary>
    public static string BrandOf(string number)
    {
        int Prefix(int digits) => int.Parse(number.AsSpan(0, digits), CultureInfo.InvariantCulture);
        return number[0] switch
        {
            '4' => "visa",
            '5' when Prefix(2) is >= 51 and <= 55 => "mastercard",
            '2' when Prefix(4) is >= 2221 and <= 2720 => "mastercard",
            '3' when Prefix(2) is 34 or 37 => "amex",
            '3' when Prefix(2) is 35 => "jcb",
            '3' when Prefix(2) is 36 or 38 or 39 || Prefix(3) is >= 300 and <= 305 => "diners",
            '6' when Prefix(2) is 62 => "unionpay",
            '6' when Prefix(4) is 6011 || Prefix(2) is 65 || Prefix(3) is >= 644 and <= 649 => "discover",
            _ => "unknown",
        };
    }

    /// <summary>The Luhn (mod 10) check every card number passes.</summary>
    public static bool PassesLuhn(string number)
    {
        var sum = 0;
        var doubled = false;
        for (var i = number.Length - 1; i >= 0; i--)
        {
            var digit = number[i] - '0';
            if (doubled)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }

    /// <summary>
    /// The same card (or bank account) gives the same fingerprint within one platform or connected account, and a
    /// different one elsewhere, as Stripe's fingerprints do; the number cannot be read back from it.
    /// </summary>
    public static string Fingerprint(string scope, string secret)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes("recur-sandbox-fingerprint|" + scope), Encoding.UTF8.GetBytes(secret));
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var text = new StringBuilder(16);
        for (var i = 0; i < 16; i++)
        {
            text.Append(alphabet[mac[i] % alphabet.Length]);
        }

        return text.ToString();
    }

    /// <summary>The <c>card</c> hash of a card PaymentMethod.</summary>
    public static JsonObject ToJson(TestCard row, string last4, long expMonth, long expYear, string fingerprint,
        string? cvcCheck) => new()
    {
        ["brand"] = row.Brand,
        ["checks"] = new JsonObject
        {
            ["address_line1_check"] = null,
            ["address_postal_code_check"] = null,
            ["cvc_check"] = cvcCheck,
        },
        ["country"] = row.Country,
        ["display_brand"] = row.Brand switch
        {
            "amex" => "american_express",
            "diners" => "diners_club",
            var brand => brand,
        },
        ["exp_month"] = expMonth,
        ["exp_year"] = expYear,
        ["fingerprint"] = fingerprint,
        ["funding"] = row.Funding,
        ["generated_from"] = null,
        ["last4"] = last4,
        ["networks"] = new JsonObject { ["available"] = new JsonArray(row.Brand), ["preferred"] = null },
        ["regulated_status"] = row.Funding == "debit" ? "regulated" : "unregulated",
        ["three_d_secure_usage"] = new JsonObject { ["supported"] = row.ThreeDSecureSupported },
        ["wallet"] = null,
    };
}
