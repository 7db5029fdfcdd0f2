using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.PaymentMethods;

/// <summary>What happens to a BACS debit (and its mandate) for one test account.</summary>
public enum BacsOutcome
{
    /// <summary><c>processing</c> → <c>succeeded</c>; the mandate becomes active.</summary>
    Succeeds,

    /// <summary>Succeeds, then a dispute is opened at once (<c>charge.dispute.created</c>).</summary>
    SucceedsThenDisputed,

    /// <summary>Fails with <c>debit_not_authorized</c>; the mandate becomes inactive and the PaymentMethod unusable.</summary>
    FailsDebitNotAuthorized,

    /// <summary>Fails with <c>insufficient_funds</c>; the mandate stays active and the PaymentMethod may be reused.</summary>
    FailsInsufficientFunds,

    /// <summary>The bank refuses the mandate (inactive, <c>refused</c>), so debits on it fail.</summary>
    MandateRefused,

    /// <summary>Refused at once when the PaymentMethod is created: invalid account number.</summary>
    InvalidAccountNumber,
}

/// <param name="Key">The name kept on a bacs_debit PaymentMethod for its behaviour.</param>
/// <param name="AfterThreeMinutes">Settles three minutes after confirmation rather than after the sandbox's
/// ordinary settlement delay.</param>
/// <param name="FailureCode">The charge's <c>failure_code</c> when the debit fails.</param>
public sealed record BacsTestAccount(string Key, string AccountNumber, BacsOutcome Outcome, bool AfterThreeMinutes,
    string? FailureCode = null);

/// <summary>
/// Stripe's BACS test accounts (reference §4): sort code <c>108800</c> with the account numbers below. Other
/// well-formed accounts behave like <c>00012345</c>.
/// </summary>
public static class BacsTestAccounts
{
    public const string TestSortCode = "108800";
    public static readonly TimeSpan ThreeMinutes = TimeSpan.FromMinutes(3);

    public static IReadOnlyList<BacsTestAccount> All { get; } =
    [
        new("succeeds", "00012345", BacsOutcome.Succeeds, false),
        new("succeeds_after_3_minutes", "90012345", BacsOutcome.Succeeds, true),
        new("debit_not_authorized", "33333335", BacsOutcome.FailsDebitNotAuthorized, false, "debit_not_authorized"),
        new("debit_not_authorized_after_3_minutes", "93333335", BacsOutcome.FailsDebitNotAuthorized, true, "debit_not_authorized"),
        new("insufficient_funds", "22222227", BacsOutcome.FailsInsufficientFunds, false, "insufficient_funds"),
        new("insufficient_funds_after_3_minutes", "92222227", BacsOutcome.FailsInsufficientFunds, true, "insufficient_funds"),
        new("disputed_after_3_minutes", "55555559", BacsOutcome.SucceedsThenDisputed, true),
        new("mandate_refused", "00033333", BacsOutcome.MandateRefused, false, "debit_not_authorized"),
        new("invalid_account_number", "00044444", BacsOutcome.InvalidAccountNumber, false),
    ];

    private static readonly BacsTestAccount Ordinary = All[0];

    private static readonly FrozenDictionary<string, BacsTestAccount> ByNumber =
        All.ToFrozenDictionary(a => a.AccountNumber, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, BacsTestAccount> ByKey =
        All.ToFrozenDictionary(a => a.Key, StringComparer.Ordinal);

    public static BacsTestAccount For(string sortCode, string accountNumber) =>
        sortCode == TestSortCode ? ByNumber.GetValueOrDefault(accountNumber, Ordinary) : Ordinary;

    public static BacsTestAccount ForKey(string? key) => key is null ? Ordinary : ByKey.GetValueOrDefault(key, Ordinary);

    /// <summary>Messages for a failed debit, as the customer may see them.</summary>
    public static string FailureMessage(string code) => code switch
    {
        "insufficient_funds" => "The customer's account has insufficient funds to cover this payment.",
        "debit_not_authorized" => "The customer's bank reported that this Direct Debit was not authorised.",
        "account_closed" => "The customer's bank account has been closed.",
        _ => "The payment could not be processed by the customer's bank.",
    };

    /// <summary>
    /// <c>bacs_debit[sort_code|account_number]</c> (dashes and spaces allowed in the sort code): six and eight
    /// digits. The <c>00044444</c> account is refused here, as Stripe refuses it before collecting anything.
    /// </summary>
    public static IResult? Parse(StripeParams parameters, string prefix, string fingerprintScope,
        out (string SortCode, string Last4, string Fingerprint, BacsTestAccount Account)? account)
    {
        account = null;
        string Name(string field) => $"{StripeParams.BracketName(prefix)}[{field}]";
        var unknown = parameters.Unknown(prefix, "sort_code", "account_number");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var sortCode = parameters.String($"{prefix}.sort_code")?.Replace("-", "", StringComparison.Ordinal)
            .Replace(" ", "", StringComparison.Ordinal);
        if (string.IsNullOrEmpty(sortCode))
        {
            return StripeErrors.MissingParameter(Name("sort_code"));
        }

        if (sortCode.Length != 6 || !sortCode.All(char.IsAsciiDigit))
        {
            return StripeErrors.InvalidRequest("Invalid sort code: it must be 6 digits, e.g. 10-88-00.", Name("sort_code"));
        }

        var number = parameters.String($"{prefix}.account_number")?.Replace(" ", "", StringComparison.Ordinal);
        if (string.IsNullOrEmpty(number))
        {
            return StripeErrors.MissingParameter(Name("account_number"));
        }

        var row = For(sortCode, number);
        if (number.Length != 8 || !number.All(char.IsAsciiDigit) || row.Outcome == BacsOutcome.InvalidAccountNumber)
        {
            return StripeErrors.InvalidRequest("The bank account number provided is invalid.", Name("account_number"),
                "account_number_invalid");
        }

        account = (sortCode, number[^4..], CardInput.Fingerprint(fingerprintScope, sortCode + number), row);
        return null;
    }

    /// <summary>The <c>bacs_debit</c> hash of a PaymentMethod.</summary>
    public static JsonObject ToJson(string sortCode, string last4, string fingerprint) => new()
    {
        ["fingerprint"] = fingerprint,
        ["last4"] = last4,
        ["sort_code"] = sortCode,
    };
}
