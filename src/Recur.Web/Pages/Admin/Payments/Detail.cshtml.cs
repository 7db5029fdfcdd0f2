using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Catalog;
using Recur.Web.Data;
using Recur.Web.Payments;
using Recur.Web.Stripe;

namespace Recur.Web.Pages.Admin.Payments;

/// <summary>One payment: amounts, state, method, customer, Stripe's ids, the decline or dispute, a link to the
/// payment in Stripe's Dashboard, its refunds and the refund form.</summary>
public sealed class DetailModel(AppDbContext db, StripeClients clients, PaymentRefunds refunds) : PageModel
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

    public IReadOnlyList<Refund> Refunds { get; private set; } = [];

    /// <summary>What is left to refund now.</summary>
    public long Refundable { get; private set; }

    /// <summary>The refund form: a fresh refund id per form shown, so submitting one form twice makes one refund.</summary>
    public RefundForm Form { get; private set; } = new(Guid.NewGuid(), null, null);

    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    public sealed record RefundForm(Guid RefundId, string? Amount, string? Reason);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        Form = new RefundForm(Guid.NewGuid(), Money.ToMajorText(Refundable, View.Payment.Currency), null);
        return Page();
    }

    public async Task<IActionResult> OnPostRefundAsync([FromForm] Guid refundId, [FromForm] string? amount, [FromForm] string? reason,
        CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        if (refundId == Guid.Empty)
        {
            return BadRequest();
        }
        var outcome = await refunds.RefundAsync(View.Payment, refundId, amount, reason, cancellationToken);
        if (!outcome.Succeeded)
        {
            await LoadAsync(cancellationToken);
            Errors = outcome.Errors;
            // A corrected form is another refund: a new id (Stripe keeps a refused key's parameters).
            Form = new RefundForm(Guid.NewGuid(), amount, reason);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Message = outcome.Message;
        MessageIsError = false;
        return Redirect($"/admin/payments/{Id}");
    }

    /// <summary>Asks Stripe again for a refund it did not answer, with the same key.</summary>
    public async Task<IActionResult> OnPostSendAgainAsync([FromForm] Guid refundId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        var refund = await db.Refunds.SingleOrDefaultAsync(r => r.Id == refundId && r.PaymentId == Id, cancellationToken);
        if (refund is null)
        {
            return NotFound();
        }
        var outcome = await refunds.SendAgainAsync(View.Payment, refund, cancellationToken);
        Message = outcome.Message ?? string.Join(" ", outcome.Errors.Values);
        MessageIsError = !outcome.Succeeded;
        return Redirect($"/admin/payments/{Id}");
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var view = (await PaymentView.ListAsync(db, db.Payments.Where(p => p.Id == Id), cancellationToken)).SingleOrDefault();
        if (view is null)
        {
            return false;
        }
        View = view;
        Refunds = await db.Refunds.Where(r => r.PaymentId == Id).OrderByDescending(r => r.CreatedAt).ToListAsync(cancellationToken);
        Refundable = await refunds.RefundableAsync(view.Payment, cancellationToken);
        if (view.Payment.StripePaymentIntentId is { } intentId)
        {
            var platform = await clients.GetAsync(view.Payment.Environment, cancellationToken);
            DashboardUrl = PaymentDashboard.Url(platform, view.Payment.StripeAccountId, intentId);
        }
        return true;
    }
}
