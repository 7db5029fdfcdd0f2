using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Recur.Web.Data;
using Recur.Web.Payments;
using Recur.Web.Stripe;

namespace Recur.Web.Pages.Admin.Payments;

/// <summary>One payment: amounts, state, method, customer, Stripe's ids, the decline or dispute, and a link to the
/// payment in Stripe's Dashboard.</summary>
public sealed class DetailModel(AppDbContext db, StripeClients clients) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [TempData]
    public string? Message { get; set; }

    [TempData]
    public bool MessageIsError { get; set; }

    public PaymentView View { get; private set; } = null!;

    /// <summary>The payment in the connected account's Stripe Dashboard; null before Stripe has a PaymentIntent.</summary>
    public string? DashboardUrl { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        var view = (await PaymentView.ListAsync(db, db.Payments.Where(p => p.Id == Id), cancellationToken)).SingleOrDefault();
        if (view is null)
        {
            return false;
        }
        View = view;
        if (view.Payment.StripePaymentIntentId is { } intentId)
        {
            var platform = await clients.GetAsync(view.Payment.Environment, cancellationToken);
            DashboardUrl = PaymentDashboard.Url(platform, view.Payment.StripeAccountId, intentId);
        }
        return true;
    }
}
