using global::Stripe;
using global::Stripe.TestHelpers;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Subscriptions;
using Customer = Recur.Web.Subscriptions.Customer;
using Subscription = Recur.Web.Subscriptions.Subscription;

namespace Recur.Web.Simulation;

/// <summary>
/// Makes and ends <see cref="SubscriptionSimulation"/>s: on demand, a test clock on the connected account, a copy of
/// the subscription's customer on it (labelled as a simulation in its description and metadata), Stripe's test card
/// attached, and a copy of the subscription (same prices, remaining trial and end) paying with it. Every step is keyed
/// by the simulation, so pressing "Simulate" again after a failure continues where it stopped. When Stripe refuses
/// a clock (100 per account, or none on some connected accounts) the admin gets Stripe's reason; nothing else depends
/// on simulations. Ending deletes the clock, which at Stripe deletes the copies with it.
/// </summary>
public sealed partial class SubscriptionSimulator(
    AppDbContext db,
    StripeClients clients,
    SubscriptionSync sync,
    TimeProvider time,
    ILogger<SubscriptionSimulator> logger)
{
    /// <summary>How long a simulation is kept before Recur deletes its clock (Stripe would after 7 days).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    /// <summary>The test card the copy pays with (Stripe's <c>pm_card_visa</c>): a customer's own card or mandate
    /// cannot be copied.</summary>
    public const string TestCard = "pm_card_visa";

    public async Task<(ActionOutcome Outcome, Guid? SimulatedSubscriptionId)> StartAsync(Subscription source, CancellationToken cancellationToken)
    {
        if (source.Environment != StripeEnvironment.Test)
        {
            return (ActionOutcome.Refused("Only Test subscriptions can be simulated: Production has no test clocks."), null);
        }
        if (source.IsSimulation)
        {
            return (ActionOutcome.Refused("This subscription is already a simulation: move its test clock below."), null);
        }
        if (source.RemovedAt is not null)
        {
            return (ActionOutcome.Refused("Stripe no longer has this subscription, so there is nothing to simulate."), null);
        }

        var simulation = await db.SubscriptionSimulations.IgnoreQueryFilters()
            .Where(s => s.SourceSubscriptionId == source.Id && s.EndedAt == null)
            .OrderByDescending(s => s.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (simulation is { IsReady: true })
        {
            return (ActionOutcome.Done("This subscription is already being simulated: this is its simulation."), simulation.SubscriptionId);
        }
        if (simulation is null)
        {
            simulation = new SubscriptionSimulation(source.TenantId, source.StripeAccountId, source.Id, time.GetUtcNow());
            db.SubscriptionSimulations.Add(simulation);
            await db.SaveChangesAsync(cancellationToken);
        }

        var platform = await clients.GetAsync(StripeEnvironment.Test, cancellationToken);
        var stripe = platform.Client.V1;
        RequestOptions On(string? step = null) =>
            new() { StripeAccount = source.StripeAccountId, IdempotencyKey = step is null ? null : simulation.IdempotencyKey(step) };

        if (simulation.StripeClockId is null)
        {
            try
            {
                var clock = await stripe.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions
                {
                    FrozenTime = time.GetUtcNow().UtcDateTime,
                    Name = $"Recur simulation of {source.StripeSubscriptionId}",
                }, On("clock"), cancellationToken);
                simulation.RecordClock(clock.Id, Utc(clock.DeletesAfter));
                await db.SaveChangesAsync(cancellationToken);
                LogClockMade(logger, simulation.Id, clock.Id, source.StripeAccountId);
            }
            catch (StripeException exception)
            {
                return (await FailAsync(simulation, "clock", exception, ClockRefused(exception), cancellationToken), null);
            }
        }

        try
        {
            var sourceCustomer = await db.Customers.IgnoreQueryFilters().SingleAsync(c => c.Id == source.CustomerId, cancellationToken);
            if (simulation.CustomerId is null)
            {
                var stripeCustomer = await stripe.Customers.CreateAsync(new CustomerCreateOptions
                {
                    Email = sourceCustomer.Email,
                    Name = sourceCustomer.Name,
                    Description = $"Simulation of {sourceCustomer.StripeCustomerId} (made by Recur on a test clock)",
                    Address = sourceCustomer.Address is { } a
                        ? new AddressOptions { Line1 = a.Line1, Line2 = a.Line2, City = a.City, PostalCode = a.PostalCode, Country = a.Country }
                        : null,
                    TestClock = simulation.StripeClockId,
                    Metadata = Labels(source, simulation),
                }, On("customer"), cancellationToken);
                var customer = await AddCustomerAsync(sourceCustomer, stripeCustomer.Id, simulation.StripeClockId!, cancellationToken);
                simulation.RecordCustomer(stripeCustomer.Id, customer.Id);
                await db.SaveChangesAsync(cancellationToken);
            }
            if (simulation.StripePaymentMethodId is null)
            {
                var card = await stripe.PaymentMethods.AttachAsync(TestCard, new PaymentMethodAttachOptions { Customer = simulation.StripeCustomerId },
                    On("payment-method"), cancellationToken);
                simulation.RecordPaymentMethod(card.Id);
                await db.SaveChangesAsync(cancellationToken);
            }

            var original = await stripe.Subscriptions.GetAsync(source.StripeSubscriptionId, null, On(), cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            var create = new SubscriptionCreateOptions
            {
                Customer = simulation.StripeCustomerId,
                Items = [.. original.Items.Data.Select(i => new SubscriptionItemOptions { Price = i.Price.Id, Quantity = i.Quantity })],
                DefaultPaymentMethod = simulation.StripePaymentMethodId,
                PaymentBehavior = "allow_incomplete",
                Description = $"Simulation of {source.StripeSubscriptionId}",
                Metadata = Labels(source, simulation),
            };
            if (platform.SubscriptionFeePercent is { } feePercent)
            {
                create.ApplicationFeePercent = feePercent;
            }
            if (original.Status == "trialing" && original.TrialEnd is { } trialEnd && trialEnd > now)
            {
                create.TrialEnd = trialEnd;
            }
            if (original.CancelAt is { } cancelAt && cancelAt > now)
            {
                create.CancelAt = cancelAt;
            }
            else if (original.CancelAtPeriodEnd)
            {
                create.CancelAtPeriodEnd = true;
            }
            var copy = await stripe.Subscriptions.CreateAsync(create, On("subscription"), cancellationToken);

            var subscription = await db.Subscriptions.IgnoreQueryFilters().SingleOrDefaultAsync(
                s => s.StripeAccountId == source.StripeAccountId && s.StripeSubscriptionId == copy.Id, cancellationToken);
            if (subscription is null)
            {
                Subscription.TryParseStatus(copy.Status, out var status);
                subscription = Subscription.Simulating(source, copy.Id, simulation.CustomerId!.Value, status, time.GetUtcNow());
                db.Subscriptions.Add(subscription);
            }
            simulation.RecordSubscription(copy.Id, subscription.Id);
            await db.SaveChangesAsync(cancellationToken);
            await sync.SyncAsync(subscription, cancellationToken);
            LogStarted(logger, simulation.Id, source.Id, copy.Id);
            var paidBy = source.PaymentType == "card" ? "" : " It pays with Stripe's test card: a Direct Debit mandate can only be given by the customer.";
            return (ActionOutcome.Done("This is a simulation of the subscription: a copy on its own Stripe test clock. Move its time below; "
                + "the real subscription and its customer are not affected." + paidBy), subscription.Id);
        }
        catch (StripeException exception)
        {
            return (await FailAsync(simulation, "copy", exception, "Stripe refused to copy the subscription for the simulation: "
                + (exception.StripeError?.Message ?? exception.Message) + " Press Simulate again to continue; the real subscription is not affected.",
                cancellationToken), null);
        }
    }

    /// <summary>Ends a simulation: deletes its test clock (Stripe deletes the copies with it) and marks the copies.</summary>
    public async Task<ActionOutcome> EndAsync(SubscriptionSimulation simulation, CancellationToken cancellationToken)
    {
        if (simulation.IsEnded)
        {
            return ActionOutcome.Done("The simulation has ended already.");
        }
        if (simulation.StripeClockId is { } clockId)
        {
            var stripe = (await clients.GetAsync(StripeEnvironment.Test, cancellationToken)).Client.V1;
            try
            {
                await stripe.TestHelpers.TestClocks.DeleteAsync(clockId, null, new RequestOptions { StripeAccount = simulation.StripeAccountId }, cancellationToken);
            }
            catch (StripeException exception) when (exception.StripeError?.Code == "resource_missing")
            {
                // Stripe deleted it already (deletes_after).
            }
            catch (StripeException exception)
            {
                LogEndFailed(logger, simulation.Id, exception.StripeError?.Code);
                return ActionOutcome.Refused("Stripe did not delete the simulation's test clock: " + (exception.StripeError?.Message ?? exception.Message));
            }
            await MarkClockGoneAsync(simulation.StripeAccountId, clockId, "The simulation was ended: its test clock was deleted.", cancellationToken);
        }
        simulation.End(time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        LogEnded(logger, simulation.Id, simulation.StripeClockId);
        return ActionOutcome.Done("The simulation has ended: its test clock, customer and subscription were deleted on Stripe.");
    }

    /// <summary>
    /// A test clock is gone (Recur deleted it, or Stripe did at its <c>deletes_after</c>): its customers are marked
    /// deleted, their subscriptions removed, and a simulation on it ended. Saves.
    /// </summary>
    public async Task MarkClockGoneAsync(string accountId, string clockId, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var customers = await db.Customers.IgnoreQueryFilters()
            .Where(c => c.StripeAccountId == accountId && c.TestClockId == clockId)
            .ToListAsync(cancellationToken);
        var customerIds = customers.Select(c => c.Id).ToList();
        foreach (var customer in customers)
        {
            customer.MarkDeleted(now);
        }
        foreach (var subscription in await db.Subscriptions.IgnoreQueryFilters().Where(s => customerIds.Contains(s.CustomerId)).ToListAsync(cancellationToken))
        {
            subscription.MarkRemoved(reason, now);
        }
        foreach (var simulation in await db.SubscriptionSimulations.IgnoreQueryFilters()
                     .Where(s => s.StripeAccountId == accountId && s.StripeClockId == clockId).ToListAsync(cancellationToken))
        {
            simulation.End(now);
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Ends every simulation older than <see cref="Lifetime"/>; returns how many ended.</summary>
    public async Task<int> EndExpiredAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - Lifetime;
        var expired = await db.SubscriptionSimulations.IgnoreQueryFilters()
            .Where(s => s.EndedAt == null && s.CreatedAt < before)
            .ToListAsync(cancellationToken);
        var ended = 0;
        foreach (var simulation in expired)
        {
            if (!(await EndAsync(simulation, cancellationToken)).IsError)
            {
                ended++;
            }
        }
        return ended;
    }

    public static string ClockRefused(StripeException exception) =>
        $"Stripe refused a test clock for this simulation: “{exception.StripeError?.Message ?? exception.Message}” "
        + "Stripe allows at most 100 test clocks per account (end simulations you no longer need; Stripe also deletes each clock 7 days "
        + "after it was made) and may not allow test clocks on some connected accounts. Checkouts and this subscription are not affected.";

    private async Task<Customer> AddCustomerAsync(Customer source, string stripeCustomerId, string clockId, CancellationToken cancellationToken)
    {
        var existing = await db.Customers.IgnoreQueryFilters().SingleOrDefaultAsync(
            c => c.TenantId == source.TenantId && c.StripeAccountId == source.StripeAccountId && c.StripeCustomerId == stripeCustomerId, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }
        var customer = Customer.Simulating(source, stripeCustomerId, clockId, time.GetUtcNow());
        db.Customers.Add(customer);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return customer;
        }
        catch (DbUpdateException)
        {
            // The customer.created webhook added it a moment ago (marked as a simulation from its metadata).
            db.Entry(customer).State = EntityState.Detached;
            return await db.Customers.IgnoreQueryFilters().SingleAsync(
                c => c.TenantId == source.TenantId && c.StripeAccountId == source.StripeAccountId && c.StripeCustomerId == stripeCustomerId, cancellationToken);
        }
    }

    private async Task<ActionOutcome> FailAsync(SubscriptionSimulation simulation, string step, StripeException exception, string message,
        CancellationToken cancellationToken)
    {
        LogRefused(logger, simulation.Id, step, exception.StripeError?.Code);
        simulation.RecordFailure(message.Length > 1000 ? message[..1000] : message);
        await db.SaveChangesAsync(cancellationToken);
        return ActionOutcome.Refused(message);
    }

    private static Dictionary<string, string> Labels(Subscription source, SubscriptionSimulation simulation) => new()
    {
        [Customer.SimulationMetadataKey] = source.Id.ToString(),
        ["recur_simulation_id"] = simulation.Id.ToString(),
    };

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulation {SimulationId}: test clock {ClockId} made on {AccountId}")]
    private static partial void LogClockMade(ILogger logger, Guid simulationId, string clockId, string accountId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulation {SimulationId} of subscription {SubscriptionId} ready: {StripeSubscriptionId}")]
    private static partial void LogStarted(ILogger logger, Guid simulationId, Guid subscriptionId, string stripeSubscriptionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulation {SimulationId}: Stripe refused the {Step} ({Code})")]
    private static partial void LogRefused(ILogger logger, Guid simulationId, string step, string? code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulation {SimulationId} ended, test clock {ClockId} deleted")]
    private static partial void LogEnded(ILogger logger, Guid simulationId, string? clockId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulation {SimulationId}: deleting its test clock failed ({Code})")]
    private static partial void LogEndFailed(ILogger logger, Guid simulationId, string? code);
}
