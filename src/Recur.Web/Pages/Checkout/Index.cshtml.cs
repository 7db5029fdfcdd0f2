using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Checkout;
using Recur.Web.Data;
using Recur.Web.Stripe;

namespace Recur.Web.Pages.Checkout;

/// <summary>The public checkout page of a published offer. Opens with an order id (kept in a cookie, so a refresh
/// reuses it); the page's script sends the details to <c>/api/checkout/{offer}/orders</c> and mounts Stripe's
/// Payment Element with the answer.</summary>
public sealed class IndexModel(CheckoutOrders orders, StripeClients clients, AppDbContext db) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Offer { get; set; } = "";

    [BindProperty(SupportsGet = true, Name = "order")]
    public Guid? RequestedOrder { get; set; }

    [BindProperty(SupportsGet = true, Name = "new")]
    public bool StartOver { get; set; }

    public CheckoutOffer Checkout { get; private set; } = null!;
    public Guid OrderId { get; private set; }
    public Order? ExistingOrder { get; private set; }
    public string StripeJsUrl { get; private set; } = "";

    public static string CookieName(Guid offerId) => $"recur_order_{offerId:N}";

    /// <summary>The billing countries the page offers: the United Kingdom first, then the countries Stripe's Payment
    /// Element lists for cards. Direct Debit (BACS) is for UK bank accounts, so a BACS-only offer lists only the UK.</summary>
    public static IReadOnlyList<(string Code, string Name)> CountriesFor(bool bacsOnly) => bacsOnly ? [Countries[0]] : Countries;

    private static readonly (string Code, string Name)[] Countries =
    [
        ("GB", "United Kingdom"),
        ("AU", "Australia"), ("AT", "Austria"), ("BE", "Belgium"), ("BR", "Brazil"), ("BG", "Bulgaria"), ("CA", "Canada"),
        ("HR", "Croatia"), ("CY", "Cyprus"), ("CZ", "Czechia"), ("DK", "Denmark"), ("EE", "Estonia"), ("FI", "Finland"),
        ("FR", "France"), ("DE", "Germany"), ("GI", "Gibraltar"), ("GR", "Greece"), ("GG", "Guernsey"), ("HK", "Hong Kong"),
        ("HU", "Hungary"), ("IN", "India"), ("IE", "Ireland"), ("IM", "Isle of Man"), ("IT", "Italy"), ("JP", "Japan"),
        ("JE", "Jersey"), ("LV", "Latvia"), ("LT", "Lithuania"), ("LU", "Luxembourg"), ("MT", "Malta"), ("MX", "Mexico"),
        ("NL", "Netherlands"), ("NZ", "New Zealand"), ("NO", "Norway"), ("PL", "Poland"), ("PT", "Portugal"),
        ("RO", "Romania"), ("SG", "Singapore"), ("SK", "Slovakia"), ("SI", "Slovenia"), ("ZA", "South Africa"),
        ("ES", "Spain"), ("SE", "Sweden"), ("CH", "Switzerland"), ("AE", "United Arab Emirates"), ("US", "United States"),
    ];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var checkout = await orders.FindOfferAsync(Offer, cancellationToken);
        if (checkout is null)
        {
            return NotFound();
        }
        Checkout = checkout;
        StripeJsUrl = (await clients.GetAsync(checkout.Offer.Environment, cancellationToken)).StripeJsUrl;

        Guid? candidate = StartOver ? null : RequestedOrder
            ?? (Guid.TryParse(Request.Cookies[CookieName(checkout.Offer.Id)], out var fromCookie) ? fromCookie : null);
        // Only the browser that placed an order sees its details again: an order id alone (?order=… from another
        // browser) opens a fresh checkout.
        var browserKey = CheckoutBrowserKey.Hash(CheckoutBrowserKey.GetOrIssue(HttpContext));
        if (candidate is { } id)
        {
            var order = await db.Orders.IgnoreQueryFilters()
                .SingleOrDefaultAsync(o => o.Id == id && o.OfferId == checkout.Offer.Id && o.CompletedAt == null, cancellationToken);
            ExistingOrder = order is not null && order.IsHeldBy(browserKey) ? order : null;
        }
        OrderId = ExistingOrder?.Id ?? Guid.NewGuid();
        Response.Cookies.Append(CookieName(checkout.Offer.Id), OrderId.ToString(), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = Request.IsHttps,
            Path = "/checkout",
            MaxAge = TimeSpan.FromHours(23),
        });
        return Page();
    }
}
