using Recur.Web.Stripe;

namespace Recur.Web.Integrations;

/// <summary>The Stripe connection card of one environment, as the admin sees it (and as the JSON API returns it).</summary>
public sealed record StripeConnectionCard(
    Guid? ConnectionId,
    string Environment,
    string Status,
    string State,
    string NextStep,
    string? AccountId,
    string? AccountType,
    string? LinkMethod,
    string? BusinessName,
    string? Country,
    string? DefaultCurrency,
    bool? ChargesEnabled,
    bool? PayoutsEnabled,
    bool? DetailsSubmitted,
    IReadOnlyList<string> RequirementsDue,
    string? DisabledReason,
    IReadOnlyDictionary<string, string> Capabilities,
    DateTimeOffset? LastEventAt,
    DateTimeOffset? LastRefreshedAt,
    DateTimeOffset? DisconnectedAt,
    bool IsLinked)
{
    public const string PagePath = "/admin/integrations/stripe";

    public static string PageUrl(StripeEnvironment? environment, ConnectOutcome? outcome = null)
    {
        var query = new List<string>();
        if (environment is { } e)
        {
            query.Add("environment=" + e.ToSlug());
        }
        if (outcome is not null)
        {
            query.Add("outcome=" + outcome.Code);
        }
        return query.Count == 0 ? PagePath : PagePath + "?" + string.Join('&', query);
    }

    public static StripeConnectionCard From(StripeEnvironment environment, StripeConnection? connection)
    {
        var status = connection?.Status ?? ConnectionStatus.From(null);
        var hasAccount = connection is { AccountId.Length: > 0 };
        return new StripeConnectionCard(
            connection?.Id,
            environment.ToSlug(),
            status.Title,
            status.State.ToString(),
            status.NextStep,
            hasAccount ? connection!.AccountId : null,
            hasAccount ? connection!.AccountType.ToString() : null,
            hasAccount ? connection!.LinkMethod.ToString() : null,
            connection?.BusinessName,
            connection?.Country,
            connection?.DefaultCurrency,
            hasAccount ? connection!.ChargesEnabled : null,
            hasAccount ? connection!.PayoutsEnabled : null,
            hasAccount ? connection!.DetailsSubmitted : null,
            status.RequirementsDue,
            connection?.DisabledReason,
            connection?.Capabilities ?? new Dictionary<string, string>(),
            connection?.LastEventAt,
            connection?.SnapshotAt,
            connection?.DisconnectedAt,
            connection?.IsLinked ?? false);
    }
}
