using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Simulation;
using Recur.Web.Stripe;
using Recur.Web.Subscriptions;

namespace Recur.Web.Pages.Admin.Subscriptions;

/// <summary>One subscription: its state, payments and the admin's actions.</summary>
public sealed partial class DetailModel(AppDbContext db, SubscriptionActions actions, SubscriptionSimulator simulator, StripeClients clients,
    ILogger<DetailModel> logger) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [TempData]
    public string? Message { get; set; }

    [TempData]
    public bool MessageIsError { get; set; }

    /// <summary>The "Advance by" step last used, so the select keeps it after the redirect.</summary>
    [TempData]
    public string? AdvancedBy { get; set; }

    /// <summary>The customer's test clock time as Stripe says it, in the Test environment; null when there is no clock or
    /// Stripe did not answer.</summary>
    public DateTimeOffset? TestClockTime { get; private set; }

    public SubscriptionView View { get; private set; } = null!;

    /// <summary>The live simulation of this subscription, or the one this subscription is (a simulated copy).</summary>
    public SubscriptionSimulation? Simulation { get; private set; }

    /// <summary>Why the last attempt to simulate failed, when no simulation is running.</summary>
    public string? SimulationFailure { get; private set; }
    public IReadOnlyList<Payment> Payments { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        Payments = await db.Payments.Where(p => p.SubscriptionId == Id).OrderByDescending(p => p.CreatedAt).ToListAsync(cancellationToken);
        TestClockTime = await ReadTestClockAsync(cancellationToken);
        var simulations = await db.SubscriptionSimulations
            .Where(x => x.SourceSubscriptionId == Id || x.SubscriptionId == Id)
            .OrderByDescending(x => x.CreatedAt)
            .ToListAsync(cancellationToken);
        Simulation = simulations.FirstOrDefault(x => x.SubscriptionId == Id) ?? simulations.FirstOrDefault(x => x.IsReady);
        SimulationFailure = Simulation is null ? simulations.FirstOrDefault(x => !x.IsEnded)?.Failure : null;
        return Page();
    }

    /// <summary>"Simulate this subscription": a copy on its own test clock; opens the copy when it is ready.</summary>
    public async Task<IActionResult> OnPostSimulateAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        var (outcome, simulated) = await simulator.StartAsync(View.Subscription, cancellationToken);
        Message = outcome.Message;
        MessageIsError = outcome.IsError;
        return Redirect($"/admin/subscriptions/{simulated ?? Id}");
    }

    /// <summary>Ends the simulation this page shows (deletes its test clock); back to the real subscription.</summary>
    public async Task<IActionResult> OnPostEndSimulationAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        var simulation = await db.SubscriptionSimulations
            .Where(x => (x.SubscriptionId == Id || x.SourceSubscriptionId == Id) && x.EndedAt == null)
            .OrderByDescending(x => x.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        var outcome = simulation is null
            ? ActionOutcome.Refused("There is no simulation to end.")
            : await simulator.EndAsync(simulation, cancellationToken);
        Message = outcome.Message;
        MessageIsError = outcome.IsError;
        return Redirect($"/admin/subscriptions/{simulation?.SourceSubscriptionId ?? Id}");
    }

    public Task<IActionResult> OnPostCancelAtPeriodEndAsync(CancellationToken cancellationToken) =>
        ActAsync(s => actions.CancelAtPeriodEndAsync(s, cancellationToken), cancellationToken);

    /// <summary>Set on <c>?confirm=cancel-now</c>: the page asks before cancelling, saying what will happen.</summary>
    [BindProperty(SupportsGet = true, Name = "confirm")]
    public string? Confirm { get; set; }

    public bool ConfirmingCancelNow => Confirm == ConfirmCancelNow && View.Subscription.CanCancel;

    public const string ConfirmCancelNow = "cancel-now";

    /// <summary>Cancels only when the confirmation's own button sent <c>confirmed=yes</c>; the first press (or a
    /// stray post) shows the confirmation instead.</summary>
    public async Task<IActionResult> OnPostCancelNowAsync([FromForm] string? confirmed, CancellationToken cancellationToken)
    {
        if (confirmed != "yes")
        {
            return await LoadAsync(cancellationToken) ? Redirect($"/admin/subscriptions/{Id}?confirm={ConfirmCancelNow}") : NotFound();
        }
        return await ActAsync(s => actions.CancelNowAsync(s, cancellationToken), cancellationToken);
    }

    public Task<IActionResult> OnPostResumeAsync(CancellationToken cancellationToken) =>
        ActAsync(s => actions.ResumeAsync(s, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostSyncAsync(CancellationToken cancellationToken) =>
        ActAsync(s => actions.SyncAsync(s, cancellationToken), cancellationToken);

    public async Task<IActionResult> OnPostAdvanceClockAsync([FromForm] string? step, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        var chosen = TimeStep.All.FirstOrDefault(s => s.Code == step);
        AdvancedBy = chosen?.Code;
        var outcome = chosen is null
            ? ActionOutcome.Refused("Choose how far to move the test clock.")
            : await actions.AdvanceClockAsync(View.Customer, chosen, cancellationToken);
        return Done(outcome);
    }

    private async Task<IActionResult> ActAsync(Func<Subscription, Task<ActionOutcome>> act, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        return Done(await act(View.Subscription));
    }

    private RedirectResult Done(ActionOutcome outcome)
    {
        Message = outcome.Message;
        MessageIsError = outcome.IsError;
        return Redirect($"/admin/subscriptions/{Id}");
    }

    /// <summary>An invoice's status in words, with why Stripe made it (its <c>billing_reason</c>): "Paid (first
    /// invoice)" rather than "paid (subscription_create)".</summary>
    public static string InvoiceStatusText(InvoiceStatus status, string? billingReason)
    {
        var text = status switch
        {
            InvoiceStatus.Draft => "Draft",
            InvoiceStatus.Open => "Open",
            InvoiceStatus.Paid => "Paid",
            InvoiceStatus.Uncollectible => "Uncollectible",
            InvoiceStatus.Void => "Void",
            _ => status.ToString(),
        };
        var reason = billingReason switch
        {
            null or "" => null,
            "subscription_create" => "first invoice",
            "subscription_cycle" => "renewal",
            "subscription_update" => "plan change",
            "subscription_threshold" => "usage threshold",
            "subscription" => "subscription",
            "manual" => "created by hand",
            "upcoming" => "upcoming",
            "automatic_pending_invoice_item_invoice" => "pending invoice items",
            "quote_accept" => "accepted quote",
            _ => billingReason.Replace('_', ' '),
        };
        return reason is null ? text : $"{text} ({reason})";
    }

    private async Task<DateTimeOffset?> ReadTestClockAsync(CancellationToken cancellationToken)
    {
        var customer = View.Customer;
        if (View.Subscription.Environment != StripeEnvironment.Test || customer.TestClockId is null)
        {
            return null;
        }
        try
        {
            var stripe = (await clients.GetAsync(StripeEnvironment.Test, cancellationToken)).Client.V1;
            var clock = await stripe.TestHelpers.TestClocks.GetAsync(customer.TestClockId, null,
                new global::Stripe.RequestOptions { StripeAccount = customer.StripeAccountId }, cancellationToken);
            return new DateTimeOffset(DateTime.SpecifyKind(clock.FrozenTime, DateTimeKind.Utc));
        }
        catch (global::Stripe.StripeException exception)
        {
            LogClockUnreadable(logger, customer.Id, exception.StripeError?.Code);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the test clock of customer {CustomerId}: {Code}")]
    private static partial void LogClockUnreadable(ILogger logger, Guid customerId, string? code);

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        var views = await SubscriptionView.ListAsync(db, db.Subscriptions.Where(s => s.Id == Id), cancellationToken);
        if (views.Count == 0)
        {
            return false;
        }
        View = views[0];
        return true;
    }
}
