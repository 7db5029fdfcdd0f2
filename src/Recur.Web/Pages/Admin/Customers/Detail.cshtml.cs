using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Payments;
using Recur.Web.Subscriptions;

namespace Recur.Web.Pages.Admin.Customers;

/// <summary>One customer: details, subscriptions, and in Test the customer's test clock.</summary>
public sealed class DetailModel(AppDbContext db, SubscriptionActions actions) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [TempData]
    public string? Message { get; set; }

    [TempData]
    public bool MessageIsError { get; set; }

    public Customer Customer { get; private set; } = null!;
    public IReadOnlyList<SubscriptionView> Subscriptions { get; private set; } = [];

    /// <summary>One-off purchases and subscription invoices, newest first.</summary>
    public IReadOnlyList<PaymentView> Payments { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Id == Id, cancellationToken);
        if (customer is null)
        {
            return NotFound();
        }
        Customer = customer;
        Subscriptions = await SubscriptionView.ListAsync(db, db.Subscriptions.Where(s => s.CustomerId == Id), cancellationToken);
        Payments = await PaymentView.ForCustomerAsync(db, Id, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAdvanceClockAsync([FromForm] string? step, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Id == Id, cancellationToken);
        if (customer is null)
        {
            return NotFound();
        }
        var chosen = TimeStep.All.FirstOrDefault(s => s.Code == step);
        var outcome = chosen is null
            ? ActionOutcome.Refused("Choose how far to move the test clock.")
            : await actions.AdvanceClockAsync(customer, chosen, cancellationToken);
        Message = outcome.Message;
        MessageIsError = outcome.IsError;
        return Redirect($"/admin/customers/{Id}");
    }
}
