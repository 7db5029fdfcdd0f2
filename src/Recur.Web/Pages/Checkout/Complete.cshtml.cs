using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Recur.Web.Checkout;

namespace Recur.Web.Pages.Checkout;

/// <summary>Where Stripe.js sends the customer after confirming: says what really happened, read from Stripe.</summary>
public sealed class CompleteModel(CheckoutOrders orders, CheckoutCompletion completion) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Offer { get; set; } = "";

    [BindProperty(SupportsGet = true, Name = "order")]
    public Guid? OrderId { get; set; }

    public CheckoutOffer Checkout { get; private set; } = null!;
    public CheckoutOutcome? Outcome { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var checkout = await orders.FindOfferAsync(Offer, cancellationToken);
        if (checkout is null)
        {
            return NotFound();
        }
        Checkout = checkout;
        if (OrderId is { } orderId)
        {
            Outcome = await completion.ReadAsync(checkout.Offer, orderId, cancellationToken);
        }
        if (Outcome is { State: CompletionState.Active or CompletionState.TrialStarted or CompletionState.Processing })
        {
            Response.Cookies.Delete(IndexModel.CookieName(checkout.Offer.Id), new CookieOptions { Path = "/checkout" });
        }
        return Page();
    }
}
