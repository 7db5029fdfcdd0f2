using Recur.Web.Stripe;

namespace Recur.Web.Subscriptions;

/// <summary>
/// The one-time import of a connected account's existing customers into Recur, per tenant and environment. Until
/// it has finished, checkout asks Stripe for a customer by email; after it, Recur's own list (kept current by
/// <see cref="CustomerEvents"/>) is complete and checkout asks the database. Only an import started after the
/// account was (last) connected counts.
/// </summary>
public sealed class CustomerImport
{
    private CustomerImport()
    {
        StripeAccountId = "";
    }

    public CustomerImport(Guid tenantId, StripeEnvironment environment, string stripeAccountId, DateTimeOffset now)
    {
        Id = Guid.NewGuid();
        TenantId = tenantId;
        Environment = environment;
        StripeAccountId = stripeAccountId;
        StartedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public StripeEnvironment Environment { get; private set; }
    public string StripeAccountId { get; private set; }

    /// <summary>When the last attempt started (an attempt that failed is simply run again).</summary>
    public DateTimeOffset StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>How many customers Stripe listed in the finished import.</summary>
    public int Listed { get; private set; }

    public int Attempts { get; private set; }

    public bool IsFinished => FinishedAt is not null;

    /// <summary>Starts an attempt; also the import again after the account was connected again (events sent while
    /// it was disconnected never reached Recur).</summary>
    public void Start(DateTimeOffset now)
    {
        StartedAt = now;
        FinishedAt = null;
        Attempts++;
    }

    public void Finish(int listed, DateTimeOffset now)
    {
        Listed = listed;
        FinishedAt = now;
    }

    /// <summary>Whether Recur's customer list is complete for a connection linked at <paramref name="connectedAt"/>.</summary>
    public bool CoversConnection(DateTimeOffset? connectedAt) => FinishedAt is not null && (connectedAt is null || StartedAt >= connectedAt);
}
