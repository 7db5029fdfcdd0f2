using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Recur.Web.Telemetry;

/// <summary>
/// Recur's own traces and metrics, next to ASP.NET Core's, HttpClient's (every Stripe call) and EF Core's. One
/// instance per app (its meter comes from <see cref="IMeterFactory"/>); the names are what dashboards query.
/// </summary>
public sealed class RecurTelemetry
{
    public const string Name = "Recur";

    /// <summary>Spans for work no request starts: applying a stored Stripe event.</summary>
    public static readonly ActivitySource Source = new(Name);

    private readonly Counter<long> _eventsStored;
    private readonly Counter<long> _eventsDuplicate;
    private readonly Counter<long> _eventsApplied;
    private readonly Counter<long> _eventsFailed;
    private readonly Counter<long> _eventsParked;
    private readonly Histogram<double> _webhookLag;
    private readonly Counter<long> _checkoutOutcomes;
    private readonly Counter<long> _stripeErrors;

    public RecurTelemetry(IMeterFactory meters)
    {
        Meter = meters.Create(Name);
        _eventsStored = Meter.CreateCounter<long>("recur.stripe_events.stored", "{event}", "Stripe events stored in the inbox, by source (webhook or catch-up).");
        _eventsDuplicate = Meter.CreateCounter<long>("recur.stripe_events.duplicates", "{event}", "Deliveries of an event the inbox already held.");
        _eventsApplied = Meter.CreateCounter<long>("recur.stripe_events.applied", "{event}", "Stored Stripe events applied, by type.");
        _eventsFailed = Meter.CreateCounter<long>("recur.stripe_events.failed", "{attempt}", "Failed attempts to apply a stored event (retried later).");
        _eventsParked = Meter.CreateCounter<long>("recur.stripe_events.parked", "{event}", "Events parked for the operator after their retries.");
        _webhookLag = Meter.CreateHistogram<double>("recur.stripe_events.lag", "s",
            "From the event's creation at Stripe to its application in Recur.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600] });
        _checkoutOutcomes = Meter.CreateCounter<long>("recur.checkout.outcomes", "{checkout}",
            "Checkouts by what the customer was shown: completed ones once per order, failures and pending states each time shown.");
        _stripeErrors = Meter.CreateCounter<long>("recur.stripe.errors", "{response}", "Error answers from Stripe, by HTTP status and error code.");
    }

    public Meter Meter { get; }

    public void EventStored(string type, string source) =>
        _eventsStored.Add(1, new("event.type", type), new("source", source));

    public void EventDuplicate(string type) => _eventsDuplicate.Add(1, new KeyValuePair<string, object?>("event.type", type));

    public void EventApplied(string type, TimeSpan lag)
    {
        _eventsApplied.Add(1, new KeyValuePair<string, object?>("event.type", type));
        _webhookLag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>("event.type", type));
    }

    public void EventFailed(string type, bool parked)
    {
        _eventsFailed.Add(1, new KeyValuePair<string, object?>("event.type", type));
        if (parked)
        {
            _eventsParked.Add(1, new KeyValuePair<string, object?>("event.type", type));
        }
    }

    public void CheckoutOutcome(string state, string paymentType) =>
        _checkoutOutcomes.Add(1, new("outcome", state), new("payment.type", paymentType));

    public void StripeError(int status, string code) =>
        _stripeErrors.Add(1, new("http.response.status_code", status), new("stripe.error.code", code));
}
