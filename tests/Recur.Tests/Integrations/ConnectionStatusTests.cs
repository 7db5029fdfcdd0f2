using Recur.Web.Integrations;

namespace Recur.Tests.Integrations;

public sealed class ConnectionStatusTests
{
    private static AccountSnapshot Account(
        bool detailsSubmitted = true,
        bool chargesEnabled = true,
        bool payoutsEnabled = true,
        string[]? currentlyDue = null,
        string[]? pastDue = null,
        string[]? pendingVerification = null,
        string? disabledReason = null,
        string? cardPayments = "active") => new()
        {
            AccountId = "acct_1Test",
            DetailsSubmitted = detailsSubmitted,
            ChargesEnabled = chargesEnabled,
            PayoutsEnabled = payoutsEnabled,
            CurrentlyDue = currentlyDue ?? [],
            PastDue = pastDue ?? [],
            PendingVerification = pendingVerification ?? [],
            DisabledReason = disabledReason,
            Capabilities = cardPayments is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["card_payments"] = cardPayments },
        };

    public static TheoryData<string, AccountSnapshot?, bool, string?, ConnectionState> Cases => new()
    {
        { "no account", null, false, null, ConnectionState.NotConnected },
        { "fully onboarded", Account(), false, null, ConnectionState.Connected },
        { "onboarded, no capabilities reported", Account(cardPayments: null), false, null, ConnectionState.Connected },
        { "onboarded but payouts paused", Account(payoutsEnabled: false), false, null, ConnectionState.Connected },
        { "onboarded, more due soon", Account(currentlyDue: ["company.tax_id"]), false, null, ConnectionState.Connected },
        { "left onboarding early", Account(detailsSubmitted: false, chargesEnabled: false, payoutsEnabled: false, currentlyDue: ["business_profile.url", "external_account"], cardPayments: "inactive"), false, null, ConnectionState.OnboardingIncomplete },
        { "fresh account, past due", Account(detailsSubmitted: false, chargesEnabled: false, payoutsEnabled: false, currentlyDue: ["tos_acceptance.date"], pastDue: ["tos_acceptance.date"], disabledReason: "requirements.past_due", cardPayments: "inactive"), false, null, ConnectionState.OnboardingIncomplete },
        { "under verification", Account(chargesEnabled: false, payoutsEnabled: false, pendingVerification: ["individual.verification.document"], cardPayments: "pending"), false, null, ConnectionState.PendingVerification },
        { "disabled for pending verification", Account(chargesEnabled: false, disabledReason: "requirements.pending_verification"), false, null, ConnectionState.PendingVerification },
        { "under review", Account(chargesEnabled: false, disabledReason: "under_review"), false, null, ConnectionState.PendingVerification },
        { "card payments pending", Account(chargesEnabled: false, cardPayments: "pending"), false, null, ConnectionState.PendingVerification },
        { "submitted but past due", Account(chargesEnabled: false, pastDue: ["external_account"], disabledReason: "requirements.past_due", cardPayments: "inactive"), false, null, ConnectionState.Restricted },
        { "rejected for fraud", Account(chargesEnabled: false, payoutsEnabled: false, disabledReason: "rejected.fraud", cardPayments: "inactive"), false, null, ConnectionState.Restricted },
        { "rejected before finishing onboarding", Account(detailsSubmitted: false, chargesEnabled: false, disabledReason: "rejected.other"), false, null, ConnectionState.Restricted },
        { "platform paused", Account(chargesEnabled: false, disabledReason: "platform_paused"), false, null, ConnectionState.Restricted },
        { "charges disabled without a reason", Account(chargesEnabled: false, cardPayments: "inactive"), false, null, ConnectionState.Restricted },
        { "card payments inactive", Account(cardPayments: "inactive"), false, null, ConnectionState.Restricted },
        { "deauthorized", Account(), true, null, ConnectionState.Disconnected },
        { "deauthorized wins over an error", Account(), true, "boom", ConnectionState.Disconnected },
        { "account could not be read", Account(), false, "No such account.", ConnectionState.Error },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_account_state_maps_to_one_connection_state(string situation, AccountSnapshot? account, bool disconnected, string? error, ConnectionState expected)
    {
        var status = ConnectionStatus.From(account, disconnected, error);

        Assert.True(expected == status.State, $"{situation}: expected {expected}, got {status.State}");
        Assert.False(string.IsNullOrWhiteSpace(status.Title));
        Assert.False(string.IsNullOrWhiteSpace(status.NextStep));
    }

    [Fact]
    public void Onboarding_incomplete_lists_every_requirement_due_once()
    {
        var status = ConnectionStatus.From(Account(detailsSubmitted: false, chargesEnabled: false,
            currentlyDue: ["external_account", "business_profile.url"], pastDue: ["external_account"]));

        Assert.Equal(ConnectionState.OnboardingIncomplete, status.State);
        Assert.Equal(["external_account", "business_profile.url"], status.RequirementsDue);
        Assert.Contains("Resume onboarding", status.NextStep);
    }

    [Fact]
    public void Restricted_explains_the_disabled_reason_in_plain_words()
    {
        var status = ConnectionStatus.From(Account(chargesEnabled: false, disabledReason: "rejected.fraud"));

        Assert.Equal("Restricted", status.Title);
        Assert.Contains("rejected by Stripe for suspected fraud", status.NextStep);
    }

    [Fact]
    public void Connected_with_payouts_paused_says_how_to_get_paid()
    {
        var status = ConnectionStatus.From(Account(payoutsEnabled: false));

        Assert.Equal("Connected", status.Title);
        Assert.Contains("Payouts are paused", status.NextStep);
    }

    [Fact]
    public void Not_connected_invites_to_connect_with_stripe()
    {
        var status = ConnectionStatus.From(null);

        Assert.Equal("Not connected", status.Title);
        Assert.Contains("Connect with Stripe", status.NextStep);
        Assert.Empty(status.RequirementsDue);
    }

    [Fact]
    public void Not_connected_with_express_chosen_does_not_offer_to_sign_in()
    {
        var standard = ConnectionStatus.From(null, accountType: Recur.Web.Stripe.StripeAccountType.Standard);
        var express = ConnectionStatus.From(null, accountType: Recur.Web.Stripe.StripeAccountType.Express);

        Assert.Equal("Connect with Stripe: sign in to your existing Stripe account, or create a new Standard account.", standard.NextStep);
        Assert.StartsWith("Connect with Stripe: create a new Express account.", express.NextStep);
        Assert.DoesNotContain("sign in", express.NextStep, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Disconnected_with_express_chosen_offers_a_new_express_account()
    {
        var status = ConnectionStatus.From(Account(), disconnected: true, accountType: Recur.Web.Stripe.StripeAccountType.Express);

        Assert.Equal("This Stripe account is no longer connected to Recur. Connect with Stripe to create a new Express account.", status.NextStep);
    }

    [Fact]
    public void Error_repeats_why_the_account_could_not_be_read()
    {
        var status = ConnectionStatus.From(Account(), error: "No such account: 'acct_1Test'.");

        Assert.Equal("Error", status.Title);
        Assert.Contains("No such account", status.NextStep);
        Assert.Contains("Refresh status", status.NextStep);
    }
}
