namespace Recur.StripeSandbox.Subscriptions;

/// <summary>
/// The account-wide Billing settings Stripe keeps in its Dashboard, one set for the whole sandbox (a singleton that
/// tests may change). Defaults follow Stripe's defaults where the sandbox models them.
/// </summary>
public sealed class BillingSettings
{
    /// <summary>
    /// Smart Retries, simplified to a fixed schedule: after an automatic payment of a renewal invoice fails, it is
    /// tried again this long after that first failure — by default after 3, 5 and 7 days (four attempts in all).
    /// </summary>
    public IReadOnlyList<TimeSpan> RetryDelays { get; set; } =
        [TimeSpan.FromDays(3), TimeSpan.FromDays(5), TimeSpan.FromDays(7)];

    /// <summary>What happens to a subscription when every retry of a renewal failed.</summary>
    public AfterFailedRetries AfterFailedRetries { get; set; } = AfterFailedRetries.Cancel;

    /// <summary>How long a <c>default_incomplete</c> subscription waits for its first payment.</summary>
    public TimeSpan IncompleteExpiry { get; set; } = TimeSpan.FromHours(23);

    /// <summary>How long before a trial ends <c>customer.subscription.trial_will_end</c> is sent.</summary>
    public TimeSpan TrialWillEndNotice { get; set; } = TimeSpan.FromDays(3);
}

/// <summary>Stripe's "if all retries for a payment fail" choice for subscriptions.</summary>
public enum AfterFailedRetries
{
    /// <summary>The subscription is canceled (Stripe's default).</summary>
    Cancel,

    /// <summary>The subscription becomes <c>unpaid</c>; later invoices stay drafts until it is paid.</summary>
    MarkUnpaid,

    /// <summary>The subscription stays <c>past_due</c>.</summary>
    LeavePastDue,
}
