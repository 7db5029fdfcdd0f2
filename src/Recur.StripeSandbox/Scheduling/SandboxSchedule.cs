using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Scheduling;

/// <summary>One piece of work due later: what to do (<see cref="Kind"/>), to which object, when, and on which clock.</summary>
/// <param name="TestClockId">The test clock whose time decides when the work is due; null for real time.</param>
public sealed record ScheduledWork(string Id, string Kind, string TargetId, DateTimeOffset DueAt, string? TestClockId);

/// <summary>What runs work of one kind. <see cref="ScheduledWork.DueAt"/> is the moment the work happens at.</summary>
public sealed record ScheduledWorkHandler(string Kind, Func<IServiceProvider, ScheduledWork, CancellationToken, Task> Run);

/// <summary>
/// Work the sandbox does later: BACS settlements and mandate decisions here, subscription renewals and the like
/// elsewhere. Work is stored (kind <see cref="StoredKind"/>), so it survives a restart, and each piece runs once.
/// <list type="bullet">
/// <item>Work without a test clock runs on the sandbox's <see cref="TimeProvider"/>: a background loop calls
/// <see cref="RunDueAsync"/> with the current time whenever something is due.</item>
/// <item>Work on a test clock waits for that clock: advancing a clock calls <see cref="RunDueAsync"/> with the new
/// frozen time and the clock's id, which runs that clock's due work in order of due time.</item>
/// <item>Handlers are registered per kind with <see cref="ScheduleRegistration.AddScheduledWork"/> (or
/// <see cref="Handle"/>); work of a kind nobody handles is dropped with a warning.</item>
/// </list>
/// </summary>
public sealed partial class SandboxSchedule : BackgroundService
{
    public const string StoredKind = "scheduled_work";
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(30);

    private readonly SandboxStore _store;
    private readonly TimeProvider _time;
    private readonly IServiceProvider _services;
    private readonly ILogger<SandboxSchedule> _logger;
    private readonly Dictionary<string, ScheduledWorkHandler> _handlers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _pass = new(1, 1);
    private readonly PeriodicWork _loop;

    public SandboxSchedule(SandboxStore store, TimeProvider time, IServiceProvider services,
        IEnumerable<ScheduledWorkHandler> handlers, ILogger<SandboxSchedule> logger)
    {
        _store = store;
        _time = time;
        _services = services;
        _logger = logger;
        _loop = new PeriodicWork(time);
        foreach (var handler in handlers)
        {
            _handlers[handler.Kind] = handler;
        }
    }

    /// <summary>Registers (or replaces) the handler of one kind of work.</summary>
    public void Handle(string kind, Func<IServiceProvider, ScheduledWork, CancellationToken, Task> run)
    {
        lock (_handlers)
        {
            _handlers[kind] = new ScheduledWorkHandler(kind, run);
        }
    }

    /// <summary>Stores a piece of work; it runs once <paramref name="dueAt"/> has come on its clock.</summary>
    public ScheduledWork Schedule(string kind, string targetId, DateTimeOffset dueAt, string? testClockId = null)
    {
        var work = new ScheduledWork(Ids.New("sched"), kind, targetId, dueAt, testClockId);
        _store.Save(new StoredObject
        {
            Id = work.Id,
            Kind = StoredKind,
            Platform = "",
            Livemode = false,
            Created = _time.GetUtcNow().ToUnixTimeSeconds(),
            Data = [],
            Meta = new JsonObject
            {
                ["kind"] = kind,
                ["target"] = targetId,
                ["due_at"] = dueAt.ToUnixTimeMilliseconds(),
                ["test_clock"] = testClockId,
            },
        });
        if (testClockId is null)
        {
            _loop.Wake();
        }

        return work;
    }

    /// <summary>Removes pending work of one kind for one object; returns how many pieces were removed.</summary>
    public int Cancel(string kind, string targetId)
    {
        lock (_store.Gate)
        {
            var matching = Pending().Where(w => w.Kind == kind && w.TargetId == targetId).ToList();
            foreach (var work in matching)
            {
                _store.Delete(work.Id);
            }

            return matching.Count;
        }
    }

