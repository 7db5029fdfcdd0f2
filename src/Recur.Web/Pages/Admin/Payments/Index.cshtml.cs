using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Recur.Web.Data;
using Recur.Web.Payments;

namespace Recur.Web.Pages.Admin.Payments;

/// <summary>Every payment of the tenant, subscription invoices and one-off purchases, filtered by state and method
/// and searched by email or Stripe id.</summary>
public sealed class IndexModel(AppDbContext db) : PageModel
{
    /// <summary>How many rows the page shows at most, newest first.</summary>
    public const int PageSize = 200;

    [BindProperty(SupportsGet = true, Name = "status")]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "method")]
    public string? Method { get; set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    public IReadOnlyList<PaymentView> Payments { get; private set; } = [];
    public int Matching { get; private set; }
    public bool Filtered { get; private set; }

    public static readonly IReadOnlyList<(string Value, string Label)> Methods = [("card", "Card"), ("bacs_debit", "Direct Debit")];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PaymentState? state = Enum.TryParse<PaymentState>(Status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
        var method = Methods.Any(m => m.Value == Method) ? Method : null;
        var search = Search?.Trim() is { Length: > 0 and <= 256 } text ? text : null;
        var filter = new PaymentFilter(state, method, search);
        Filtered = filter != PaymentFilter.All;
        var matching = (await PaymentView.ListAsync(db, db.Payments, cancellationToken)).Where(filter.Matches).ToList();
        Matching = matching.Count;
        Payments = matching.Take(PageSize).ToList();
    }

    public static string StateValue(PaymentState state) => state.ToString();
}
