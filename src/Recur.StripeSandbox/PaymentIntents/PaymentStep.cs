using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.PaymentIntents;

/// <summary>
/// What one step of a payment (a confirmation, a challenge's end, a settlement) leaves to do once it is saved: the
/// events to publish, in order, then the outcome callbacks to run. Both happen after the store's gate is released.
/// </summary>
public sealed class PaymentStep
{
    private readonly List<Action> _notifications = [];

    public ObjectEventBatch Events { get; } = new();

    public void Notify(Action notification) => _notifications.Add(notification);

    public void Finish(SandboxEvents events, SandboxStore store, string? idempotencyKey = null)
    {
        Events.Publish(events, store, idempotencyKey);
        foreach (var notification in _notifications)
        {
            notification();
        }

        _notifications.Clear();
    }
}