    /// <summary>Pending work, earliest first (then in the order it was scheduled): all of it, or only one clock's (<c>""</c> for real-time work).</summary>
    public IReadOnlyList<ScheduledWork> Pending(string? testClockId = null) =>
        Enumerable.Reverse(_store.All(StoredKind))
            .Select(ToWork)
            .Where(w => testClockId is null || (w.TestClockId ?? "") == testClockId)
            .OrderBy(w => w.DueAt)
            .ToList();

    /// <summary>
    /// Runs, one at a time and in order of due time, every piece of work on <paramref name="testClockId"/> (null: on
    /// real time) that is due at <paramref name="now"/>, including work that handlers schedule meanwhile. Passes never
    /// overlap, so a handler (or an outcome callback it triggers) must not call this itself; scheduling more work
    /// from a handler is fine. Returns how many pieces ran.
    /// </summary>
    public async Task<int> RunDueAsync(DateTimeOffset now, string? testClockId, CancellationToken cancellationToken = default)
    {
        await _pass.WaitAsync(cancellationToken);
        try
        {
            var ran = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                var work = Claim(now, testClockId);
                if (work is null)
                {
                    break;
                }

                ScheduledWorkHandler? handler;
                lock (_handlers)
                {
                    handler = _handlers.GetValueOrDefault(work.Kind);
                }

                if (handler is null)
                {
                    LogNoHandler(work.Kind, work.TargetId);
                    continue;
                }

                try
                {
                    await handler.Run(_services, work, cancellationToken);
                    ran++;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogWorkFailed(exception, work.Kind, work.TargetId);
                }
            }

            return ran;
        }
        finally
        {
            _pass.Release();
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _loop.RunAsync(async cancellationToken =>
        {
            await RunDueAsync(_time.GetUtcNow(), null, cancellationToken);
            return UntilNextDue();
        }, LogPassFailed, stoppingToken);

    public override void Dispose()
    {
        base.Dispose();
        _pass.Dispose();
    }

    /// <summary>Under the gate: takes the earliest due piece of work out of the store, so it runs once.</summary>
    private ScheduledWork? Claim(DateTimeOffset now, string? testClockId)
    {
        lock (_store.Gate)
        {
            var due = Pending(testClockId ?? "").FirstOrDefault(w => w.DueAt <= now);
            if (due is not null)
            {
                _store.Delete(due.Id);
            }

            return due;
        }
    }

    private TimeSpan UntilNextDue()
    {
        var next = Pending("").Select(w => (DateTimeOffset?)w.DueAt).FirstOrDefault();
        if (next is null)
        {
            return IdleWait;
        }

        var wait = next.Value - _time.GetUtcNow();
        return wait > IdleWait ? IdleWait : wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    private static ScheduledWork ToWork(StoredObject stored) => new(
        stored.Id,
        stored.Meta["kind"]!.ToString(),
        stored.Meta["target"]!.ToString(),
        DateTimeOffset.FromUnixTimeMilliseconds(JsonNumber.Read(stored.Meta["due_at"])),
        stored.Meta["test_clock"]?.ToString());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped scheduled {Kind} for {TargetId}: no handler is registered for it")]
    private partial void LogNoHandler(string kind, string targetId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled {Kind} for {TargetId} failed")]
    private partial void LogWorkFailed(Exception exception, string kind, string targetId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A pass over scheduled work failed")]
    private partial void LogPassFailed(Exception exception);
}

public static class ScheduleRegistration
{
    /// <summary>The schedule and its loop as a hosted service, and the clock helper.</summary>
    public static IServiceCollection AddSandboxSchedule(this IServiceCollection services)
    {
        services.AddSingleton<SandboxClock>();
        services.AddSingleton<SandboxSchedule>();
        services.AddHostedService(sp => sp.GetRequiredService<SandboxSchedule>());
        return services;
    }

    /// <summary>Registers the handler for one kind of scheduled work.</summary>
    public static IServiceCollection AddScheduledWork(this IServiceCollection services, string kind,
        Func<IServiceProvider, ScheduledWork, CancellationToken, Task> run) =>
        services.AddSingleton(new ScheduledWorkHandler(kind, run));
}
