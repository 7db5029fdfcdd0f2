using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;

namespace Recur.Tests.Integrations;

public sealed class OAuthConnectTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    [Fact]
    public async Task A_new_tenant_sees_the_stripe_card_not_connected()
    {
        var (browser, _) = await factory.SignUpTenantAsync();

        var card = await browser.StripeCardAsync();

        Assert.Equal(HttpStatusCode.OK, card.Status);
        Assert.Equal("Not connected", card.TestId("status"));
        Assert.Equal("TEST", card.TestId("environment"));
        Assert.Contains("I already have a Stripe account", card.VisibleText());
        Assert.Contains("create a new Standard account", card.VisibleText());
    }

    [Fact]
    public async Task Connect_with_stripe_sends_the_admin_to_stripe_oauth_with_a_configured_redirect_uri()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var card = await browser.StripeCardAsync();

        var response = await browser.PostRawAsync(card, card.Form("handler=ConnectExisting"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(factory.SandboxAddress.Authority, location.Authority);
        Assert.Equal("/oauth/authorize", location.AbsolutePath);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal(factory.ClientId, query["client_id"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("read_write", query["scope"]);
        Assert.Equal(factory.ServerAddress.ToString().TrimEnd('/') + "/integrations/stripe/oauth/callback", query["redirect_uri"]);
        Assert.True(query["state"].ToString().Length >= 43, "The state carries 32 random bytes.");
    }

    [Fact]
    public async Task Connecting_an_existing_account_with_oauth_shows_it_connected_with_its_account_id()
    {
        var (browser, _) = await factory.SignUpTenantAsync();

        var (card, _) = await browser.ConnectExistingAccountAsync(businessName: "Existing Books Ltd");

        Assert.Equal("Connected", card.TestId("status"));
        Assert.StartsWith("acct_", card.TestId("account-id"));
        Assert.Equal("Existing Books Ltd", card.TestId("business-name"));
        Assert.Equal("United Kingdom (GB)", card.TestId("country"));
        Assert.Equal("TEST", card.TestId("environment"));
        Assert.Contains("Your Stripe account is connected.", card.Text);
        Assert.Contains("Disconnect", card.Text);
    }

    [Fact]
    public async Task Connecting_in_production_uses_live_mode_and_shows_the_production_badge()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        await browser.ChooseSettingsAsync("production", "Standard");

        var (card, _) = await browser.ConnectExistingAccountAsync("production");

        Assert.Equal("Connected", card.TestId("status"));
        Assert.Equal("PRODUCTION", card.TestId("environment"));
        Assert.StartsWith("acct_", card.TestId("account-id"));
        var test = await browser.StripeCardAsync("test");
        Assert.Equal("Not connected", test.TestId("status"));
    }

    [Fact]
    public async Task Denying_access_on_stripe_is_explained_in_plain_words_and_connects_nothing()
    {
        var (browser, _) = await factory.SignUpTenantAsync();

        var (card, callback) = await browser.ConnectExistingAccountAsync(decision: "deny");

        Assert.Equal("access_denied", QueryHelpers.ParseQuery(callback.Query)["error"]);
        Assert.Contains("You declined the connection on Stripe's page, so nothing was connected.", card.Text);
        Assert.Equal("Not connected", card.TestId("status"));
    }

    [Fact]
    public async Task Replaying_the_callback_is_refused_and_the_code_is_not_exchanged_again()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (connected, callback) = await browser.ConnectExistingAccountAsync();
        var accountId = connected.TestId("account-id");

        var replayed = await browser.GetAsync(callback.ToString());

        Assert.Contains("This connection link was already used.", replayed.Text);
        // Had the code been exchanged a second time, Stripe would have revoked the connection.
        var refreshed = await browser.SubmitAsync(replayed, replayed.Form("handler=Refresh"));
        Assert.Contains("Status refreshed from Stripe.", refreshed.Text);
        Assert.Equal("Connected", refreshed.TestId("status"));
        Assert.Equal(accountId, refreshed.TestId("account-id"));
    }

    [Fact]
    public async Task A_tampered_state_is_refused_and_nothing_is_connected()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var consent = await browser.StartOAuthAsync();
        var callback = await browser.DecideOnConsentPageAsync(consent, "allow", $"owner-{Guid.NewGuid():N}@example.com");
        var query = QueryHelpers.ParseQuery(callback.Query);
        var tampered = QueryHelpers.AddQueryString(callback.GetLeftPart(UriPartial.Path), new Dictionary<string, string?>
        {
            ["code"] = query["code"],
            ["scope"] = query["scope"],
            ["state"] = query["state"] + "x",
        });

        var card = await browser.GetAsync(tampered);

        Assert.Contains("was not started from your Recur account", card.Text);
        Assert.Equal("Not connected", card.TestId("status"));
    }

    [Fact]
    public async Task Another_tenants_state_is_refused()
    {
        var (victim, _) = await factory.SignUpTenantAsync("Victim Ltd");
        var (attacker, _) = await factory.SignUpTenantAsync("Attacker Ltd");
        var consent = await attacker.StartOAuthAsync();
        var callback = await attacker.DecideOnConsentPageAsync(consent, "allow", $"attacker-{Guid.NewGuid():N}@example.com");

        var card = await victim.GetAsync(callback.ToString());

        Assert.Contains("was not started from your Recur account", card.Text);
        Assert.Equal("Not connected", card.TestId("status"));
    }

    [Fact]
    public async Task An_expired_state_is_refused()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var consent = await browser.StartOAuthAsync();
        var callback = await browser.DecideOnConsentPageAsync(consent, "allow", $"owner-{Guid.NewGuid():N}@example.com");
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var eleven = DateTimeOffset.UtcNow.AddMinutes(-1);
            var rows = await db.OAuthStates.IgnoreQueryFilters().Where(s => s.UsedAt == null).ToListAsync(TestContext.Current.CancellationToken);
            foreach (var row in rows)
            {
                db.Entry(row).Property(s => s.ExpiresAt).CurrentValue = eleven;
            }
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var card = await browser.GetAsync(callback.ToString());

        Assert.Contains("took longer than 10 minutes and expired", card.Text);
        Assert.Equal("Not connected", card.TestId("status"));
    }

    [Fact]
    public async Task A_code_that_was_already_used_is_refused_in_plain_words()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (_, firstCallback) = await browser.ConnectExistingAccountAsync("test");
        var usedCode = QueryHelpers.ParseQuery(firstCallback.Query)["code"];
        await browser.ChooseSettingsAsync("production", "Standard");
        var consent = await browser.StartOAuthAsync("production");
        var secondCallback = await browser.DecideOnConsentPageAsync(consent, "allow", $"owner-{Guid.NewGuid():N}@example.com");
        var replay = QueryHelpers.AddQueryString(secondCallback.GetLeftPart(UriPartial.Path), new Dictionary<string, string?>
        {
            ["code"] = usedCode,
            ["scope"] = "read_write",
            ["state"] = QueryHelpers.ParseQuery(secondCallback.Query)["state"],
        });

        var card = await browser.GetAsync(replay);

        Assert.Contains("Stripe did not accept the authorization: it had expired or had already been used.", card.Text);
        Assert.Equal("PRODUCTION", card.TestId("environment"));
        Assert.Equal("Not connected", card.TestId("status"));
    }

    [Fact]
    public async Task Oauth_is_offered_only_for_standard_accounts()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var before = await browser.StripeCardAsync();
        await browser.ChooseSettingsAsync("test", "Express");

        var card = await browser.StripeCardAsync();
        var refused = await browser.SubmitAsync(card, before.Form("handler=ConnectExisting"), new Dictionary<string, string> { ["accountType"] = "Express" });

        Assert.DoesNotContain("I already have a Stripe account", card.VisibleText());
        Assert.Contains("only possible for Standard accounts", refused.Text);
        Assert.Equal("Not connected", refused.TestId("status"));
    }

    [Fact]
    public async Task Disconnecting_an_oauth_account_deauthorizes_it_and_shows_it_disconnected()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync();
        var accountId = card.TestId("account-id");

        var disconnected = await browser.SubmitConfirmedAsync(card, "handler=Disconnect");

        Assert.Contains("The Stripe account was disconnected from Recur.", disconnected.Text);
        Assert.Equal("Disconnected", disconnected.TestId("status"));
        Assert.Equal(accountId, disconnected.TestId("account-id"));
        Assert.Contains("I already have a Stripe account", disconnected.VisibleText());
    }

    [Fact]
    public async Task Open_stripe_dashboard_goes_to_the_standard_accounts_dashboard()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync();

        var response = await browser.PostRawAsync(card, card.Form("handler=Dashboard"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(new Uri(factory.SandboxAddress, "/dashboard/" + card.TestId("account-id")), response.Headers.Location);
    }
}
