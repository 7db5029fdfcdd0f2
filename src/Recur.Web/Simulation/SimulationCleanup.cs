namespace Recur.Web.Simulation;

/// <summary>Deletes the test clocks of simulations older than <see cref="SubscriptionSimulator.Lifetime"/>, so the
/// clocks Recur made never pile up towards Stripe's limit of 100 per account. Polls; tests call
/// <see cref="RunOnceAsync"/>.</summary>
public sealed partial class SimulationCleanup(IServiceScopeFactory scopes, TimeProvider time, ILogger<SimulationCleanup> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRunFailed(logger, exception.GetType().Name);
            }
            try
            {
                await Task.Delay(PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Ends the expired simulations; returns how many ended.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SubscriptionSimulator>().EndExpiredAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Ending expired simulations failed: {Error}")]
    private static partial void LogRunFailed(ILogger logger, string error);
}
