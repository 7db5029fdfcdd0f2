using Recur.Web.Stripe;

namespace Recur.Web.Webhooks;

/// <summary>
/// A genuine, signed event that reached the route of the other mode, kept as a count for the operator and never
/// applied. Stripe sends the test events of an account connected in live mode to the live Connect endpoint too
/// (https://support.stripe.com/questions/connect-account-webhook-configurations): they must get a 2xx, or Stripe retries, warns
/// and eventually disables the endpoint, and they must not touch live data. One row per event and route.
/// </summary>
public sealed class WrongModeEvent
{
    private WrongModeEvent()
    {
        Id = "";
        Type = "";
    }

    public WrongModeEvent(string id, StripeEnvironment route, string type, string? account, bool livemode, DateTimeOffset receivedAt)
    {
        Id = id;
        Route = route;
        Type = type;
        Account = account;
        Livemode = livemode;
        ReceivedAt = receivedAt;
    }

    public string Id { get; private set; }

    /// <summary>The environment whose route received it (the event is of the other mode).</summary>
    public StripeEnvironment Route { get; private set; }

    public string Type { get; private set; }
    public string? Account { get; private set; }
    public bool Livemode { get; private set; }
    public DateTimeOffset ReceivedAt { get; private set; }
}
