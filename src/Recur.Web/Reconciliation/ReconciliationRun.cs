using Recur.Web.Stripe;

namespace Recur.Web.Reconciliation;

/// <summary>What a reconciliation found about one object.</summary>
public enum FindingKind
{
    /// <summary>Recur's row differed from Stripe and was repaired.</summary>
    Changed,

    /// <summary>Recur holds the subscription, Stripe no longer has it: marked "Deleted on Stripe".</summary>
    MissingOnStripe,

    /// <summary>Stripe has a subscription (or an invoice of one) that Recur never made: reported, not imported.</summary>
    UnknownToRecur,

    /// <summary>Stripe could not be read for an account or a subscription; the next run tries again.</summary>
    Failed,
}

/// <summary>One line of a run's report: which object, and what happened to it ("Active → Canceled").</summary>
public sealed record ReconciliationFinding(FindingKind Kind, StripeEnvironment Environment, string StripeId, Guid? SubscriptionId, string Detail);

/// <summary>
/// One pass of "Reconcile" over a tenant's connected accounts: when, by whom, from which point in time Stripe was
/// asked (<see cref="Since"/>, null on the first run: everything), the counts, and the report.
/// </summary>
public sealed class ReconciliationRun
{
    private ReconciliationRun()
    {
        StartedBy = "";
    }

    public ReconciliationRun(Guid tenantId, string startedBy, DateTimeOffset startedAt, DateTimeOffset? since)
    {
        Id = Guid.NewGuid();
        TenantId = tenantId;
        StartedBy = startedBy;
        StartedAt = startedAt;
        Since = since;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }

    /// <summary>The admin's email, or <see cref="Background"/>.</summary>
    public string StartedBy { get; private set; }

    public const string Background = "Background";

    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>Objects created at Stripe from this moment on were listed; null: all of them.</summary>
    public DateTimeOffset? Since { get; private set; }

    /// <summary>Subscriptions and invoices read from Stripe.</summary>
    public int Read { get; private set; }

    public int Changed { get; private set; }
    public int MissingOnStripe { get; private set; }
    public int UnknownToRecur { get; private set; }
    public int Failed { get; private set; }

    public List<ReconciliationFinding> Findings { get; private set; } = [];

    /// <summary>A run that read every account it had to; the next run starts from it.</summary>
    public bool IsComplete => FinishedAt is not null && Failed == 0;

    public void CountRead(int count = 1) => Read += count;

    public void Record(ReconciliationFinding finding)
    {
        Findings.Add(finding);
        switch (finding.Kind)
        {
            case FindingKind.Changed:
                Changed++;
                break;
            case FindingKind.MissingOnStripe:
                MissingOnStripe++;
                Changed++;
                break;
            case FindingKind.UnknownToRecur:
                UnknownToRecur++;
                break;
            default:
                Failed++;
                break;
        }
    }

    public void Finish(DateTimeOffset at) => FinishedAt ??= at;
}
