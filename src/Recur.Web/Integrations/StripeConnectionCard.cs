using Recur.Web.Stripe;

namespace Recur.Web.Integrations;

/// <summary>The Stripe connection card of one environment, as the admin sees it (and as the JSON API returns it):
/// Stripe's facts next to the words the card shows for them.</summary>
public sealed record StripeConnectionCard
{
    public const string PagePath = "/admin/integrations/stripe";

    /// <summary>How long after connecting (or coming back from Stripe) the card waits for Stripe's first Connect
    /// event, refreshing itself meanwhile.</summary>
    public static readonly TimeSpan FirstEventWait = TimeSpan.FromMinutes(1);

    public const string WaitingForFirstEvent = "Waiting for Stripe's first event…";

    public Guid? ConnectionId { get; init; }
    public required string Environment { get; init; }
    public required string Status { get; init; }
    public required string State { get; init; }
    public required string NextStep { get; init; }

    /// <summary>The next step for each account type the settings offer (they differ only while no account is
    /// connected), so the card can follow the Account type select before it is saved.</summary>
    public required IReadOnlyDictionary<string, string> NextStepByAccountType { get; init; }

    public string? AccountId { get; init; }
    public string? AccountType { get; init; }
    public string? LinkMethod { get; init; }
    public string? BusinessName { get; init; }

    /// <summary>Stripe's two-letter code, e.g. <c>GB</c>.</summary>
    public string? Country { get; init; }

    /// <summary>E.g. <c>United Kingdom (GB)</c>.</summary>
    public string? CountryName { get; init; }

    public string? DefaultCurrency { get; init; }
    public bool? ChargesEnabled { get; init; }
    public bool? PayoutsEnabled { get; init; }
    public bool? DetailsSubmitted { get; init; }

    /// <summary>Stripe's requirement fields still due (past due first).</summary>
    public required IReadOnlyList<string> RequirementsDue { get; init; }

    /// <summary>The same requirements in plain words, related fields grouped.</summary>
    public required IReadOnlyList<RequirementDue> Requirements { get; init; }

    /// <summary>Stripe's <c>requirements.disabled_reason</c>.</summary>
    public string? DisabledReason { get; init; }

    /// <summary>What <see cref="DisabledReason"/> means for the merchant: calm while onboarding is unfinished (a new
    /// account is always "past due" until its details are in), stronger once details were submitted.</summary>
    public string? DisabledReasonText { get; init; }

    /// <summary>Capability name → status, as Stripe says them.</summary>
    public required IReadOnlyDictionary<string, string> Capabilities { get; init; }

    /// <summary>E.g. <c>Card payments: active</c>.</summary>
    public required IReadOnlyList<string> CapabilitiesInWords { get; init; }

    /// <summary>Why offers with Bacs Direct Debit cannot be published on this account and what to do; null when they
    /// can (or no account is linked).</summary>
    public string? BacsUnavailable { get; init; }

    public DateTimeOffset? ConnectedAt { get; init; }
    public DateTimeOffset? LastEventAt { get; init; }

    /// <summary>The "Last Connect event" line: a time, <see cref="WaitingForFirstEvent"/>, or "None received yet".</summary>
    public required string LastEvent { get; init; }

    /// <summary>Stripe's first Connect event about a just-linked account has not arrived yet: the card refreshes
    /// itself until it does (or <see cref="FirstEventWait"/> has passed).</summary>
    public bool ExpectingEvent { get; init; }

