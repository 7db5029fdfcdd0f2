using System.Threading.Channels;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// The loop of a background service that works in passes (<see cref="Scheduling.SandboxSchedule"/>,
/// <see cref="WebhookEndpoints.WebhookDelivery"/>): run a pass, which returns how long until the next one is due, then
/// wait that long on the <see cref="TimeProvider"/> or until <see cref="Wake"/> is called, whichever comes first. A
/// pass that throws is reported and tried again a second later. A wake while a pass runs is kept (one at most), so
/// work added meanwhile is not missed.
/// </summary>
public sealed class PeriodicWork(TimeProvider time)
{
    private static readonly TimeSpan AfterFailure = TimeSpan.FromSeconds(1);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Ends the current wait now: new work is due.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Runs passes until <paramref name="stoppingToken"/> is canceled.</summary>
    /// <param name="passAsync">One pass; returns the wait until the next pass (zero or less: at once).</param>
    /// <param name="passFailed">Told of a pass that threw (other than by being stopped).</param>
    public async Task RunAsync(Func<CancellationToken, Task<TimeSpan>> passAsync, Action<Exception> passFailed,
        CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await passAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                passFailed(exception);
                wait = AfterFailure;
            }

            if (wait <= TimeSpan.Zero)
            {
                continue;
            }

            using var timer = new CancellationTokenSource(wait, time);
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timer.Token);
            try
            {
                await _wake.Reader.ReadAsync(waiting.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The wait is over: the next pass is due.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
