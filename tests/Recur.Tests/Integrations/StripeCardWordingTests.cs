using Recur.Web.Integrations;
using Recur.Web.Stripe;

namespace Recur.Tests.Integrations;

/// <summary>The words the Stripe card uses for Stripe's codes, and what it says about a connection at a moment.</summary>
public sealed class StripeCardWordingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_new_accounts_requirements_read_as_plain_words_with_the_terms_of_service_as_one_item()
    {
        string[] due =
        [
            "business_profile.product_description", "business_profile.support_phone", "business_profile.url",
            "business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip",
        ];

        var items = RequirementDue.Describe(due);

        Assert.Equal(
            [
                "Business website or product description", "Customer support phone number", "Business type",
                "Bank account for payouts", "Acceptance of Stripe's terms of service",
            ],
            items.Select(i => i.Label));
        Assert.Equal(["tos_acceptance.date", "tos_acceptance.ip"], items.Single(i => i.Label == "Acceptance of Stripe's terms of service").Fields);
        Assert.Equal(["business_profile.product_description", "business_profile.url"], items[0].Fields);
        Assert.Equal(due.Order(StringComparer.Ordinal), items.SelectMany(i => i.Fields).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Requirements_about_people_and_addresses_are_grouped_by_what_the_merchant_provides()
    {
        var items = RequirementDue.Describe(
        [
            "individual.dob.day", "individual.dob.month", "individual.dob.year", "individual.first_name", "individual.last_name",
            "company.address.line1", "company.address.postal_code", "representative.verification.document",
            "person_1AbCdEf.relationship.title",
        ]);

        Assert.Equal(
            [
                "Account holder's date of birth", "Account holder's legal name", "Registered business address",
                "Company representative's identity document", "Company person's job title",
            ],
            items.Select(i => i.Label));
        Assert.Equal(3, items[0].Fields.Count);
    }

    [Theory]
    [InlineData("company.some_new_field", "Company: some new field")]
    [InlineData("future_requirement", "Future requirement")]
    [InlineData("settings.branding.icon", "Settings: branding icon")]
    [InlineData("individual.proof_of_liveness", "Account holder's proof of liveness")]
    public void A_requirement_recur_does_not_know_reads_as_its_path_in_words(string field, string expected)
    {
        var item = Assert.Single(RequirementDue.Describe([field]));

        Assert.Equal(expected, item.Label);
        Assert.Equal([field], item.Fields);
    }

    [Theory]
    [InlineData("GB", "United Kingdom (GB)")]
    [InlineData("us", "United States (US)")]
    [InlineData("DE", "Germany (DE)")]
    [InlineData("ZZ", "ZZ")]
    [InlineData(null, null)]
    public void The_country_is_shown_by_name_with_its_code(string? code, string? expected) =>
        Assert.Equal(expected, AccountWording.Country(code));

    [Fact]
    public void Capabilities_read_as_plain_words()
    {
        var card = StripeConnectionCard.From(StripeEnvironment.Test, Connection(Account() with
        {
            Capabilities = new Dictionary<string, string> { ["transfers"] = "pending", ["card_payments"] = "active", ["bacs_debit_payments"] = "unrequested" },
        }), StripeAccountType.Standard, Now);

        Assert.Equal(["Card payments: active", "Transfers: pending", "Bacs Direct Debit payments: not requested"], card.CapabilitiesInWords);
    }

    [Fact]
    public void Past_due_requirements_of_an_account_still_onboarding_are_explained_calmly()
    {
        var card = StripeConnectionCard.From(StripeEnvironment.Test, Connection(Account() with
        {
            DetailsSubmitted = false,
            ChargesEnabled = false,
            CurrentlyDue = ["tos_acceptance.date"],
            PastDue = ["tos_acceptance.date"],
            DisabledReason = "requirements.past_due",
        }), StripeAccountType.Express, Now);

        Assert.Equal(nameof(ConnectionState.OnboardingIncomplete), card.State);
        Assert.Equal("Not yet: Stripe needs the details below before this account can take payments.", card.DisabledReasonText);
        Assert.Equal("requirements.past_due", card.DisabledReason);
    }

    [Fact]
    public void Past_due_requirements_of_an_account_that_had_submitted_its_details_are_said_plainly()
    {
        var card = StripeConnectionCard.From(StripeEnvironment.Test, Connection(Account() with
        {
            ChargesEnabled = false,
            CurrentlyDue = ["external_account"],
            PastDue = ["external_account"],
            DisabledReason = "requirements.past_due",
        }), StripeAccountType.Express, Now);

        Assert.Equal(nameof(ConnectionState.Restricted), card.State);
        Assert.Equal("Required details are past due: Stripe has paused payments on this account until they are provided.", card.DisabledReasonText);
    }

    [Fact]
    public void Just_after_connecting_the_card_waits_for_stripes_first_event_and_refreshes_itself()
    {
        var connection = Connection(Account(), connectedAt: Now.AddSeconds(-2));

        var card = StripeConnectionCard.From(StripeEnvironment.Test, connection, StripeAccountType.Standard, Now);

        Assert.Equal("Waiting for Stripe's first event…", card.LastEvent);
        Assert.True(card.ExpectingEvent);
    }

    [Fact]
    public void Once_the_first_event_arrived_the_card_shows_when_and_stops_refreshing()
    {
        var connection = Connection(Account(), connectedAt: Now.AddSeconds(-2));
        connection.RecordEventArrived(Now.AddSeconds(-1));

        var card = StripeConnectionCard.From(StripeEnvironment.Test, connection, StripeAccountType.Standard, Now);

        Assert.Equal("2026-11-26 08:59:59 UTC", card.LastEvent);
        Assert.False(card.ExpectingEvent);
    }

    [Fact]
    public void A_minute_after_connecting_without_any_event_the_card_stops_waiting()
    {
        var connection = Connection(Account(), connectedAt: Now.AddMinutes(-2));

        var card = StripeConnectionCard.From(StripeEnvironment.Test, connection, StripeAccountType.Standard, Now);

        Assert.Equal("None received yet", card.LastEvent);
        Assert.False(card.ExpectingEvent);
    }

    [Fact]
    public void A_disconnected_account_is_not_waited_for()
    {
        var connection = Connection(Account(), connectedAt: Now.AddSeconds(-5));
        connection.Unlink(Now.AddSeconds(-1));

        var card = StripeConnectionCard.From(StripeEnvironment.Test, connection, StripeAccountType.Standard, Now);

        Assert.Equal("Disconnected", card.Status);
        Assert.False(card.ExpectingEvent);
        Assert.Equal("None received yet", card.LastEvent);
    }

    [Theory]
    [InlineData(StripeAccountType.Standard, "sign in to your existing Stripe account, or create a new Standard account")]
    [InlineData(StripeAccountType.Express, "create a new Express account")]
    public void The_next_step_without_a_connection_follows_the_account_type(StripeAccountType type, string expected)
    {
        var card = StripeConnectionCard.From(StripeEnvironment.Test, null, type, Now);

        Assert.Contains(expected, card.NextStep);
        Assert.Equal(card.NextStep, card.NextStepByAccountType[type.ToString()]);
        if (type == StripeAccountType.Express)
        {
            Assert.DoesNotContain("sign in", card.NextStep, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static AccountSnapshot Account() => new()
    {
        AccountId = "acct_1Wording",
        Country = "GB",
        DefaultCurrency = "gbp",
        DetailsSubmitted = true,
        ChargesEnabled = true,
        PayoutsEnabled = true,
        Capabilities = new Dictionary<string, string> { ["card_payments"] = "active", ["transfers"] = "active" },
    };

    private static StripeConnection Connection(AccountSnapshot account, DateTimeOffset? connectedAt = null)
    {
        var at = connectedAt ?? Now.AddHours(-1);
        var connection = new StripeConnection(Guid.NewGuid(), StripeEnvironment.Test, at);
        connection.Link(account.AccountId, StripeAccountType.Express, ConnectionLinkMethod.PlatformCreated, at);
        connection.Apply(account, at);
        return connection;
    }
}
