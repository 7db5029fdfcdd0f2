using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Customers;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Scheduling;
using Recur.StripeSandbox.Subscriptions;

namespace Recur.StripeSandbox.TestHelpers;

/// <summary>
/// <c>/v1/test_helpers/test_clocks</c>: create (<c>frozen_time</c>, <c>name</c>, optionally an existing
/// <c>customer</c> to attach), retrieve, list, delete and <c>advance</c>. Test mode only. Customers created with
/// <c>test_clock</c> live on its frozen time (<see cref="SandboxClock"/>). Advancing runs every piece of work due on
/// the clock up to the new time, in time order, with the clock showing each piece's time while it runs — so
/// renewals, retries, trial ends and BACS settlements happen — then the clock is <c>ready</c> at the new time. The
/// advance finishes within the request (the response is already <c>ready</c>); <c>status</c> is <c>advancing</c>
/// while it runs. Events: <c>test_helpers.test_clock.created|advancing|ready|deleted</c>.
/// <para>Limits (https://docs.stripe.com/billing/testing/test-clocks, "Limitations"; the API reference's example of
/// https://docs.stripe.com/api/test_clocks/object shows <c>deletes_after</c> seven days after <c>created</c>): at most
/// <see cref="MaxPerAccount"/> clocks per account; each is deleted at its <c>deletes_after</c> (in real time) with its
/// customers and their subscriptions, as when it is deleted through the API.</para>
/// </summary>
public static class TestClocksApi
{
    private const string Url = "/v1/test_helpers/test_clocks";
    private const string Kind = SandboxClock.TestClockKind;

    /// <summary>Stripe deletes a test clock automatically this long after it was created.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    /// <summary>How many test clocks one account (a platform's own, or a connected account) may hold.</summary>
    public const int MaxPerAccount = 100;

    /// <summary>Scheduled work (real time): delete the clock at its <c>deletes_after</c>.</summary>
    public const string ExpiryWork = "test_clock.expire";

    /// <summary>Without subscriptions on it, a clock moves at most two years per advance.</summary>
    private static readonly TimeSpan LimitWithoutSubscriptions = TimeSpan.FromDays(2 * 366);

    /// <summary>Guards against work that keeps scheduling itself in the past.</summary>
    private const int MaxSteps = 10_000;

    public static IServiceCollection AddTestClocks(this IServiceCollection services) =>
        services.AddScheduledWork(ExpiryWork, (provider, work, _) =>
        {
            Expire(provider, work);
            return Task.CompletedTask;
        });

    public static IEndpointRouteBuilder MapTestClocks(this IEndpointRouteBuilder app)
    {
        var clocks = app.MapGroup(Url);
        clocks.MapPost("", Create);
        clocks.MapGet("", List);
        clocks.MapGet("/{id}", Retrieve);
        clocks.MapDelete("/{id}", Delete);
        clocks.MapPost("/{id}/advance", AdvanceAsync);
        return app;
    }

