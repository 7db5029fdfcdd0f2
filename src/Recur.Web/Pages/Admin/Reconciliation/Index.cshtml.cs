using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Reconciliation;
using Recur.Web.Tenants;

namespace Recur.Web.Pages.Admin.Reconciliation;

/// <summary>"Reconcile now", the report of a run (the latest by default) and the recent runs of this tenant.</summary>
public sealed class IndexModel(AppDbContext db, ReconciliationService reconciliation, CurrentTenant tenant) : PageModel
{
    public const int RecentRuns = 20;

    [BindProperty(SupportsGet = true)]
    public Guid? Run { get; set; }

    public ReconciliationRun? Shown { get; private set; }

    public IReadOnlyList<ReconciliationRun> Runs { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Runs = await db.ReconciliationRuns.OrderByDescending(r => r.StartedAt).Take(RecentRuns).ToListAsync(cancellationToken);
        Shown = Run is { } id
            ? Runs.FirstOrDefault(r => r.Id == id) ?? await db.ReconciliationRuns.SingleOrDefaultAsync(r => r.Id == id, cancellationToken)
            : Runs.FirstOrDefault();
        return Run is not null && Shown is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostReconcileAsync(CancellationToken cancellationToken)
    {
        var run = await reconciliation.ReconcileTenantAsync(tenant.RequiredTenantId, User.Identity?.Name ?? tenant.RequiredUserId, cancellationToken);
        return Redirect($"/admin/reconciliation?run={run.Id}");
    }
}
