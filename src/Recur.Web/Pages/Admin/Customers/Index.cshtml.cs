using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Subscriptions;

namespace Recur.Web.Pages.Admin.Customers;

public sealed class IndexModel(AppDbContext db) : PageModel
{
    public IReadOnlyList<(Customer Customer, int Subscriptions)> Customers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var customers = await db.Customers.OrderByDescending(c => c.CreatedAt).ToListAsync(cancellationToken);
        var counts = await db.Subscriptions.GroupBy(s => s.CustomerId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        Customers = customers.Select(c => (c, counts.GetValueOrDefault(c.Id))).ToList();
    }
}
