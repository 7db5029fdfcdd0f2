using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Catalog;
using Recur.Web.Data;
using Recur.Web.Integrations;
using Recur.Web.Stripe;
using Recur.Web.Subscriptions;

namespace Recur.Tests.Integrations;

/// <summary>What a merchant reads on the Stripe card, state by state.</summary>
public sealed partial class StripeCardTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requirements_due_are_listed_in_plain_words_with_stripes_field_names_kept_small()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        await browser.ChooseSettingsAsync("test", "Express");

        var card = await browser.LeaveOnboardingAsync(await browser.CreateNewAccountAsync());

        var items = Requirements(card);
        Assert.Equal(
            [
                "Business website or product description", "Customer support phone number", "Business type",
                "Bank account for payouts", "Acceptance of the Bacs Direct Debit terms", "Acceptance of Stripe's terms of service",
            ],
            items.Select(i => i.Label));
        Assert.Equal(["tos_acceptance.date", "tos_acceptance.ip"], items.Single(i => i.Label == "Acceptance of Stripe's terms of service").Fields);
        Assert.Equal(["external_account"], items.Single(i => i.Label == "Bank account for payouts").Fields);
        Assert.Contains(@"title=""Stripe: tos_acceptance.date, tos_acceptance.ip""", card.Html);
    }

    [Fact]
    public async Task A_brand_new_account_that_left_onboarding_is_told_calmly_what_stripe_still_needs()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        await browser.ChooseSettingsAsync("test", "Express");

        var card = await browser.LeaveOnboardingAsync(await browser.CreateNewAccountAsync());

        Assert.Equal("Onboarding incomplete", card.TestId("status"));
        Assert.Equal("Not yet: Stripe needs the details below before this account can take payments.", card.TestId("disabled-reason"));
        Assert.Contains("Taking payments Not yet", card.Text);
        Assert.DoesNotContain("Disabled reason", card.Text);
        Assert.DoesNotContain("past due", card.Text);
    }

    [Fact]
    public async Task An_account_that_fell_behind_after_submitting_its_details_is_told_plainly()
    {
        var (browser, email) = await factory.SignUpTenantAsync();
        await SeedConnectionAsync(email, DateTimeOffset.UtcNow.AddDays(-30), new AccountSnapshot
        {
            AccountId = "acct_" + Guid.NewGuid().ToString("N")[..16],
            Country = "GB",
            DetailsSubmitted = true,
            PayoutsEnabled = true,
            CurrentlyDue = ["external_account"],
            PastDue = ["external_account"],
            DisabledReason = "requirements.past_due",
            Capabilities = new Dictionary<string, string> { ["card_payments"] = "inactive" },
        });

        var card = await browser.StripeCardAsync();

        Assert.Equal("Restricted", card.TestId("status"));
        Assert.Contains("Disabled reason Required details are past due", card.Text);
        Assert.Equal("Required details are past due: Stripe has paused payments on this account until they are provided. requirements.past_due", card.TestId("disabled-reason"));
        Assert.Equal("Bank account for payouts external_account", card.TestId("requirements"));
    }

    [Fact]
    public async Task Country_and_capabilities_are_shown_in_plain_words()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        await browser.ChooseSettingsAsync("test", "Express");

        var card = await browser.CompleteOnboardingAsync(await browser.CreateNewAccountAsync());

        Assert.Equal("United Kingdom (GB)", card.TestId("country"));
        // Recur requests Bacs Direct Debit for the Express accounts it creates in GB.
        Assert.Equal("Card payments: active Transfers: active Bacs Direct Debit payments: active", card.TestId("capabilities"));
        Assert.Null(card.TestId("bacs-unavailable"));
    }

    [Fact]
    public async Task Right_after_connecting_the_card_never_says_no_event_was_received()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        await browser.ChooseSettingsAsync("test", "Express");

        var card = await browser.CompleteOnboardingAsync(await browser.CreateNewAccountAsync());

        // Stripe's account.updated arrives about when the admin is back: either it is in, or the card waits for it.
        Assert.Equal("Connected", card.TestId("status"));
        Assert.Matches(@"^(Waiting for Stripe's first event…|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC)$", card.TestId("last-event"));
    }

    [Fact]
    public async Task While_stripes_first_event_is_on_its_way_the_card_says_so_and_refreshes_itself_until_it_arrives()
    {
        var (browser, email) = await factory.SignUpTenantAsync();
        var connectionId = await SeedConnectionAsync(email, DateTimeOffset.UtcNow.AddSeconds(-1), ConnectedAccount());

        var waiting = await browser.StripeCardAsync();
        Assert.Equal("Waiting for Stripe's first event…", waiting.TestId("last-event"));
        Assert.Contains(@"data-expecting-event=""true""", waiting.Html);
        Assert.Matches(@"<noscript><meta http-equiv=""refresh"" content=""2"" ?/></noscript>", waiting.Html);

        await UpdateConnectionAsync(connectionId, c => c.RecordEventArrived(DateTimeOffset.UtcNow));
        var arrived = await browser.StripeCardAsync();

        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$", arrived.TestId("last-event"));
        Assert.Contains(@"data-expecting-event=""false""", arrived.Html);
        Assert.DoesNotContain("http-equiv=\"refresh\"", arrived.Html);
    }

    [Fact]
    public async Task Long_after_connecting_a_missing_event_reads_none_received_and_nothing_refreshes()
    {
        var (browser, email) = await factory.SignUpTenantAsync();
        await SeedConnectionAsync(email, DateTimeOffset.UtcNow.AddMinutes(-5), ConnectedAccount());

        var card = await browser.StripeCardAsync();

        Assert.Equal("None received yet", card.TestId("last-event"));
        Assert.Contains(@"data-expecting-event=""false""", card.Html);
        Assert.DoesNotContain("http-equiv=\"refresh\"", card.Html);
    }

    [Fact]
    public async Task Not_connected_with_express_chosen_offers_only_a_new_express_account()
    {
        var (browser, _) = await factory.SignUpTenantAsync();

        var card = await browser.ChooseSettingsAsync("test", "Express");

        Assert.Equal("Not connected", card.TestId("status"));
        var nextStep = card.TestId("next-step")!;
        Assert.StartsWith("Next step: Connect with Stripe: create a new Express account.", nextStep);
        Assert.DoesNotContain("sign in", nextStep, StringComparison.OrdinalIgnoreCase);
        var visible = card.VisibleText();
        Assert.Contains("Connect with Stripe: create a new Express account", visible);
        Assert.DoesNotContain("I already have a Stripe account", visible);
        Assert.Contains("Connecting an existing Stripe account is only possible for Standard accounts.", visible);
    }

    [Fact]
    public async Task Not_connected_with_standard_chosen_offers_to_sign_in_or_create_a_standard_account()
    {
        var (browser, _) = await factory.SignUpTenantAsync();

        var card = await browser.StripeCardAsync();

        Assert.Equal("Next step: Connect with Stripe: sign in to your existing Stripe account, or create a new Standard account.", card.TestId("next-step"));
        var visible = card.VisibleText();
        Assert.Contains("Connect with Stripe: I already have a Stripe account", visible);
        Assert.Contains("Connect with Stripe: create a new Standard account", visible);
        Assert.DoesNotContain("only possible for Standard accounts", visible);
    }

    [Fact]
    public async Task The_connect_buttons_submit_the_settings_so_they_use_the_account_type_selected_before_saving()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var card = await browser.StripeCardAsync();
        var create = ConnectButton(card, "CreateAccount");
        Assert.Equal("stripe-settings", create.Form);
        Assert.Equal("Connect with Stripe: create a new Standard account", create.Text);

        // What the browser posts when Express is selected but not saved, and that button is pressed.
        var onboarding = await browser.SubmitAsync(card, card.Form("handler=Settings") with { Action = create.FormAction },
            new Dictionary<string, string> { ["environment"] = "test", ["accountType"] = "Express" });
        var connected = await browser.CompleteOnboardingAsync(onboarding);

        Assert.Equal("Connected", connected.TestId("status"));
        Assert.Contains("Express (created by Recur)", connected.Text);
        Assert.Equal("Express", connected.Form("handler=Settings").Fields["accountType"]);
    }

    [Fact]
    public async Task Connecting_an_existing_account_while_express_is_selected_is_refused_in_plain_words()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var card = await browser.StripeCardAsync();
        var existing = ConnectButton(card, "ConnectExisting");
        Assert.Equal("stripe-settings", existing.Form);

        var refused = await browser.SubmitAsync(card, card.Form("handler=Settings") with { Action = existing.FormAction },
            new Dictionary<string, string> { ["environment"] = "test", ["accountType"] = "Express" });

        Assert.Contains("Connecting an existing Stripe account is only possible for Standard accounts.", refused.Text);
        Assert.Equal("Not connected", refused.TestId("status"));
    }

    [Fact]
    public async Task The_connect_buttons_use_the_environment_selected_before_saving()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var card = await browser.StripeCardAsync("test");

        var onboarding = await browser.SubmitAsync(card, card.Form("handler=Settings") with { Action = ConnectButton(card, "CreateAccount").FormAction },
            new Dictionary<string, string> { ["environment"] = "production", ["accountType"] = "Express" });
        var connected = await browser.CompleteOnboardingAsync(onboarding, live: true);

        Assert.Equal("PRODUCTION", connected.TestId("environment"));
        Assert.Equal("Connected", connected.TestId("status"));
        Assert.Equal("Not connected", (await browser.StripeCardAsync("test")).TestId("status"));
    }

    [Fact]
    public async Task A_disconnected_account_keeps_its_id_and_shows_what_stripe_last_said_only_as_last_known()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (connected, _) = await browser.ConnectExistingAccountAsync();
        Assert.Equal("Yes", connected.TestId("charges-enabled"));

        var card = await browser.SubmitConfirmedAsync(connected, "handler=Disconnect");

        Assert.Equal("Disconnected", card.TestId("status"));
        Assert.Equal(connected.TestId("account-id"), card.TestId("account-id"));
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(disconnected in Recur\)$", card.TestId("disconnected-at"));
        var (current, lastKnown) = SplitAtLastKnown(card);
        Assert.DoesNotContain("Charges enabled", current);
        Assert.DoesNotContain("Payouts enabled", current);
        Assert.DoesNotContain("Card payments", current);
        Assert.StartsWith("<details class=\"stale\" data-testid=\"last-known\">", lastKnown);
        Assert.Contains("<summary>Last known before disconnecting</summary>", lastKnown);
        Assert.Contains("Charges enabled", lastKnown);
        Assert.Null(card.TestId("orphaned-subscriptions"));
    }

    [Fact]
    public async Task A_disconnected_account_with_running_subscriptions_warns_that_they_are_still_billed_there()
    {
        var (browser, email) = await factory.SignUpTenantAsync();
        var (connected, _) = await browser.ConnectExistingAccountAsync();
        var accountId = connected.TestId("account-id")!;
        await SeedSubscriptionsAsync(email, accountId,
            SubscriptionStatus.Active, SubscriptionStatus.Trialing, SubscriptionStatus.PastDue, SubscriptionStatus.Canceled, SubscriptionStatus.Incomplete);
        var before = await browser.StripeCardAsync();
        Assert.Null(before.TestId("orphaned-subscriptions"));
        Assert.Equal("3 active subscriptions bill on this account. Disconnecting leaves them billing in Stripe without Recur.", before.TestId("disconnect-warning"));

        var card = await browser.SubmitConfirmedAsync(before, "handler=Disconnect");

        var warning = card.TestId("orphaned-subscriptions");
        Assert.NotNull(warning);
        Assert.StartsWith("3 active subscriptions are still on this account.", warning);
        Assert.Contains($"Stripe keeps billing them on {accountId}, but Recur no longer hears about them", warning);
        Assert.Contains("connect this same account with “I already have a Stripe account”", warning);
        Assert.Null(card.TestId("disconnect-warning"));
        Assert.Contains(@"role=""alert"" data-testid=""orphaned-subscriptions""", card.Html);
        Assert.Contains(@"<a href=""/admin/subscriptions"">See subscriptions</a>", card.Html);
    }

    [Fact]
    public async Task Disconnect_first_asks_saying_how_many_subscriptions_keep_billing_and_changes_nothing_until_confirmed()
    {
        var (browser, email) = await factory.SignUpTenantAsync();
        var (connected, _) = await browser.ConnectExistingAccountAsync();
        var accountId = connected.TestId("account-id")!;
        await SeedSubscriptionsAsync(email, accountId, SubscriptionStatus.Active, SubscriptionStatus.Active, SubscriptionStatus.Canceled);
        var card = await browser.StripeCardAsync();

        var asked = await browser.SubmitAsync(card, card.Form("handler=Disconnect"));

        Assert.Equal("Connected", asked.TestId("status"));
        var confirmation = asked.Text;
        Assert.Contains($"Disconnect {accountId} from Recur?", confirmation);
        Assert.Contains("2 running subscriptions keep billing in Stripe, but Recur will no longer hear about them", confirmation);
        Assert.Contains("Checkout pages of your offers in this environment stop taking payments.", confirmation);
        Assert.Contains("Recur's access to the Stripe account is revoked at Stripe", confirmation);
        var kept = await browser.GetAsync("/admin/integrations/stripe?environment=test");
        Assert.Equal("Connected", kept.TestId("status"));
        Assert.Null(kept.TestId("confirm-disconnect"));

        var confirmed = await browser.SubmitAsync(asked, asked.Forms.Single(f => f.Fields.GetValueOrDefault("confirmed") == "yes"));

        Assert.Equal("Disconnected", confirmed.TestId("status"));
        Assert.Contains("The Stripe account was disconnected from Recur.", confirmed.Text);
    }

    [Fact]
    public async Task Disconnect_without_javascript_posted_without_the_confirmation_does_not_disconnect()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (connected, _) = await browser.ConnectExistingAccountAsync();

        using var response = await browser.PostRawAsync(connected, connected.Form("handler=Disconnect"));

        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("confirm=disconnect", response.Headers.Location!.ToString());
        var card = await browser.StripeCardAsync();
        Assert.Equal("Connected", card.TestId("status"));
    }

    [Fact]
    public async Task The_json_api_carries_the_plain_words_next_to_stripes_codes()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        await browser.ChooseSettingsAsync("test", "Express");
        var card = await browser.LeaveOnboardingAsync(await browser.CreateNewAccountAsync());

        using var response = await browser.Http.GetAsync($"/api/integrations/stripe/connections/{card.ConnectionId()}", Cancel);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("GB", json["country"]!.GetValue<string>());
        Assert.Equal("United Kingdom (GB)", json["countryName"]!.GetValue<string>());
        Assert.Contains("tos_acceptance.ip", json["requirementsDue"]!.AsArray().Select(f => f!.GetValue<string>()));
        var terms = json["requirements"]!.AsArray().Single(r => r!["label"]!.GetValue<string>() == "Acceptance of Stripe's terms of service")!;
        Assert.Equal(["tos_acceptance.date", "tos_acceptance.ip"], terms["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal("Not yet: Stripe needs the details below before this account can take payments.", json["disabledReasonText"]!.GetValue<string>());
    }

    private sealed record Requirement(string Label, IReadOnlyList<string> Fields);

    private static IReadOnlyList<Requirement> Requirements(Page card)
    {
        var list = Regex.Match(card.Html, @"data-testid=""requirements"">(?<list>.*?)</dd>", RegexOptions.Singleline).Groups["list"].Value;
        return RequirementItem().Matches(list)
            .Select(m => new Requirement(
                WebUtility.HtmlDecode(m.Groups["label"].Value.Trim()),
                FieldPath().Matches(m.Groups["fields"].Value).Select(f => f.Groups["field"].Value).ToList()))
            .ToList();
    }

    private sealed record Button(string Text, string? Form, string FormAction);

    /// <summary>The card's connect button whose <c>formaction</c> names <paramref name="handler"/>.</summary>
    private static Button ConnectButton(Page card, string handler)
    {
        var match = Regex.Match(card.Html, $@"<button(?<attrs>[^>]*formaction=""[^""]*handler={handler}""[^>]*)>(?<text>[^<]*)</button>", RegexOptions.IgnoreCase);
        Assert.True(match.Success, $"No button posting to {handler}.");
        string? Attribute(string name) =>
            Regex.Match(match.Groups["attrs"].Value, $@"\s{name}=""(?<value>[^""]*)""") is { Success: true } a ? WebUtility.HtmlDecode(a.Groups["value"].Value) : null;
        return new Button(WebUtility.HtmlDecode(match.Groups["text"].Value.Trim()), Attribute("form"), Attribute("formaction")!);
    }

    /// <summary>The card's HTML before the "Last known before disconnecting" details, and from them on.</summary>
    private static (string Current, string LastKnown) SplitAtLastKnown(Page page)
    {
        var card = page.Html[page.Html.IndexOf("id=\"stripe-connection\"", StringComparison.Ordinal)..];
        var at = card.IndexOf("<details", StringComparison.Ordinal);
        Assert.True(at > 0, "The card has no details element.");
        return (card[..at], card[at..(card.IndexOf("</details>", StringComparison.Ordinal) + "</details>".Length)]);
    }

    private static AccountSnapshot ConnectedAccount() => new()
    {
        AccountId = "acct_" + Guid.NewGuid().ToString("N")[..16],
        Country = "GB",
        DefaultCurrency = "gbp",
        DetailsSubmitted = true,
        ChargesEnabled = true,
        PayoutsEnabled = true,
        Capabilities = new Dictionary<string, string> { ["card_payments"] = "active", ["transfers"] = "active" },
    };

    /// <summary>Gives the tenant a connection (Test, created by Recur) to an account as Stripe would describe it,
    /// linked at <paramref name="linkedAt"/>, with no Connect event received yet.</summary>
    private async Task<Guid> SeedConnectionAsync(string email, DateTimeOffset linkedAt, AccountSnapshot account)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = await db.Tenants.IgnoreQueryFilters().SingleAsync(t => t.Email == email, Cancel);
        var connection = new StripeConnection(tenant.Id, StripeEnvironment.Test, linkedAt);
        connection.Link(account.AccountId, StripeAccountType.Express, ConnectionLinkMethod.PlatformCreated, linkedAt);
        connection.Apply(account, linkedAt);
        db.StripeConnections.Add(connection);
        await db.SaveChangesAsync(Cancel);
        return connection.Id;
    }

    private async Task UpdateConnectionAsync(Guid id, Action<StripeConnection> change)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        change(await db.StripeConnections.IgnoreQueryFilters().SingleAsync(c => c.Id == id, Cancel));
        await db.SaveChangesAsync(Cancel);
    }

    /// <summary>Subscriptions bought on <paramref name="accountId"/>, one per status.</summary>
    private async Task SeedSubscriptionsAsync(string email, string accountId, params SubscriptionStatus[] statuses)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = await db.Tenants.IgnoreQueryFilters().SingleAsync(t => t.Email == email, Cancel);
        var now = DateTimeOffset.UtcNow;
        var product = new Product(tenant.Id, "Book club", null, null, now);
        var offer = new Offer(tenant.Id, product.Id, new OfferTerms("Monthly books", 1500, "gbp", BillingKind.Recurring,
            BillingInterval.Month, 1, null, null, null, PaymentTypes.Card, null, StripeEnvironment.Test), now);
        db.AddRange(product, offer);
        foreach (var (status, i) in statuses.Select((s, i) => (s, i)))
        {
            var customer = new Customer(tenant.Id, StripeEnvironment.Test, accountId, $"cus_seed{i}{Guid.NewGuid():N}",
                $"reader{i}-{Guid.NewGuid():N}@example.com", "Reader", null, null, now);
            db.AddRange(customer, new Subscription(tenant.Id, StripeEnvironment.Test, accountId, $"sub_seed{i}{Guid.NewGuid():N}",
                customer.Id, offer.Id, null, "card", status, now));
        }
        await db.SaveChangesAsync(Cancel);
    }

    [GeneratedRegex(@"<li title=""[^""]*"">(?<label>[^<]*)(?<fields>(?:\s*<code class=""field-path"">[^<]*</code>)*)\s*</li>", RegexOptions.Singleline)]
    private static partial Regex RequirementItem();

    [GeneratedRegex(@"<code class=""field-path"">(?<field>[^<]*)</code>")]
    private static partial Regex FieldPath();
}
