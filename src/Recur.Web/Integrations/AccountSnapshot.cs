using global::Stripe;

namespace Recur.Web.Integrations;

/// <summary>What Recur knows about a connected account, as last read from Stripe (or from an
/// <c>account.updated</c> event).</summary>
public sealed record AccountSnapshot
{
    /// <summary>The capabilities the card shows, by their Stripe names.</summary>
    public static IReadOnlyList<string> ShownCapabilities { get; } = ["card_payments", "transfers", "bacs_debit_payments"];

    public required string AccountId { get; init; }
    public string? BusinessName { get; init; }
    public string? Country { get; init; }
    public string? DefaultCurrency { get; init; }
    public string? Email { get; init; }
    public bool DetailsSubmitted { get; init; }
    public bool ChargesEnabled { get; init; }
    public bool PayoutsEnabled { get; init; }
    public IReadOnlyList<string> CurrentlyDue { get; init; } = [];
    public IReadOnlyList<string> EventuallyDue { get; init; } = [];
    public IReadOnlyList<string> PastDue { get; init; } = [];
    public IReadOnlyList<string> PendingVerification { get; init; } = [];
    public string? DisabledReason { get; init; }

    /// <summary>Capability name → <c>active</c>, <c>inactive</c>, <c>pending</c> or <c>unrequested</c>.</summary>
    public IReadOnlyDictionary<string, string> Capabilities { get; init; } = new Dictionary<string, string>();

    public static AccountSnapshot From(Account account)
    {
        var requirements = account.Requirements;
        var capabilities = new Dictionary<string, string>();
        void Add(string name, string? status)
        {
            if (!string.IsNullOrEmpty(status))
            {
                capabilities[name] = status;
            }
        }
        Add("card_payments", account.Capabilities?.CardPayments);
        Add("transfers", account.Capabilities?.Transfers);
        Add("bacs_debit_payments", account.Capabilities?.BacsDebitPayments);

        return new AccountSnapshot
        {
            AccountId = account.Id,
            BusinessName = FirstNonEmpty(account.BusinessProfile?.Name, account.Settings?.Dashboard?.DisplayName),
            Country = account.Country,
            DefaultCurrency = account.DefaultCurrency,
            Email = account.Email,
            DetailsSubmitted = account.DetailsSubmitted,
            ChargesEnabled = account.ChargesEnabled,
            PayoutsEnabled = account.PayoutsEnabled,
            CurrentlyDue = requirements?.CurrentlyDue?.ToList() ?? [],
            EventuallyDue = requirements?.EventuallyDue?.ToList() ?? [],
            PastDue = requirements?.PastDue?.ToList() ?? [],
            PendingVerification = requirements?.PendingVerification?.ToList() ?? [],
            DisabledReason = string.IsNullOrEmpty(requirements?.DisabledReason) ? null : requirements.DisabledReason,
            Capabilities = capabilities,
        };
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
