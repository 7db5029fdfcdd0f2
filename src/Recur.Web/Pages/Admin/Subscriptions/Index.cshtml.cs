using Microsoft.AspNetCore.Mvc.RazorPages;
using Recur.Web.Data;
using Recur.Web.Subscriptions;

namespace Recur.Web.Pages.Admin.Subscriptions;

public sealed class IndexModel(AppDbContext db) : PageModel
{
    public IReadOnlyList<SubscriptionView> Subscriptions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Subscriptions = await SubscriptionView.ListAsync(db, db.Subscriptions, cancellationToken);
}
