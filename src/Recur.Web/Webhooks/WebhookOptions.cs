using Microsoft.Extensions.Options;

namespace Recur.Web.Webhooks;

/// <summary>
/// How the event inbox retries, prunes and catches up, bound from <c>Webhooks</c>. Retries back off exponentially
/// from <see cref="FirstRetryDelay"/> to <see cref="MaxRetryDelay"/> for <see cref="RetryFor"/>, then the event is
/// parked for the operator.
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(6);
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How long an applied event keeps its payload; ids, type, account and times stay.</summary>
    public TimeSpan PayloadRetention { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How often <see cref="StripeEventCatchUp"/> lists each connected account's events.</summary>
    public TimeSpan CatchUpInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far before the newest event Recur holds for an account the catch-up looks, since Stripe does not
    /// deliver in order: an older event may still be missing when a newer one has arrived.</summary>
    public TimeSpan CatchUpOverlap { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The wait before attempt <paramref name="failedAttempts"/> + 1.</summary>
    public TimeSpan DelayAfter(int failedAttempts)
    {
        var delay = FirstRetryDelay * Math.Pow(2, Math.Min(Math.Max(failedAttempts - 1, 0), 30));
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }
}

public sealed class WebhookOptionsValidation : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, value) in new[]
        {
            (nameof(options.FirstRetryDelay), options.FirstRetryDelay), (nameof(options.MaxRetryDelay), options.MaxRetryDelay),
            (nameof(options.RetryFor), options.RetryFor), (nameof(options.PayloadRetention), options.PayloadRetention),
            (nameof(options.CatchUpInterval), options.CatchUpInterval),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{WebhookOptions.Section}:{key} must be a positive time span (e.g. 3.00:00:00).");
            }
        }
        if (options.CatchUpOverlap < TimeSpan.Zero || options.CatchUpOverlap > TimeSpan.FromDays(30))
        {
            failures.Add($"{WebhookOptions.Section}:CatchUpOverlap must be between 0 and 30 days.");
        }
        if (options.MaxRetryDelay < options.FirstRetryDelay)
        {
            failures.Add($"{WebhookOptions.Section}:MaxRetryDelay must not be shorter than FirstRetryDelay.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
