using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Catalog;
using Recur.Web.Data;

namespace Recur.Web.Pages.Admin.Catalog;

/// <summary>Catalog: the tenant's products and their offers.</summary>
public sealed class IndexModel(AppDbContext db) : PageModel
{
    public IReadOnlyList<(Product Product, IReadOnlyList<Offer> Offers)> Products { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var products = await db.Products.OrderBy(p => p.Name).ToListAsync(cancellationToken);
        var offers = await db.Offers.ToListAsync(cancellationToken);
        Products = products
            .Select(p => (p, (IReadOnlyList<Offer>)offers.Where(o => o.ProductId == p.Id).OrderBy(o => o.Name).ToList()))
            .ToList();
    }
}
