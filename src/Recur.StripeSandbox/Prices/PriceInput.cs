using System.Globalization;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Prices;

/// <summary>
/// The parameters that make a price (top-level on <c>POST /v1/prices</c>, under <c>default_price_data</c> on a
/// product): <c>currency</c>, <c>unit_amount</c> (or <c>unit_amount_decimal</c>) and <c>recurring</c>, checked as Stripe
/// checks them. Intervals are day, week, month or year, and a billing period is at most one year.
/// </summary>
public static class PriceInput
{
    /// <summary>The longest billing period per interval: one year.</summary>
    public static long MaximumIntervalCount(string interval) => interval switch
    {
        "day" => 365,
        "week" => 52,
        "month" => 12,
        _ => 1,
    };

    public static IResult? Parse(StripeParams p, string? prefix, out JsonObject? price)
    {
        price = null;
        string Path(string field) => prefix is null ? field : $"{prefix}.{field}";
        string Name(string field) => StripeParams.BracketName(Path(field));

        var currency = p.String(Path("currency"));
        if (string.IsNullOrEmpty(currency))
        {
            return StripeErrors.MissingParameter(Name("currency"));
        }

        var normalized = Currencies.Normalize(currency);
        if (normalized is null)
        {
            return StripeErrors.InvalidRequest(Currencies.InvalidMessage(currency), Name("currency"));
        }

        var amountText = p.String(Path("unit_amount"));
        var decimalText = p.String(Path("unit_amount_decimal"));
        if (amountText is not null && decimalText is not null)
        {
            return StripeErrors.InvalidRequest(
                $"You may only specify one of these parameters: {Name("unit_amount")}, {Name("unit_amount_decimal")}.",
                Name("unit_amount"));
        }

        long? unitAmount;
        string unitAmountDecimal;
        if (amountText is not null)
        {
            if (!long.TryParse(amountText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount))
            {
                return StripeErrors.InvalidRequest($"Invalid integer: {amountText}", Name("unit_amount"),
                    "parameter_invalid_integer");
            }

            if (amount < 0)
            {
                return StripeErrors.InvalidRequest("This value must be greater than or equal to 0.", Name("unit_amount"));
            }

            if (amount > Currencies.MaximumAmount)
            {
                return StripeErrors.InvalidRequest(
                    $"This value must be less than or equal to {Currencies.MaximumAmount}.", Name("unit_amount"));
            }

            unitAmount = amount;
            unitAmountDecimal = amount.ToString(CultureInfo.InvariantCulture);
        }
        else if (decimalText is not null)
        {
            if (!decimal.TryParse(decimalText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                || value > Currencies.MaximumAmount || decimalText.Split('.').ElementAtOrDefault(1)?.Length > 12)
            {
                return StripeErrors.InvalidRequest(
                    $"Invalid decimal: {decimalText}. It must be at least 0, with at most 12 decimal places.",
                    Name("unit_amount_decimal"), "parameter_invalid_decimal");
            }

            unitAmount = value == decimal.Truncate(value) ? (long)value : null;
            unitAmountDecimal = value.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            return StripeErrors.MissingParameter(Name("unit_amount"));
        }

        JsonObject? recurring = null;
        if (p.Has(Path("recurring")))
        {
            var error = ParseRecurring(p, Path("recurring"), out recurring);
            if (error is not null)
            {
                return error;
            }
        }

        var taxBehavior = p.String(Path("tax_behavior")) ?? "unspecified";
        if (taxBehavior is not ("inclusive" or "exclusive" or "unspecified"))
        {
            return StripeErrors.InvalidRequest(
                $"Invalid {Name("tax_behavior")}: must be one of exclusive, inclusive, or unspecified", Name("tax_behavior"));
        }

        price = new JsonObject
        {
            ["object"] = "price",
            ["active"] = true,
            ["billing_scheme"] = "per_unit",
            ["currency"] = normalized,
            ["custom_unit_amount"] = null,
            ["lookup_key"] = null,
            ["metadata"] = new JsonObject(),
            ["nickname"] = null,
            ["recurring"] = recurring,
            ["tax_behavior"] = taxBehavior,
            ["tiers_mode"] = null,
            ["transform_quantity"] = null,
            ["type"] = recurring is null ? "one_time" : "recurring",
            ["unit_amount"] = unitAmount,
            ["unit_amount_decimal"] = unitAmountDecimal,
        };
        return null;
    }

    private static IResult? ParseRecurring(StripeParams p, string path, out JsonObject? recurring)
    {
        recurring = null;
        var name = StripeParams.BracketName(path);
        if (p.Object(path) is null)
        {
            return StripeErrors.InvalidRequest($"Invalid object: {name} must be a hash with an interval.", name);
        }

        var unknown = p.Unknown(path, "interval", "interval_count", "usage_type", "meter");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var interval = p.String($"{path}.interval");
        if (string.IsNullOrEmpty(interval))
        {
            return StripeErrors.MissingParameter($"{name}[interval]");
        }

        if (interval is not ("day" or "week" or "month" or "year"))
        {
            return StripeErrors.InvalidRequest(
                $"Invalid {name}[interval]: must be one of day, month, week, or year", $"{name}[interval]");
        }

        if (!p.TryLong($"{path}.interval_count", out var count) || count is < 1)
        {
            return StripeErrors.InvalidRequest(
                $"Invalid {name}[interval_count]: must be a positive integer", $"{name}[interval_count]");
        }

        var intervalCount = count ?? 1;
        if (intervalCount > MaximumIntervalCount(interval))
        {
            return StripeErrors.InvalidRequest(
                $"Invalid {name}[interval_count]: the billing period can be at most one year (1 year, 12 months, 52 weeks or 365 days); {intervalCount} {interval}s is longer.",
                $"{name}[interval_count]");
        }

        var usageType = p.String($"{path}.usage_type") ?? "licensed";
        if (usageType is not "licensed")
        {
            return StripeErrors.InvalidRequest(
                usageType == "metered"
                    ? "The sandbox supports licensed prices only; metered prices (billing meters) are not available."
                    : $"Invalid {name}[usage_type]: must be one of licensed or metered",
                $"{name}[usage_type]");
        }

        recurring = new JsonObject
        {
            ["interval"] = interval,
            ["interval_count"] = intervalCount,
            ["meter"] = null,
            ["trial_period_days"] = null,
            ["usage_type"] = usageType,
        };
        return null;
    }
}
