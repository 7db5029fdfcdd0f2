using Recur.Web.Stripe;

namespace Recur.Web.Integrations;

public enum ConnectionLinkMethod
{
    /// <summary>An existing Standard account that authorized Recur through Stripe OAuth.</summary>
    OAuth,

    /// <summary>An account Recur created with <c>POST /v1/accounts</c> and onboarded through account links.</summary>
    PlatformCreated,
}

/// <summary>
/// A tenant's link to one connected Stripe account in one environment (at most one per tenant and environment),
/// with the last known state of that account.
/// </summary>
public sealed class StripeConnection
{
    private StripeConnection()
    {
        AccountId = "";
    }

    public StripeConnection(Guid tenantId, StripeEnvironment environment, DateTimeOffset now)
    {
        Id = Guid.NewGuid();
        TenantId = tenantId;
        Environment = environment;
        AccountId = "";
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public StripeEnvironment Environment { get; private set; }
    public StripeAccountType AccountType { get; private set; }
    public ConnectionLinkMethod LinkMethod { get; private set; }

    /// <summary>The connected account, <c>acct_…</c> (Stripe's <c>stripe_user_id</c> for OAuth). Kept after a
    /// disconnection so the card can still say which account it was.</summary>
    public string AccountId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ConnectedAt { get; private set; }
    public DateTimeOffset? DisconnectedAt { get; private set; }
    public string? DisconnectReason { get; private set; }

    public string? BusinessName { get; private set; }
    public string? Country { get; private set; }
    public string? DefaultCurrency { get; private set; }
    public bool DetailsSubmitted { get; private set; }
    public bool ChargesEnabled { get; private set; }
    public bool PayoutsEnabled { get; private set; }
    public List<string> CurrentlyDue { get; private set; } = [];
    public List<string> EventuallyDue { get; private set; } = [];
    public List<string> PastDue { get; private set; } = [];
    public List<string> PendingVerification { get; private set; } = [];
    public string? DisabledReason { get; private set; }
    public Dictionary<string, string> Capabilities { get; private set; } = [];

    /// <summary>When the account was last read (from the API or an <c>account.updated</c> event).</summary>
    public DateTimeOffset? SnapshotAt { get; private set; }

    /// <summary>When the last Connect event about this account arrived.</summary>
    public DateTimeOffset? LastEventAt { get; private set; }

    /// <summary>Why the last read of the account failed; cleared by the next successful read.</summary>
    public string? LastError { get; private set; }

    public bool IsLinked => DisconnectedAt is null && AccountId.Length > 0;

    public AccountSnapshot? Snapshot => AccountId.Length == 0
        ? null
        : new AccountSnapshot
        {
            AccountId = AccountId,
            BusinessName = BusinessName,
            Country = Country,
            DefaultCurrency = DefaultCurrency,
            DetailsSubmitted = DetailsSubmitted,
            ChargesEnabled = ChargesEnabled,
            PayoutsEnabled = PayoutsEnabled,
            CurrentlyDue = CurrentlyDue,
            EventuallyDue = EventuallyDue,
            PastDue = PastDue,
            PendingVerification = PendingVerification,
            DisabledReason = DisabledReason,
            Capabilities = Capabilities,
        };

    public ConnectionStatus Status => StatusFor(StripeAccountType.Standard);

    /// <summary>The status, with the next step worded for the account type chosen in the settings.</summary>
    public ConnectionStatus StatusFor(StripeAccountType chosenAccountType) => AccountId.Length == 0
        ? ConnectionStatus.From(null, accountType: chosenAccountType)
        : ConnectionStatus.From(Snapshot, disconnected: DisconnectedAt is not null, error: LastError, accountType: chosenAccountType);

    /// <summary>Links an account (again). Refused while another account is linked: disconnect it first.</summary>
    public void Link(string accountId, StripeAccountType accountType, ConnectionLinkMethod method, DateTimeOffset now)
    {
        if (IsLinked && AccountId != accountId)
        {
            throw new InvalidOperationException("Another account is still connected in this environment.");
        }
        if (AccountId != accountId)
        {
            ClearSnapshot();
        }
        AccountId = accountId;
        AccountType = accountType;
        LinkMethod = method;
        ConnectedAt = now;
        DisconnectedAt = null;
        DisconnectReason = null;
        LastError = null;
    }

    /// <summary>Takes the account's state as read from Stripe; a snapshot of another account is ignored.</summary>
    public bool Apply(AccountSnapshot snapshot, DateTimeOffset readAt)
    {
        if (snapshot.AccountId != AccountId)
        {
            return false;
        }
        BusinessName = snapshot.BusinessName;
        Country = snapshot.Country;
        DefaultCurrency = snapshot.DefaultCurrency;
        DetailsSubmitted = snapshot.DetailsSubmitted;
        ChargesEnabled = snapshot.ChargesEnabled;
        PayoutsEnabled = snapshot.PayoutsEnabled;
        CurrentlyDue = [.. snapshot.CurrentlyDue];
        EventuallyDue = [.. snapshot.EventuallyDue];
        PastDue = [.. snapshot.PastDue];
        PendingVerification = [.. snapshot.PendingVerification];
        DisabledReason = snapshot.DisabledReason;
        Capabilities = new Dictionary<string, string>(snapshot.Capabilities);
        SnapshotAt = readAt;
        LastError = null;
        return true;
    }

    public void RecordReadFailure(string reason) => LastError = reason;

    public void RecordEventArrived(DateTimeOffset at)
    {
        if (LastEventAt is null || at > LastEventAt)
        {
            LastEventAt = at;
        }
    }

    /// <summary>The account left Recur from Stripe's side (<c>account.application.deauthorized</c>). An event older
    /// than the current link is about an earlier connection and changes nothing.</summary>
    public bool MarkDeauthorized(DateTimeOffset eventCreatedAt)
    {
        if (!IsLinked || (ConnectedAt is { } connectedAt && eventCreatedAt < connectedAt.AddSeconds(-1)))
        {
            return false;
        }
        DisconnectedAt = eventCreatedAt;
        DisconnectReason = "deauthorized on Stripe";
        return true;
    }

    /// <summary>The admin disconnected the account in Recur.</summary>
    public void Unlink(DateTimeOffset now)
    {
        if (!IsLinked)
        {
            throw new InvalidOperationException("No account is connected.");
        }
        DisconnectedAt = now;
        DisconnectReason = UnlinkedInRecur;
    }

    /// <summary>Stripe refused to deauthorize the account after <see cref="Unlink"/>: it is still connected.</summary>
    public void UndoUnlink()
    {
        if (DisconnectReason != UnlinkedInRecur)
        {
            throw new InvalidOperationException("The account was not unlinked in Recur.");
        }
        DisconnectedAt = null;
        DisconnectReason = null;
    }

    private const string UnlinkedInRecur = "disconnected in Recur";

    private void ClearSnapshot()
    {
        BusinessName = Country = DefaultCurrency = DisabledReason = null;
        DetailsSubmitted = ChargesEnabled = PayoutsEnabled = false;
        CurrentlyDue = [];
        EventuallyDue = [];
        PastDue = [];
        PendingVerification = [];
        Capabilities = [];
        SnapshotAt = null;
        LastEventAt = null;
    }
}
