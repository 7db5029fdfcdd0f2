using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Catalog;
using Recur.Web.Data;
using Recur.Web.Integrations;
using Recur.Web.Stripe;
using Recur.Web.Tenants;

namespace Recur.Web.Pages.Admin.Catalog;

/// <summary>Create or edit an offer; publish or unpublish it.</summary>
public sealed class OfferModel(AppDbContext db, CurrentTenant tenant, OfferPublishing publishing, RecurUrls urls, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? ProductId { get; set; }

    [BindProperty]
    public OfferForm Form { get; set; } = new();

    [BindProperty(SupportsGet = true, Name = "saved")]
    public bool Saved { get; set; }

    public Offer? Offer { get; private set; }
    public Product? Product { get; private set; }
    public IReadOnlyList<Product> Products { get; private set; } = [];
    public StripeConnection? Connection { get; private set; }
    public string? PublishError { get; private set; }
    public string? CheckoutUrl => Offer is { IsPublished: true } ? urls.Absolute("/checkout/" + Offer.Slug) : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        Form = Offer is null ? new OfferForm { PayByCard = true } : OfferForm.From(Offer);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        if (Product is null)
        {
            ModelState.AddModelError("ProductId", "Choose the product this offer sells.");
            return Page();
        }
        var (terms, problems) = Form.ToTerms();
        foreach (var problem in problems)
        {
            ModelState.AddModelError("Form." + problem.Field, problem.Message);
        }
        if (terms is null || !ModelState.IsValid)
        {
            return Page();
        }
        if (Offer is null)
        {
            Offer = new Offer(tenant.RequiredTenantId, Product.Id, terms, time.GetUtcNow());
            db.Offers.Add(Offer);
        }
        else
        {
            if (Offer.IsPublished && terms.Environment != Offer.Environment)
            {
                ModelState.AddModelError("Form.Environment", "Unpublish the offer before moving it to another environment.");
                return Page();
            }
            Offer.Change(terms);
        }
        Offer.AllowRepeatSubscriptions(Form.AllowRepeatSubscriptions);
        await db.SaveChangesAsync(cancellationToken);
        var remap = await publishing.RemapAsync(Offer, cancellationToken);
        if (remap is not null)
        {
            PublishError = remap;
            return Page();
        }
        return Redirect($"/admin/catalog/offers/{Offer.Id}?saved=true");
    }

    public async Task<IActionResult> OnPostPublishAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken) || Offer is null)
        {
            return NotFound();
        }
        PublishError = await publishing.PublishAsync(Offer, cancellationToken);
        if (PublishError is not null)
        {
            Form = OfferForm.From(Offer);
            return Page();
        }
        return Redirect($"/admin/catalog/offers/{Offer.Id}");
    }

    public async Task<IActionResult> OnPostUnpublishAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken) || Offer is null)
        {
            return NotFound();
        }
        Offer.Unpublish();
        await db.SaveChangesAsync(cancellationToken);
        return Redirect($"/admin/catalog/offers/{Offer.Id}");
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        Products = await db.Products.OrderBy(p => p.Name).ToListAsync(cancellationToken);
        if (Id is { } id)
        {
            Offer = await db.Offers.SingleOrDefaultAsync(o => o.Id == id, cancellationToken);
            if (Offer is null)
            {
                return false;
            }
            ProductId = Offer.ProductId;
            Connection = await publishing.ConnectionAsync(Offer, cancellationToken);
        }
        Product = Products.FirstOrDefault(p => p.Id == ProductId);
        return true;
    }
}
