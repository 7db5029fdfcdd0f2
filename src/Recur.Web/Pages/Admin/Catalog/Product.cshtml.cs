using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Catalog;
using Recur.Web.Data;
using Recur.Web.Tenants;

namespace Recur.Web.Pages.Admin.Catalog;

/// <summary>Create or edit a product.</summary>
public sealed class ProductModel(AppDbContext db, CurrentTenant tenant, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? Id { get; set; }

    [BindProperty]
    public ProductForm Form { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Id is { } id)
        {
            var product = await db.Products.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
            if (product is null)
            {
                return NotFound();
            }
            Form = new ProductForm { Name = product.Name, Description = product.Description, LinkedStripeProductId = product.LinkedStripeProductId };
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        foreach (var problem in Product.Validate(Form.Name, Form.Description, Form.LinkedStripeProductId))
        {
            ModelState.AddModelError("Form." + problem.Field, problem.Message);
        }
        if (ModelState.ErrorCount > 0)
        {
            return Page();
        }
        if (Id is { } id)
        {
            var product = await db.Products.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
            if (product is null)
            {
                return NotFound();
            }
            product.Update(Form.Name!, Form.Description, Form.LinkedStripeProductId);
        }
        else
        {
            db.Products.Add(new Product(tenant.RequiredTenantId, Form.Name!, Form.Description, Form.LinkedStripeProductId, time.GetUtcNow()));
        }
        await db.SaveChangesAsync(cancellationToken);
        return Redirect("/admin/catalog");
    }

    public sealed class ProductForm
    {
        public string? Name { get; set; }
        [DataType(DataType.MultilineText)]
        public string? Description { get; set; }
        public string? LinkedStripeProductId { get; set; }
    }
}
