using System.Collections.Immutable;

namespace Recur.StripeSandbox.PaymentIntents;

/// <summary>
/// Callbacks other parts of the sandbox subscribe to (invoices and subscriptions react to payments, set-ups and
/// mandates this way). Handlers run after the change is saved and its webhooks are queued, outside the store's gate,
/// one after the other; a handler that throws is logged and does not stop the others.
/// </summary>
public abstract partial class OutcomeHooks<T>(ILogger logger)
{
    private ImmutableArray<Action<T>> _handlers = [];

    /// <summary>Adds a handler; disposing the result removes it.</summary>
    public IDisposable Subscribe(Action<T> handler)
    {
        ImmutableInterlocked.Update(ref _handlers, list => list.Add(handler));
        return new Subscription(() => ImmutableInterlocked.Update(ref _handlers, list => list.Remove(handler)));
    }

    internal void Raise(T outcome)
    {
        foreach (var handler in _handlers)
        {
            try
            {
                handler(outcome);
            }
            catch (Exception exception)
            {
                LogHandlerFailed(logger, exception, typeof(T).Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A {Outcome} handler failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string outcome);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
