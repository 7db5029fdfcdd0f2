using Microsoft.Extensions.Time.Testing;
using Recur.StripeSandbox.Scheduling;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.PaymentIntents;

namespace Recur.StripeSandbox.Tests.Scheduling;

/// <summary>
/// Scheduled work: stored so it survives a restart, run once and in due order, on real time by the background loop
/// or on a test clock when that clock is advanced; and "now" for a customer on a test clock.
/// </summary>
public sealed class SandboxScheduleTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly List<WebApplication> _apps = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Scheduled_work_survives_a_restart()
    {
        var database = Path.Combine(Path.GetTempPath(), $"sandbox-schedule-{Guid.NewGuid():N}.db");
        try
        {
            var first = await StartAsync(database);
            first.GetRequiredService<SandboxSchedule>().Schedule("test.remember", "obj_1", _time.GetUtcNow().AddMinutes(1));
            await _apps[0].DisposeAsync();
            _apps.Clear();

            var second = await StartAsync(database);
            var schedule = second.GetRequiredService<SandboxSchedule>();
            var ran = new List<string>();
            schedule.Handle("test.remember", (_, work, _) => { ran.Add(work.TargetId); return Task.CompletedTask; });
            var pending = schedule.Pending();
            var count = await schedule.RunDueAsync(_time.GetUtcNow().AddMinutes(2), null, Ct);

            Assert.Equal("obj_1", Assert.Single(pending).TargetId);
            Assert.Equal(1, count);
            Assert.Equal(["obj_1"], ran);
            Assert.Empty(schedule.Pending());
        }
        finally
        {
            foreach (var app in _apps)
            {
                await app.DisposeAsync();
            }

            _apps.Clear();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(database);
        }
    }

    [Fact]
    public async Task Work_on_a_test_clock_runs_only_when_that_clock_reaches_it()
    {
        var schedule = (await StartAsync()).GetRequiredService<SandboxSchedule>();
        var ran = new List<string>();
        schedule.Handle("test.clock", (_, work, _) => { ran.Add(work.TargetId); return Task.CompletedTask; });
        var due = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        schedule.Schedule("test.clock", "on_a", due, "clock_a");
        schedule.Schedule("test.clock", "on_b", due, "clock_b");

        await schedule.RunDueAsync(due.AddYears(5), null, Ct);
        await schedule.RunDueAsync(due.AddSeconds(-1), "clock_a", Ct);
        var before = ran.ToList();
        await schedule.RunDueAsync(due, "clock_a", Ct);

        Assert.Empty(before);
        Assert.Equal(["on_a"], ran);
        Assert.Equal("on_b", Assert.Single(schedule.Pending("clock_b")).TargetId);
    }

    [Fact]
    public async Task Work_runs_once_in_due_order_including_work_scheduled_meanwhile()
    {
        var schedule = (await StartAsync()).GetRequiredService<SandboxSchedule>();
        var now = _time.GetUtcNow();
        var ran = new List<string>();
        schedule.Handle("test.first", (_, work, _) =>
        {
            ran.Add(work.TargetId);
            schedule.Schedule("test.then", "follow-up", work.DueAt.AddSeconds(1));
            return Task.CompletedTask;
        });
        schedule.Handle("test.then", (_, work, _) => { ran.Add(work.TargetId); return Task.CompletedTask; });
        schedule.Schedule("test.then", "late", now.AddSeconds(30));
        schedule.Schedule("test.first", "early", now.AddSeconds(10));

        await schedule.RunDueAsync(now.AddMinutes(1), null, Ct);
        await schedule.RunDueAsync(now.AddMinutes(1), null, Ct);

        Assert.Equal(["early", "follow-up", "late"], ran);
    }

    [Fact]
    public async Task A_failing_handler_does_not_stop_the_others()
    {
        var schedule = (await StartAsync()).GetRequiredService<SandboxSchedule>();
        var ran = new List<string>();
        schedule.Handle("test.broken", (_, _, _) => throw new InvalidOperationException("broken"));
        schedule.Handle("test.fine", (_, work, _) => { ran.Add(work.TargetId); return Task.CompletedTask; });
        schedule.Schedule("test.broken", "a", _time.GetUtcNow());
        schedule.Schedule("test.fine", "b", _time.GetUtcNow());

        var count = await schedule.RunDueAsync(_time.GetUtcNow(), null, Ct);

        Assert.Equal(1, count);
        Assert.Equal(["b"], ran);
        Assert.Empty(schedule.Pending());
    }

    [Fact]
    public async Task The_background_loop_runs_real_time_work_once_it_is_due()
    {
        var schedule = (await StartAsync()).GetRequiredService<SandboxSchedule>();
        var ran = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        schedule.Handle("test.loop", (_, work, _) => { ran.TrySetResult(work.TargetId); return Task.CompletedTask; });
        schedule.Schedule("test.loop", "looped", _time.GetUtcNow().AddSeconds(10));
        await Task.Delay(100, Ct);

        var early = ran.Task.IsCompleted;
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.False(early);
        Assert.Equal("looped", await ran.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public async Task Now_for_a_customer_on_a_test_clock_is_the_clocks_frozen_time()
    {
        var services = await StartAsync();
        var app = _apps[^1];
        var shop = await ConnectedShop.OpenAsync(new SandboxPlatform(Guid.NewGuid().ToString("N"), app.Urls.First()));
        var clock = TestClocks.Create(services, shop, new DateTimeOffset(2031, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var onClock = await shop.CustomerAsync(testClock: clock.Id);
        var plain = await shop.CustomerAsync();
        var sandboxClock = services.GetRequiredService<SandboxClock>();

        Assert.Equal(clock.FrozenTime, sandboxClock.NowFor(onClock.Id));
        Assert.Equal(clock.Id, sandboxClock.TestClockOf(onClock.Id));
        Assert.Equal(_time.GetUtcNow(), sandboxClock.NowFor(plain.Id));
        Assert.Null(sandboxClock.TestClockOf(plain.Id));
        var later = TestClocks.Advance(services, clock.Id, TimeSpan.FromDays(31));
        Assert.Equal(later, sandboxClock.NowFor(onClock.Id));
    }

    private async Task<IServiceProvider> StartAsync(string? database = null)
    {
        var app = SandboxServer.Create(new SandboxOptions
        {
            Url = "http://127.0.0.1:0",
            DatabasePath = database,
            Time = _time,
            DeliverWebhooksInBackground = false,
        });
        await app.StartAsync(Ct);
        _apps.Add(app);
        return app.Services;
    }
}