    public DateTimeOffset? LastRefreshedAt { get; init; }
    public DateTimeOffset? DisconnectedAt { get; init; }
    public string? DisconnectReason { get; init; }
    public bool IsLinked { get; init; }

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

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    /// <param name="environment">The environment the card is for.</param>
    /// <param name="connection">The tenant's connection in that environment, if any.</param>
    /// <param name="chosenAccountType">The account type chosen in the settings.</param>
    /// <param name="now">Now, to tell whether Stripe's first event is still to be expected.</param>
    public static StripeConnectionCard From(StripeEnvironment environment, StripeConnection? connection,
        StripeAccountType chosenAccountType, DateTimeOffset now)
    {
        var status = connection?.StatusFor(chosenAccountType) ?? ConnectionStatus.From(null, accountType: chosenAccountType);
        var nextSteps = Enum.GetValues<StripeAccountType>().ToDictionary(
            type => type.ToString(),
            type => (connection?.StatusFor(type) ?? ConnectionStatus.From(null, accountType: type)).NextStep);
        if (connection is not { AccountId.Length: > 0 })
        {
            return new StripeConnectionCard
            {
                ConnectionId = connection?.Id,
                Environment = environment.ToSlug(),
                Status = status.Title,
                State = status.State.ToString(),
                NextStep = status.NextStep,
                NextStepByAccountType = nextSteps,
                RequirementsDue = [],
                Requirements = [],
                Capabilities = new Dictionary<string, string>(),
                CapabilitiesInWords = [],
                LastEvent = "None received yet",
            };
        }

        var lastActivity = new[] { connection.ConnectedAt, connection.SnapshotAt }.Max();
        var expectingEvent = connection is { IsLinked: true, LastEventAt: null } && lastActivity is { } activity && now - activity < FirstEventWait;
        return new StripeConnectionCard
        {
            ConnectionId = connection.Id,
            Environment = environment.ToSlug(),
            Status = status.Title,
            State = status.State.ToString(),
            NextStep = status.NextStep,
            NextStepByAccountType = nextSteps,
            AccountId = connection.AccountId,
            AccountType = connection.AccountType.ToString(),
            LinkMethod = connection.LinkMethod.ToString(),
            BusinessName = connection.BusinessName,
            Country = connection.Country,
            CountryName = AccountWording.Country(connection.Country),
            DefaultCurrency = connection.DefaultCurrency,
            ChargesEnabled = connection.ChargesEnabled,
            PayoutsEnabled = connection.PayoutsEnabled,
            DetailsSubmitted = connection.DetailsSubmitted,
            RequirementsDue = status.RequirementsDue,
            Requirements = RequirementDue.Describe(status.RequirementsDue),
            DisabledReason = connection.DisabledReason,
            DisabledReasonText = connection.DisabledReason is { } reason ? ExplainDisabledReason(status.State, reason) : null,
            Capabilities = connection.Capabilities,
            CapabilitiesInWords = AccountSnapshot.ShownCapabilities
                .Concat(connection.Capabilities.Keys.Except(AccountSnapshot.ShownCapabilities))
                .Where(connection.Capabilities.ContainsKey)
                .Select(name => $"{AccountWording.Capability(name)}: {AccountWording.CapabilityStatus(connection.Capabilities[name])}")
                .ToList(),
            BacsUnavailable = connection.IsLinked ? BacsAvailability.WhyUnavailable(connection) : null,
            ConnectedAt = connection.ConnectedAt,
            LastEventAt = connection.LastEventAt,
            LastEvent = connection.LastEventAt is { } last ? Time(last) : expectingEvent ? WaitingForFirstEvent : "None received yet",
            ExpectingEvent = expectingEvent,
            LastRefreshedAt = connection.SnapshotAt,
            DisconnectedAt = connection.DisconnectedAt,
            DisconnectReason = connection.DisconnectReason,
            IsLinked = connection.IsLinked,
        };
    }

    /// <summary>While onboarding is unfinished every new account is "disabled" with its requirements "past due":
    /// that is simply what is left to fill in, so the card says so calmly. Once details were submitted the same
    /// reason means the account fell behind, and the card says that plainly.</summary>
    private static string ExplainDisabledReason(ConnectionState state, string reason)
    {
        if (state == ConnectionState.OnboardingIncomplete)
        {
            return "Not yet: Stripe needs the details below before this account can take payments.";
        }
        var words = ConnectionStatus.Explain(reason);
        return char.ToUpperInvariant(words[0]) + words[1..] + (reason == "requirements.past_due"
            ? ": Stripe has paused payments on this account until they are provided."
            : ".");
    }
}