    private static IResult Create(StripeRequest request, SandboxSchedule schedule)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "frozen_time", "name", "customer");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (request.Caller.Livemode)
        {
            return LiveMode();
        }

        if (p.String("frozen_time") is not { Length: > 0 } frozenText)
        {
            return StripeErrors.MissingParameter("frozen_time");
        }

        if (!p.TryLong("frozen_time", out var frozen))
        {
            return StripeErrors.InvalidRequest($"Invalid timestamp: {frozenText}", "frozen_time", "parameter_invalid_integer");
        }

        if (p.String("name") is { Length: > 300 })
        {
            return StripeErrors.InvalidRequest("Invalid name: must be at most 300 characters.", "name");
        }

        var id = Ids.New("clock");
        var data = new JsonObject
        {
            ["id"] = id,
            ["object"] = "test_helpers.test_clock",
            ["created"] = request.Now,
            ["deletes_after"] = request.Now + (long)Lifetime.TotalSeconds,
            ["frozen_time"] = frozen,
            ["livemode"] = false,
            ["name"] = string.IsNullOrEmpty(p.String("name")) ? null : p.String("name"),
            ["status"] = "ready",
            ["status_details"] = new JsonObject(),
        };
        var clock = request.NewObject(Kind, id, data);
        var batch = new ObjectEventBatch();
        lock (request.Store.Gate)
        {
            if (request.Store.All(Kind, c => request.Caller.CanSee(c)).Count >= MaxPerAccount)
            {
                return StripeErrors.InvalidRequest(
                    $"This account already has {MaxPerAccount} test clocks, the most it can have. Delete a test clock before creating another.");
            }

            if (p.String("customer") is { } customerId)
            {
                var customer = CustomersApi.FindUsable(request.Store, request.Caller, customerId);
                if (customer is null)
                {
                    return CustomersApi.NotFound(customerId, "customer");
                }

                if (customer.Data["test_clock"] is { } existing && existing.GetValueKind() == JsonValueKind.String)
                {
                    return StripeErrors.InvalidRequest(
                        $"The customer {customerId} is already attached to the test clock {existing}.", "customer");
                }

                var before = customer.Data;
                var customerData = before.DeepClone().AsObject();
                customerData["test_clock"] = id;
                customer.Data = customerData;
                request.Store.Save(customer);
                request.Store.Save(clock);
                batch.Add("test_helpers.test_clock.created", clock);
                batch.Add("customer.updated", customer, ObjectEvents.PreviousAttributes(before, customerData));
            }
            else
            {
                request.Store.Save(clock);
                batch.Add("test_helpers.test_clock.created", clock);
            }
        }

        schedule.Schedule(ExpiryWork, id, DateTimeOffset.FromUnixTimeSeconds(JsonNumber.Read(data["deletes_after"])));
        batch.Publish(request.Events, request.Store, request.IdempotencyKey);
        return request.Respond(clock.Data);
    }

    private static IResult Retrieve(string id, StripeRequest request) =>
        request.Find(id, Kind) is { } clock ? request.Respond(clock.Data) : NotFound(id);

    private static IResult List(StripeRequest request)
    {
        var unknown = request.Params.Unknown(null, "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        return request.RespondList(request.Store.All(Kind, c => request.Caller.CanSee(c)), Url);
    }

    private static IResult Delete(string id, StripeRequest request, SandboxSchedule schedule, SubscriptionFlow subscriptions)
    {
        StoredObject? clock;
        lock (request.Store.Gate)
        {
            clock = request.Find(id, Kind);
            if (clock is null)
            {
                return NotFound(id);
            }

            if (clock.Data["status"]?.ToString() == "advancing")
            {
                return Advancing(id);
            }
        }

        schedule.Cancel(ExpiryWork, id);
        Remove(clock, request.Store, request.Events, schedule, subscriptions, request.IdempotencyKey);
        var deleted = new JsonObject { ["deleted"] = true, ["id"] = id, ["object"] = "test_helpers.test_clock" };
        return request.Respond(deleted);
    }

    /// <summary>The clock's <c>deletes_after</c> has come: Stripe deletes it as if through the API (an advancing clock
    /// is deleted once its advance has finished).</summary>
    private static void Expire(IServiceProvider provider, ScheduledWork work)
    {
        var store = provider.GetRequiredService<SandboxStore>();
        var schedule = provider.GetRequiredService<SandboxSchedule>();
        StoredObject? clock;
        lock (store.Gate)
        {
            clock = store.Find(work.TargetId) is { Kind: Kind } found ? found : null;
            if (clock is null)
            {
                return;
            }

            if (clock.Data["status"]?.ToString() == "advancing")
            {
                schedule.Schedule(ExpiryWork, work.TargetId, work.DueAt.AddSeconds(5));
                return;
            }
        }

        Remove(clock, store, provider.GetRequiredService<SandboxEvents>(), schedule, provider.GetRequiredService<SubscriptionFlow>(), null);
    }

    /// <summary>Deletes the clock, the work still due on it, its customers and their subscriptions (ended first, so
    /// their <c>customer.subscription.deleted</c> events are sent, then gone: retrieving one is a 404), as Stripe
    /// does.</summary>
    private static void Remove(StoredObject clock, SandboxStore store, SandboxEvents events, SandboxSchedule schedule,
        SubscriptionFlow subscriptions, string? idempotencyKey)
    {
        var id = clock.Id;
        var batch = new ObjectEventBatch();
        lock (store.Gate)
        {
            foreach (var work in schedule.Pending(id))
            {
                store.Delete(work.Id);
            }
        }

        subscriptions.EndOnDeletedClock(id, JsonNumber.Read(clock.Data["frozen_time"]));
        lock (store.Gate)
        {
            foreach (var subscription in store.All(SubscriptionFlow.Kind, s => s.Data["test_clock"]?.ToString() == id))
            {
                store.Delete(subscription.Id);
            }

            foreach (var customer in store.All(CustomersApi.Kind, c => c.Data["test_clock"]?.ToString() == id
                                                                      && !CustomersApi.IsDeleted(c)))
            {
                var last = CustomersApi.MarkDeleted(store, customer);
                batch.Add("customer.deleted", new StoredObject
                {
                    Id = customer.Id, Kind = customer.Kind, Platform = customer.Platform, Livemode = customer.Livemode,
                    Account = customer.Account, Created = customer.Created, Data = last,
                });
            }

            foreach (var work in schedule.Pending(id))
            {
                store.Delete(work.Id);
            }

            store.Delete(id);
        }

        batch.Publish(events, store, idempotencyKey);
        events.Publish(store, "test_helpers.test_clock.deleted", clock, idempotencyKey: idempotencyKey, data: clock.Data);
    }

    private static async Task<IResult> AdvanceAsync(string id, StripeRequest request, SandboxSchedule schedule,
        SubscriptionFlow subscriptions, CancellationToken cancellationToken)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "frozen_time");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (p.String("frozen_time") is not { Length: > 0 } targetText)
        {
            return StripeErrors.MissingParameter("frozen_time");
        }

        if (!p.TryLong("frozen_time", out var targetValue))
        {
            return StripeErrors.InvalidRequest($"Invalid timestamp: {targetText}", "frozen_time", "parameter_invalid_integer");
        }

        var target = targetValue!.Value;
        StoredObject? clock;
        lock (request.Store.Gate)
        {
            clock = request.Find(id, Kind);
            if (clock is null)
            {
                return NotFound(id);
            }

            if (clock.Data["status"]?.ToString() == "advancing")
            {
                return Advancing(id);
            }

            var frozen = JsonNumber.Read(clock.Data["frozen_time"]);
            if (target <= frozen)
            {
                return StripeErrors.InvalidRequest(
                    $"The frozen_time ({target}) must be after the test clock's current frozen_time ({frozen}).",
                    "frozen_time", "test_clock_advance_invalid_frozen_time");
            }

            var shortest = subscriptions.ShortestInterval(id);
            var limit = shortest is { } interval ? 2 * interval : LimitWithoutSubscriptions;
            var latest = DateTimeOffset.FromUnixTimeSeconds(frozen) + limit;
            if (DateTimeOffset.FromUnixTimeSeconds(target) > latest)
            {
                return StripeErrors.InvalidRequest(shortest is null
                        ? $"Cannot advance the test clock more than two years at once: frozen_time must be at most {latest.ToUnixTimeSeconds()}."
                        : $"Cannot advance the test clock more than two intervals of the shortest subscription on it: frozen_time must be at most {latest.ToUnixTimeSeconds()} ({latest.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC).",
                    "frozen_time", "test_clock_advance_too_far");
            }

            Set(request.Store, clock, frozen, "advancing", target);
        }

        request.Events.Publish(request.Store, "test_helpers.test_clock.advancing", clock, idempotencyKey: request.IdempotencyKey);
        try
        {
            // Run the clock's work in time order, showing each piece's time while it runs.
            for (var step = 0; step < MaxSteps; step++)
            {
                var next = schedule.Pending(id).FirstOrDefault();
                if (next is null || next.DueAt.ToUnixTimeSeconds() > target)
                {
                    break;
                }

                lock (request.Store.Gate)
                {
                    var frozen = JsonNumber.Read(clock.Data["frozen_time"]);
                    Set(request.Store, clock, Math.Max(frozen, next.DueAt.ToUnixTimeSeconds()), "advancing", target);
                }

                await schedule.RunDueAsync(next.DueAt, id, cancellationToken);
            }
        }
        finally
        {
            lock (request.Store.Gate)
            {
                Set(request.Store, clock, target, "ready", null);
            }
        }

        request.Events.Publish(request.Store, "test_helpers.test_clock.ready", clock, idempotencyKey: request.IdempotencyKey);
        return request.Respond(clock.Data);
    }

    private static void Set(SandboxStore store, StoredObject clock, long frozenTime, string status, long? target)
    {
        var data = clock.Data.DeepClone().AsObject();
        data["frozen_time"] = frozenTime;
        data["status"] = status;
        data["status_details"] = target is null
            ? new JsonObject()
            : new JsonObject { ["advancing"] = new JsonObject { ["target_frozen_time"] = target } };
        clock.Data = data;
        store.Save(clock);
    }

    private static IResult NotFound(string id) => StripeErrors.NotFound("test_helpers.test_clock", id);

    private static IResult Advancing(string id) => StripeErrors.InvalidRequest(
        $"The test clock {id} is advancing; wait until its status is ready.", null, "test_clock_status_invalid");

    private static IResult LiveMode() => StripeErrors.InvalidRequest(
        "Test clocks are only available in test mode: use a test key.", null, "livemode_mismatch");
}
