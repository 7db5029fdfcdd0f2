using System.Net;
using Recur.Tests.Infrastructure;

namespace Recur.Tests.Tenants;

public sealed class TenantIsolationTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Another_tenant_cannot_read_or_change_a_connection_by_guessing_its_id()
    {
        var (owner, _) = await factory.SignUpTenantAsync("Owner Ltd");
        var (card, _) = await owner.ConnectExistingAccountAsync();
        var connectionId = card.ConnectionId();
        var (intruder, _) = await factory.SignUpTenantAsync("Intruder Ltd");
        var intruderCard = await intruder.StripeCardAsync();
        var token = RecurBrowser.AntiforgeryToken(intruderCard);

        using var read = await intruder.Http.GetAsync($"/api/integrations/stripe/connections/{connectionId}", Cancel);
        using var list = await intruder.Http.GetAsync("/api/integrations/stripe/connections", Cancel);
        var refresh = await PostHandlerAsync(intruder, "Refresh", connectionId, token);
        var disconnect = await PostHandlerAsync(intruder, "Disconnect", connectionId, token);
        var dashboard = await PostHandlerAsync(intruder, "Dashboard", connectionId, token);
        var resume = await PostHandlerAsync(intruder, "Resume", connectionId, token);

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
        Assert.Equal("[]", await list.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.NotFound, refresh);
        Assert.Equal(HttpStatusCode.NotFound, disconnect);
        Assert.Equal(HttpStatusCode.NotFound, dashboard);
        Assert.Equal(HttpStatusCode.NotFound, resume);

        var ownerCard = await owner.StripeCardAsync();
        Assert.Equal("Connected", ownerCard.TestId("status"));
        Assert.Equal(card.TestId("account-id"), ownerCard.TestId("account-id"));
        using var ownRead = await owner.Http.GetAsync($"/api/integrations/stripe/connections/{connectionId}", Cancel);
        Assert.Equal(HttpStatusCode.OK, ownRead.StatusCode);
        Assert.Contains(card.TestId("account-id")!, await ownRead.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task The_stripe_card_needs_a_signed_in_admin()
    {
        using var anonymous = factory.NewBrowser();

        using var page = await anonymous.GetRawAsync("/admin/integrations/stripe");
        using var api = await anonymous.GetRawAsync("/api/integrations/stripe/connections");
        using var callback = await anonymous.GetRawAsync("/integrations/stripe/oauth/callback?code=ac_x&state=y");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/signin", page.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("/signin", callback.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var card = await browser.StripeCardAsync();
        var fields = card.Form("handler=CreateAccount").With();
        fields.Remove("__RequestVerificationToken");

        using var response = await browser.Http.PostAsync("/admin/integrations/stripe?handler=CreateAccount", new FormUrlEncodedContent(fields), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Not connected", (await browser.StripeCardAsync()).TestId("status"));
    }

    [Fact]
    public async Task Signing_out_and_in_again_shows_the_same_tenants_card()
    {
        var (browser, email) = await factory.SignUpTenantAsync("Returning Ltd");
        var admin = await browser.GetAsync("/admin");
        await browser.SubmitAsync(admin, admin.Form("/signout"));
        using (var signedOut = await browser.GetRawAsync("/admin/integrations/stripe"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        }

        var signedIn = await browser.SignInAsync(email);
        var card = await browser.StripeCardAsync();

        Assert.Equal("/admin", signedIn.Url.AbsolutePath);
        Assert.Equal("Not connected", card.TestId("status"));
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message()
    {
        var (_, email) = await factory.SignUpTenantAsync();
        using var other = factory.NewBrowser();

        var page = await other.SignInAsync(email, "not the password");

        Assert.Contains("The email or password is not right.", page.Text);
    }

    [Fact]
    public async Task Health_answers_200_once_recur_and_the_sandbox_are_ready()
    {
        using var http = new HttpClient { BaseAddress = factory.ServerAddress };

        using var response = await http.GetAsync("/health", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Cancel));
    }

    private static async Task<HttpStatusCode> PostHandlerAsync(RecurBrowser browser, string handler, Guid connectionId, string token)
    {
        using var response = await browser.Http.PostAsync($"/admin/integrations/stripe?handler={handler}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["connectionId"] = connectionId.ToString(),
        }));
        return response.StatusCode;
    }
}
