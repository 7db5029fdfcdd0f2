using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;

namespace Recur.Tests.Catalog;

public sealed class OfferInputBoundsTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<(RecurBrowser Admin, Guid ProductId)> AdminWithProductAsync()
    {
        var (admin, _) = await factory.SignUpTenantAsync("Bounds Ltd");
        return (admin, await admin.CreateProductAsync("Bounded club"));
    }

    private async Task<int> OfferCountAsync(Guid productId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Offers.IgnoreQueryFilters().CountAsync(o => o.ProductId == productId, Cancel);
    }

    [Theory]
    [InlineData("Form.FixedTermPeriods", "2147483647", "A fixed term is at most 1200 billing periods and at most 100 years")]
    [InlineData("Form.FixedTermPeriods", "1201", "A fixed term is at most 1200 billing periods")]
    [InlineData("Form.FixedTermPeriods", "99999999999", "Enter the fixed term as a number of billing periods")]
    [InlineData("Form.Amount", "1000000", "Stripe charges at most £999,999.99 at a time: the price must be at most that.")]
    [InlineData("Form.Amount", "99999999999999999999", "Enter the price as a number with at most 2 decimals")]
    [InlineData("Form.TrialDays", "2147483647", "A free trial lasts from 1 to 730 days")]
    [InlineData("Form.IntervalCount", "2147483647", "Stripe bills at most once a year")]
    [InlineData("Form.Billing", "99", "Choose how the offer bills")]
    [InlineData("Form.Billing", "1", "Choose how the offer bills")]
    [InlineData("Form.Interval", "-1", "Choose a billing interval")]
    public async Task An_out_of_range_number_or_a_numeric_choice_is_refused_at_the_form_with_a_message(string field, string value, string message)
    {
        var (admin, productId) = await AdminWithProductAsync();

        var page = await admin.SubmitOfferAsync(productId, new Dictionary<string, string>(CatalogFlows.MonthlyCardOffer())
        {
            [field] = value,
        });

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(message, page.TestId("errors") ?? page.Text);
        Assert.Equal(0, await OfferCountAsync(productId));
    }

    [Fact]
    public async Task A_fixed_term_of_twelve_monthly_payments_is_still_accepted()
    {
        var (admin, productId) = await AdminWithProductAsync();

        var offerId = await admin.CreateOfferAsync(productId, new Dictionary<string, string>(CatalogFlows.MonthlyCardOffer())
        {
            ["Form.FixedTermPeriods"] = "12",
        });

        var offer = await admin.OfferPageAsync(offerId);
        Assert.Equal("£9.99 every month, for 12 payments", offer.TestId("offer-summary"));
    }

    [Fact]
    public async Task A_bacs_activation_sent_as_a_number_is_refused()
    {
        var (admin, productId) = await AdminWithProductAsync();

        var page = await admin.SubmitOfferAsync(productId, new Dictionary<string, string>(CatalogFlows.MonthlyCardOffer())
        {
            ["Form.PayByCard"] = "false",
            ["Form.PayByBacs"] = "true",
            ["Form.BacsActivation"] = "1",
        });

        Assert.Contains("Choose when a BACS subscription becomes active", page.Text);
        Assert.Equal(0, await OfferCountAsync(productId));
    }
}
