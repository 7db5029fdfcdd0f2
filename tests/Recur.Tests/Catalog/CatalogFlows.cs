using System.Text.RegularExpressions;
using Recur.Tests.Infrastructure;

namespace Recur.Tests.Catalog;

/// <summary>The steps an admin takes in Catalog: products, offers, publishing.</summary>
public static partial class CatalogFlows
{
    /// <summary>Creates a product on the product form; returns its id as the catalog page shows it.</summary>
    public static async Task<Guid> CreateProductAsync(this RecurBrowser browser, string name = "Book club", string? linkedStripeProductId = null)
    {
        var form = await browser.GetAsync("/admin/catalog/products");
        var catalog = await browser.SubmitAsync(form, form.FormWithField("Form.Name"), new Dictionary<string, string>
        {
            ["Form.Name"] = name,
            ["Form.Description"] = "A book every month",
            ["Form.LinkedStripeProductId"] = linkedStripeProductId ?? "",
        });
        Assert.Equal("/admin/catalog", catalog.Url.AbsolutePath);
        var match = Regex.Match(catalog.Html, $@"data-product=""(?<id>[0-9a-f-]{{36}})"">\s*<h2>{Regex.Escape(name)}</h2>");
        Assert.True(match.Success, "The catalog lists the product:\n" + catalog.Text);
        return Guid.Parse(match.Groups["id"].Value);
    }

    /// <summary>The offer form's values for a plain £9.99 monthly card offer in Test; change what the test needs.</summary>
    public static Dictionary<string, string> MonthlyCardOffer(string name = "Monthly") => new()
    {
        ["Form.Name"] = name,
        ["Form.Environment"] = "test",
        ["Form.Billing"] = "Recurring",
        ["Form.Amount"] = "9.99",
        ["Form.Currency"] = "gbp",
        ["Form.Interval"] = "Month",
        ["Form.IntervalCount"] = "1",
        ["Form.JoiningFee"] = "",
        ["Form.TrialDays"] = "",
        ["Form.FixedTermPeriods"] = "",
        ["Form.PayByCard"] = "true",
        ["Form.BacsActivation"] = "WhenMandateCreated",
    };

    /// <summary>Submits the new-offer form; returns the page it ends on (the offer's page when saved, the form with
    /// its messages when not).</summary>
    public static async Task<Page> SubmitOfferAsync(this RecurBrowser browser, Guid productId, IReadOnlyDictionary<string, string> values)
    {
        var form = await browser.GetAsync("/admin/catalog/offers?productId=" + productId);
        var offerForm = form.FormWithField("Form.Name");
        var fields = new Dictionary<string, string>(values);
        if (!fields.ContainsKey("Form.PayByCard"))
        {
            fields["Form.PayByCard"] = "false";
        }
        return await browser.SubmitAsync(form, offerForm, fields);
    }

    public static async Task<Guid> CreateOfferAsync(this RecurBrowser browser, Guid productId, IReadOnlyDictionary<string, string> values)
    {
        var page = await browser.SubmitOfferAsync(productId, values);
        Assert.True(page.Url.AbsolutePath.StartsWith("/admin/catalog/offers/", StringComparison.Ordinal), "The offer was not saved:\n" + page.Text);
        return Guid.Parse(page.Url.AbsolutePath["/admin/catalog/offers/".Length..]);
    }

    public static Task<Page> OfferPageAsync(this RecurBrowser browser, Guid offerId) => browser.GetAsync("/admin/catalog/offers/" + offerId);

    public static async Task<Page> PublishAsync(this RecurBrowser browser, Guid offerId)
    {
        var page = await browser.OfferPageAsync(offerId);
        return await browser.SubmitAsync(page, page.Form("handler=Publish"));
    }

    /// <summary>Edits the offer's terms on its page.</summary>
    public static async Task<Page> EditOfferAsync(this RecurBrowser browser, Guid offerId, IReadOnlyDictionary<string, string> values)
    {
        var page = await browser.OfferPageAsync(offerId);
        return await browser.SubmitAsync(page, page.FormWithField("Form.Name"), values);
    }

    /// <summary>The public checkout address of a published offer, as its page shows it.</summary>
    public static async Task<string> CheckoutPathAsync(this RecurBrowser browser, Guid offerId)
    {
        var page = await browser.OfferPageAsync(offerId);
        var url = page.TestId("checkout-url");
        Assert.False(string.IsNullOrEmpty(url), "The offer has no checkout page:\n" + page.Text);
        return new Uri(url!).AbsolutePath;
    }
}
