using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Subscriptions;

namespace Recur.Web.Pages.Admin.Subscriptions;

/// <summary>One subscription: its state, payments and the admin's actions.</summary>
public sealed class DetailModel(AppDbContext db, SubscriptionActions actions) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [TempData]
    public string? Message { get; set; }

    [TempData]
    public bool MessageIsError { get; set; }

    public SubscriptionView View { get; private set; } = null!;
    public IReadOnlyList<Payment> Payments { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        Payments = await db.Payments.Where(p => p.SubscriptionId == Id).OrderByDescending(p => p.CreatedAt).ToListAsync(cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostCancelAtPeriodEndAsync(CancellationToken cancellationToken) =>
        ActAsync(s => actions.CancelAtPeriodEndAsync(s, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostCancelNowAsync(CancellationToken cancellationToken) =>
        ActAsync(s => actions.CancelNowAsync(s, cancellationToken), cancellationToken);

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
