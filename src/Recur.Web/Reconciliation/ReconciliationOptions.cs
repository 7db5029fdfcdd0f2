using Microsoft.Extensions.Options;

namespace Recur.Web.Reconciliation;

/// <summary>
/// The background reconciliation (section <c>Reconciliation</c>): whether it runs, how often every tenant is
/// reconciled, how far before the previous run's start Stripe is asked again, and how long runs are kept.
/// </summary>
public sealed class ReconciliationOptions
{
    public const string Section = "Reconciliation";

    public bool Enabled { get; set; } = true;

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Objects Stripe created shortly before the previous run started may not have been listed by it (clocks
    /// differ, and the run took time): each run lists from this long before the previous one.</summary>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan KeepRunsFor { get; set; } = TimeSpan.FromDays(30);
}

public sealed class ReconciliationOptionsValidation : IValidateOptions<ReconciliationOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconciliationOptions options)
    {
        var failures = new List<string>();
        if (options.Interval < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{ReconciliationOptions.Section}:Interval must be at least one second (e.g. 00:05:00).");
        }
        if (options.Overlap < TimeSpan.Zero || options.Overlap > TimeSpan.FromDays(30))
        {
            failures.Add($"{ReconciliationOptions.Section}:Overlap must be between 0 and 30 days.");
        }
        if (options.KeepRunsFor < TimeSpan.FromDays(1))
        {
            failures.Add($"{ReconciliationOptions.Section}:KeepRunsFor must be at least a day.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
