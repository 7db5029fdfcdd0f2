using System.Net;
using Recur.Tests.Catalog;
using Recur.Tests.Infrastructure;

namespace Recur.Tests.Pages;

/// <summary>Admin forms and pages given bad values: a 404, or the form again saying what is wrong; never a 500.</summary>
public sealed class MalformedPageInputTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    public static TheoryData<string, string, string> OfferFields => new()
    {
        { "Form.Amount", "abc", "Enter the price as a number with at most 2 decimal" },
        { "Form.Amount", "-5", "Enter the price as a number with at most 2 decimal" },
        { "Form.Amount", "", "Enter a price." },
        { "Form.Amount", "1e400", "Enter the price as a number with at most 2 decimal" },
        { "Form.Amount", "99999999999999999999999", "Enter the price as a number with at most 2 decimal" },
        { "Form.Amount", "9.999", "Enter the price as a number with at most 2 decimal" },
        { "Form.Currency", "zzz", "Choose a currency Recur supports: GBP, EUR, USD" },
        { "Form.Currency", "", "Choose a currency Recur supports: GBP, EUR, USD" },
        { "Form.Interval", "Fortnight", "Choose a billing interval: day, week, month or yea" },
        { "Form.Interval", "", "Choose a billing interval: day, week, month or yea" },
        { "Form.IntervalCount", "0", "Bill at least every 1 month." },
        { "Form.IntervalCount", "-1", "Bill at least every 1 month." },
        { "Form.IntervalCount", "abc", "Enter how many intervals make one billing period" },
        { "Form.IntervalCount", "99999999999", "Enter how many intervals make one billing period" },
        { "Form.Environment", "mars", "Choose the environment: Test or Production." },
        { "Form.Billing", "Sometimes", "Choose how the offer bills: recurring, one-off, or" },
        { "Form.Billing", "JoiningFeeAndRecurring&Form.JoiningFee=abc", "Enter the joining fee as a number with at most 2 d" },
        { "Form.Billing", "JoiningFeeAndRecurring&Form.JoiningFee=-1", "Enter the joining fee as a number with at most 2 d" },
        { "Form.TrialDays", "abc", "Enter the free trial in whole days, or leave it em" },
        { "Form.TrialDays", "-1", "A free trial lasts from 1 to 730 days" },
        { "Form.TrialDays", "99999999999", "Enter the free trial in whole days, or leave it em" },
        { "Form.FixedTermPeriods", "abc", "Enter the fixed term as a number of billing period" },
        { "Form.FixedTermPeriods", "0", "A fixed term is at least 1 billing period" },
        { "Form.PayByCard", "maybe", "The value 'maybe' is not valid for PayByCard." },
        { "Form.PayByBacs", "true&Form.BacsActivation=Never", "Choose when a BACS subscription becomes active" },
        { "Form.Name", "", "Enter a name for the offer." },
        { "Form.Name", new string('n', 100_000), "The offer's name can have at most 200 characters." },
    };

    [Theory]
    [MemberData(nameof(OfferFields))]
    public async Task The_offer_form_with_a_bad_value_is_shown_again_saying_what_is_wrong(string field, string value, string message)
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var productId = await browser.CreateProductAsync();
        var values = CatalogFlows.MonthlyCardOffer();
        foreach (var pair in $"{field}={value}".Split('&'))
        {
            values[pair[..pair.IndexOf('=', StringComparison.Ordinal)]] = pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..];
        }

        var page = await browser.SubmitOfferAsync(productId, values);

        Assert.True(page.Status == HttpStatusCode.OK, $"{(int)page.Status}: {page.Text}");
        Assert.Equal("/admin/catalog/offers", page.Url.AbsolutePath);
        Assert.Contains(message, page.TestId("errors") ?? "");
    }

    [Theory]
    [InlineData("/admin/subscriptions/not-a-guid")]
    [InlineData("/admin/subscriptions/00000000-0000-0000-0000-000000000000")]
    [InlineData("/admin/customers/not-a-guid")]
    [InlineData("/admin/customers/00000000-0000-0000-0000-000000000000")]
    [InlineData("/admin/catalog/offers/not-a-guid")]
    [InlineData("/admin/catalog/offers/00000000-0000-0000-0000-000000000000")]
    [InlineData("/admin/catalog/products/00000000-0000-0000-0000-000000000000")]
    [InlineData("/admin/catalog/offers?productId=not-a-guid")]
    [InlineData("/admin/catalog/offers?productId=00000000-0000-0000-0000-000000000000")]
    [InlineData("/checkout/not-a-real-offer")]
    [InlineData("/admin/integrations/stripe?handler=Nonsense")]
    [InlineData("/admin/catalog?handler=Nonsense")]
    public async Task A_page_for_something_that_does_not_exist_is_a_404(string url)
    {
        var (browser, _) = await factory.SignUpTenantAsync();

        var page = await browser.GetAsync(url);

        Assert.True(page.Status is HttpStatusCode.NotFound or HttpStatusCode.OK, $"{(int)page.Status}: {page.Text}");
    }

    [Theory]
    [InlineData("/admin/integrations/stripe?environment=mars")]
    [InlineData("/admin/integrations/stripe?environment=")]
    [InlineData("/admin/integrations/stripe?outcome=nonsense")]
    [InlineData("/admin/integrations/stripe?environment=test&outcome=99999")]
    [InlineData("/admin/subscriptions?status=nonsense&page=abc")]
    [InlineData("/admin/customers?page=-1&environment=mars")]
    public async Task A_page_with_nonsense_in_its_query_is_shown_normally(string url)
    {
        var (browser, _) = await factory.SignUpTenantAsync();

        var page = await browser.GetAsync(url);

        Assert.True(page.Status == HttpStatusCode.OK, $"{(int)page.Status}: {page.Text}");
    }

    [Theory]
    [InlineData("/integrations/stripe/oauth/callback")]
    [InlineData("/integrations/stripe/oauth/callback?code=ac_nope&state=garbage")]
    [InlineData("/integrations/stripe/oauth/callback?code[0]=x&state[a]=y")]
    [InlineData("/integrations/stripe/oauth/callback?error=access_denied&error_description=%00%FF")]
    [InlineData("/integrations/stripe/onboarding/return?environment=mars")]
    [InlineData("/integrations/stripe/onboarding/return")]
    [InlineData("/integrations/stripe/onboarding/refresh?environment=mars")]
    [InlineData("/integrations/stripe/onboarding/refresh?environment=test")]
    [InlineData("/api/integrations/stripe/connections/not-a-guid")]
    [InlineData("/api/integrations/stripe/connections/00000000-0000-0000-0000-000000000000")]
    public async Task A_return_from_stripe_or_an_api_call_with_bad_values_is_never_a_500(string url)
    {
        var (browser, _) = await factory.SignUpTenantAsync();

        using var response = await browser.GetRawAsync(url);

        var status = (int)response.StatusCode;
        Assert.True(status is (>= 300 and < 400) or 400 or 404, $"{status}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        if (status >= 400 && url.StartsWith("/api/", StringComparison.Ordinal))
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    public static TheoryData<string, string> Posts => new()
    {
        { "/admin/subscriptions/00000000-0000-0000-0000-000000000000?handler=CancelNow", "" },
        { "/admin/subscriptions/00000000-0000-0000-0000-000000000000?handler=CancelAtPeriodEnd", "" },
        { "/admin/subscriptions/00000000-0000-0000-0000-000000000000?handler=Resume", "" },
        { "/admin/subscriptions/00000000-0000-0000-0000-000000000000?handler=Sync", "" },
        { "/admin/subscriptions/00000000-0000-0000-0000-000000000000?handler=AdvanceClock", "step=nonsense" },
        { "/admin/subscriptions/not-a-guid?handler=CancelNow", "" },
        { "/admin/customers/00000000-0000-0000-0000-000000000000?handler=AdvanceClock", "step=nonsense" },
        { "/admin/catalog/offers/00000000-0000-0000-0000-000000000000?handler=Publish", "" },
        { "/admin/catalog/offers/00000000-0000-0000-0000-000000000000?handler=Unpublish", "" },
        { "/admin/integrations/stripe?handler=Settings", "environment=mars&accountType=Standard" },
        { "/admin/integrations/stripe?handler=Settings", "environment=test&accountType=nonsense" },
        { "/admin/integrations/stripe?handler=Settings", "" },
        { "/admin/integrations/stripe?handler=ConnectExisting", "environment=mars&accountType=Standard" },
        { "/admin/integrations/stripe?handler=CreateAccount", "environment=mars&accountType=Standard" },
        { "/admin/integrations/stripe?handler=CreateAccount", "environment=" + new string('x', 10_000) },
        { "/admin/integrations/stripe?handler=Resume", "connectionId=not-a-guid" },
        { "/admin/integrations/stripe?handler=Resume", "connectionId=00000000-0000-0000-0000-000000000000" },
        { "/admin/integrations/stripe?handler=Refresh", "connectionId=00000000-0000-0000-0000-000000000000" },
        { "/admin/integrations/stripe?handler=Disconnect", "connectionId=00000000-0000-0000-0000-000000000000" },
        { "/admin/integrations/stripe?handler=Dashboard", "connectionId=" },
        { "/admin/integrations/stripe?handler=Nonsense", "" },
        { "/admin/integrations/stripe", "" },
        { "/admin/subscriptions/00000000-0000-0000-0000-000000000000?handler=Nonsense", "" },
        { "/admin/catalog/offers?handler=Nonsense", "" },
        { "/admin/catalog/products?handler=Nonsense", "" },
        { "/admin/customers?handler=Nonsense", "" },
        { "/admin?handler=Nonsense", "" },
    };

    [Theory]
    [MemberData(nameof(Posts))]
    public async Task An_admin_action_on_something_that_does_not_exist_is_a_4xx_or_the_page_again(string url, string form)
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var card = await browser.StripeCardAsync();
        var fields = form.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => KeyValuePair.Create(p[0], p[1]))
            .Append(KeyValuePair.Create("__RequestVerificationToken", RecurBrowser.AntiforgeryToken(card)));

        using var response = await browser.Http.PostAsync(url, new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);

        var status = (int)response.StatusCode;
        Assert.True(status is (>= 200 and < 400) or 400 or 404, $"{status}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }
}
