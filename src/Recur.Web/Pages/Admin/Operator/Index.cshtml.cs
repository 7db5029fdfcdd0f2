using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Webhooks;

namespace Recur.Web.Pages.Admin.Operator;

/// <summary>
/// The platform operator's view of Stripe webhooks: each environment's endpoint, events held for a configuration
/// problem, events parked after failing (both replayable), and events of the other mode that were counted, not applied.
/// </summary>
[Authorize(Policy = PlatformOperators.Policy)]
public sealed class IndexModel(AppDbContext db, StripeClients clients, WebhookSecrets secrets,
    StripeEventProcessor processor, TimeProvider time) : PageModel
{
    private const int Shown = 50;

    public sealed record EndpointState(StripeEnvironment Environment, bool OperatorSupplied, bool Ready, RegisteredWebhookEndpoint? Registered);

    public sealed record WrongModeCount(StripeEnvironment Route, int Count, DateTimeOffset? Latest);

    public IReadOnlyList<EndpointState> Endpoints { get; private set; } = [];
    public IReadOnlyList<StripeEvent> Held { get; private set; } = [];
    public IReadOnlyList<StripeEvent> Parked { get; private set; } = [];
    public int Retrying { get; private set; }
    public IReadOnlyList<WrongModeCount> WrongMode { get; private set; } = [];
    public IReadOnlyList<WrongModeEvent> LatestWrongMode { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public string ReadableVersion => StripeApiVersion.Current;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var registered = await db.RegisteredWebhookEndpoints.AsNoTracking().ToListAsync(cancellationToken);
        Endpoints = StripeEnvironmentNames.All.Select(e => new EndpointState(e,
            !string.IsNullOrWhiteSpace(clients.Options(e).WebhookSecret),
            !string.IsNullOrWhiteSpace(clients.Options(e).WebhookSecret) || secrets.Get(e) is not null,
            registered.SingleOrDefault(r => r.Environment == e))).ToList();

        Held = await Newest(StripeEventStatus.Held).ToListAsync(cancellationToken);
        Parked = await Newest(StripeEventStatus.Parked).ToListAsync(cancellationToken);
        Retrying = await db.StripeEvents.CountAsync(e => e.Status == StripeEventStatus.Pending && e.Attempts > 0, cancellationToken);

        var counts = await db.WrongModeEvents.GroupBy(e => e.Route)
            .Select(g => new { Route = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        LatestWrongMode = (await db.WrongModeEvents.AsNoTracking().ToListAsync(cancellationToken))
            .OrderByDescending(e => e.ReceivedAt).Take(10).ToList();
        WrongMode = StripeEnvironmentNames.All.Select(route => new WrongModeCount(route,
            counts.SingleOrDefault(c => c.Route == route)?.Count ?? 0,
            LatestWrongMode.Where(e => e.Route == route).Select(e => (DateTimeOffset?)e.ReceivedAt).FirstOrDefault())).ToList();
    }

    /// <summary>Queues a held or parked event for another attempt now.</summary>
    public async Task<IActionResult> OnPostReplayAsync(string eventId, CancellationToken cancellationToken)
    {
        var row = await db.StripeEvents.SingleOrDefaultAsync(e => e.Id == eventId, cancellationToken);
        if (row is null)
        {
            Message = "There is no such event.";
        }
        else if (!row.Replay(time.GetUtcNow()))
        {
            Message = $"Event {row.Id} is not held or parked (or its payload was pruned), so there is nothing to replay.";
        }
        else
        {
            await db.SaveChangesAsync(cancellationToken);
            processor.Wake();
            Message = $"Event {row.Id} is queued again; it is applied within seconds.";
        }
        return RedirectToPage();
    }

    private IQueryable<StripeEvent> Newest(StripeEventStatus status) =>
        db.StripeEvents.AsNoTracking().Where(e => e.Status == status).OrderByDescending(e => e.ReceivedAt).Take(Shown);
}
