using System.Net;
using System.Text.RegularExpressions;
using Recur.Tests.Catalog;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;

namespace Recur.Tests.Payments;

/// <summary>One row of a payments table as the admin sees it.</summary>
public sealed record PaymentRow(Guid Id, string State, IReadOnlyDictionary<string, string> Fields)
{
    public string this[string field] => Fields.GetValueOrDefault(field, "");
}

/// <summary>What an admin does in Payments, and selling one-off offers to look at.</summary>
public static partial class PaymentFlows
{
    /// <summary>The offer form's values for a one-off card offer of <paramref name="amount"/> pounds.</summary>
    public static Dictionary<string, string> OneOffOffer(string name = "Gift box", string amount = "45") => new(CatalogFlows.MonthlyCardOffer(name))
    {
        ["Form.Billing"] = "OneOff",
        ["Form.Amount"] = amount,
    };

    /// <summary>Adds and publishes another offer for the tenant; returns its checkout path.</summary>
    public static async Task<string> PublishAnotherOfferAsync(this RecurBrowser admin, Dictionary<string, string> offer, string product = "Gifts")
    {
        var productId = await admin.CreateProductAsync(product);
        var offerId = await admin.CreateOfferAsync(productId, offer);
        var published = await admin.PublishAsync(offerId);
        Assert.Equal("Published", published.TestId("offer-status"));
        return await admin.CheckoutPathAsync(offerId);
    }

    /// <summary>The rows of the table on <paramref name="page"/> (Payments, or a customer's payments).</summary>
    public static IReadOnlyList<PaymentRow> PaymentRows(this Page page) =>
        [.. RowPattern().Matches(page.Html).Select(m => new PaymentRow(Guid.Parse(m.Groups["id"].Value), m.Groups["state"].Value,
            FieldPattern().Matches(m.Groups["cells"].Value).ToDictionary(f => f.Groups["name"].Value,
                f => WebUtility.HtmlDecode(Regex.Replace(f.Groups["text"].Value, "<[^>]+>", " ")).Trim())))];

    public static Task<Page> PaymentsAsync(this RecurBrowser admin, string query = "") => admin.GetAsync("/admin/payments" + query);

    /// <summary>Reads Payments until a row for <paramref name="email"/> in <paramref name="state"/> is there (webhooks
    /// arrive asynchronously); returns that row.</summary>
    public static async Task<PaymentRow> PaymentRowAsync(this RecurBrowser admin, string email, string state)
    {
        var page = await admin.WaitForAsync("/admin/payments", p => p.PaymentRows().Any(r => r["customer"] == email && r.State == state));
        var row = page.PaymentRows().FirstOrDefault(r => r["customer"] == email && r.State == state);
        Assert.True(row is not null, $"No {state} payment for {email} in Payments:\n{page.Text}");
        return row;
    }

    public static Task<Page> PaymentPageAsync(this RecurBrowser admin, Guid paymentId) => admin.GetAsync($"/admin/payments/{paymentId}");

    [GeneratedRegex(@"<tr data-payment=""(?<id>[0-9a-f-]{36})"" data-state=""(?<state>\w+)"">(?<cells>.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex RowPattern();

    [GeneratedRegex(@"data-field=""(?<name>[\w-]+)"">(?<text>.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex FieldPattern();
}
