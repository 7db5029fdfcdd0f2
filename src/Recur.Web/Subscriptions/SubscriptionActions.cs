using global::Stripe;
using global::Stripe.TestHelpers;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Stripe;

namespace Recur.Web.Subscriptions;

/// <summary>How far "simulate time" may move a customer's test clock in one go.</summary>
public sealed record TimeStep(string Code, string Label, Func<DateTimeOffset, DateTimeOffset> Apply)
{
    public static IReadOnlyList<TimeStep> All { get; } =
    [
        new("1h", "1 hour", t => t.AddHours(1)),
        new("1d", "1 day", t => t.AddDays(1)),
        new("3d", "3 days", t => t.AddDays(3)),
        new("1w", "1 week", t => t.AddDays(7)),
        new("1m", "1 month (+1 hour)", t => t.AddMonths(1).AddHours(1)),
        new("1y", "1 year (+1 hour)", t => t.AddYears(1).AddHours(1)),
    ];
}

/// <summary>The result of an admin action: a message for the page, and whether it is an error.</summary>
public sealed record ActionOutcome(string Message, bool IsError)
{
    public static ActionOutcome Done(string message) => new(message, false);

    public static ActionOutcome Refused(string message) => new(message, true);
}

/// <summary>What an admin can do to a subscription: cancel at period end or now, resume, sync from Stripe, and in the
/// Test environment move the customer's test clock so renewals, failures and BACS settlement happen.</summary>
public sealed partial class SubscriptionActions(
    AppDbContext db,
    StripeClients clients,
    SubscriptionSync sync,
    TimeProvider time,
    ILogger<SubscriptionActions> logger)
{
    public static readonly TimeSpan ClockTimeout = TimeSpan.FromSeconds(20);

    public Task<ActionOutcome> CancelAtPeriodEndAsync(Subscription subscription, CancellationToken cancellationToken) =>
        RunAsync(subscription, "cancel-at-period-end", async (stripe, account) =>
        {
            if (!subscription.CanCancel)
            {
                return ActionOutcome.Refused("The subscription has already ended.");
            }
            await stripe.Subscriptions.UpdateAsync(subscription.StripeSubscriptionId, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, account, cancellationToken);
            return ActionOutcome.Done("The subscription will be cancelled at the end of the current period.");
        }, cancellationToken);

    public Task<ActionOutcome> CancelNowAsync(Subscription subscription, CancellationToken cancellationToken) =>
        RunAsync(subscription, "cancel-now", async (stripe, account) =>
        {
            if (!subscription.CanCancel)
            {
                return ActionOutcome.Refused("The subscription has already ended.");
            }
            await stripe.Subscriptions.CancelAsync(subscription.StripeSubscriptionId, new SubscriptionCancelOptions(), account, cancellationToken);
            return ActionOutcome.Done("The subscription is cancelled.");
        }, cancellationToken);

    public Task<ActionOutcome> ResumeAsync(Subscription subscription, CancellationToken cancellationToken) =>
        RunAsync(subscription, "resume", async (stripe, account) =>
        {
            if (!subscription.CanResume)
            {
                return ActionOutcome.Refused("Only a subscription set to cancel at period end can be resumed.");
            }
            await stripe.Subscriptions.UpdateAsync(subscription.StripeSubscriptionId, new SubscriptionUpdateOptions { CancelAtPeriodEnd = false }, account, cancellationToken);
            return ActionOutcome.Done("The subscription is resumed: it renews as usual.");
        }, cancellationToken);

    public Task<ActionOutcome> SyncAsync(Subscription subscription, CancellationToken cancellationToken) =>
        RunAsync(subscription, "sync", (_, _) => Task.FromResult(ActionOutcome.Done("Synced from Stripe.")), cancellationToken);

    /// <summary>Advances the customer's test clock by <paramref name="step"/>, waits until Stripe has finished
    /// (renewals, retries, settlements), then reads the customer's subscriptions again.</summary>
    public async Task<ActionOutcome> AdvanceClockAsync(Customer customer, TimeStep step, CancellationToken cancellationToken)
    {
        if (customer.Environment != StripeEnvironment.Test || customer.TestClockId is null)
        {
            return ActionOutcome.Refused("Simulating time is only possible for Test customers created on a test clock.");
        }
        var stripe = (await clients.GetAsync(customer.Environment, cancellationToken)).Client.V1;
        var account = new RequestOptions { StripeAccount = customer.StripeAccountId };
        try
        {
            var clock = await stripe.TestHelpers.TestClocks.GetAsync(customer.TestClockId, null, account, cancellationToken);
            var from = new DateTimeOffset(DateTime.SpecifyKind(clock.FrozenTime, DateTimeKind.Utc));
            var to = step.Apply(from);
            clock = await stripe.TestHelpers.TestClocks.AdvanceAsync(customer.TestClockId,
                new TestClockAdvanceOptions { FrozenTime = to.UtcDateTime }, account, cancellationToken);
            var deadline = time.GetUtcNow() + ClockTimeout;
            while (clock.Status == "advancing" && time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
                clock = await stripe.TestHelpers.TestClocks.GetAsync(customer.TestClockId, null, account, cancellationToken);
            }
            LogAdvanced(logger, customer.Id, customer.TestClockId, clock.Status);
            if (clock.Status == "internal_failure")
            {
                return ActionOutcome.Refused("Stripe could not advance the test clock (internal failure).");
            }
            var subscriptionIds = await db.Subscriptions.IgnoreQueryFilters().Where(s => s.CustomerId == customer.Id).Select(s => s.Id).ToListAsync(cancellationToken);
            foreach (var id in subscriptionIds)
            {
                await sync.SyncAsync(await db.Subscriptions.IgnoreQueryFilters().SingleAsync(s => s.Id == id, cancellationToken), cancellationToken);
            }
            return clock.Status == "ready"
                ? ActionOutcome.Done($"The test clock moved forward {step.Label}, to {to:yyyy-MM-dd HH:mm} UTC.")
                : ActionOutcome.Done($"The test clock is still advancing to {to:yyyy-MM-dd HH:mm} UTC; refresh in a moment.");
        }
        catch (StripeException exception)
        {
            LogActionFailed(logger, "advance-clock", customer.Id, exception.StripeError?.Code);
            return ActionOutcome.Refused("Stripe refused: " + (exception.StripeError?.Message ?? exception.Message));
        }
    }

    private async Task<ActionOutcome> RunAsync(Subscription subscription, string action, Func<V1Services, RequestOptions, Task<ActionOutcome>> run,
        CancellationToken cancellationToken)
    {
        var stripe = (await clients.GetAsync(subscription.Environment, cancellationToken)).Client.V1;
        try
        {
            var outcome = await run(stripe, new RequestOptions { StripeAccount = subscription.StripeAccountId });
            if (!outcome.IsError)
            {
                await sync.SyncAsync(subscription, cancellationToken);
                LogAction(logger, action, subscription.Id);
            }
            return outcome;
        }
        catch (StripeException exception)
        {
            LogActionFailed(logger, action, subscription.Id, exception.StripeError?.Code);
            return ActionOutcome.Refused("Stripe refused: " + (exception.StripeError?.Message ?? exception.Message));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription action {Action} on {SubscriptionId} done")]
    private static partial void LogAction(ILogger logger, string action, Guid subscriptionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Action {Action} on {Id} refused by Stripe ({Code})")]
    private static partial void LogActionFailed(ILogger logger, string action, Guid id, string? code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Customer {CustomerId}: test clock {ClockId} advanced ({Status})")]
    private static partial void LogAdvanced(ILogger logger, Guid customerId, string clockId, string status);
}
