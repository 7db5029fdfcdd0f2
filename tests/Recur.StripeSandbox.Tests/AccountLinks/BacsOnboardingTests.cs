using System.Net;
using Recur.StripeSandbox.Tests.Accounts;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.AccountLinks;

/// <summary>
/// A GB Express account whose platform requested <c>bacs_debit_payments</c> answers what Bacs needs in the hosted
/// onboarding before the capability turns active (https://docs.stripe.com/payments/bacs-debit: extra verification when
/// Bacs is requested; https://docs.stripe.com/get-started/account/statement-descriptors for the descriptor's rules):
/// a statement descriptor for payers' bank statements and the Bacs Direct Debit terms. Until then the capability is
/// <c>inactive</c> and lists what is due; the account's cards are not held back. A platform that collects requirements
/// itself answers for its accounts.
/// </summary>
public sealed class BacsOnboardingTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    private const string Terms = "settings.bacs_debit_payments.terms_acceptance";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly HostedOnboarding _browser = new();

    public void Dispose() => _browser.Dispose();

    [Fact]
    public async Task The_onboarding_asks_the_bacs_questions_and_the_capability_waits_for_them()
    {
        var platform = sandbox.NewPlatform();
        var account = await ExpressWithBacsAsync(platform.Test);
        var link = await NewAccounts.OnboardingLinkAsync(platform, account.Id);

        var page = await _browser.OpenAsync(link.Url);
        var capability = await platform.Test.V1.Accounts.Capabilities.GetAsync(account.Id, "bacs_debit_payments", null, null, Ct);

        Assert.Contains("Bacs Direct Debit", page.Html, StringComparison.Ordinal);
        Assert.Equal("EXPRESS SHOP", page.Fields["statement_descriptor"]);
        Assert.True(page.Fields.ContainsKey("bacs_terms"));
        Assert.Equal("inactive", capability.Status);
        Assert.Contains(Terms, capability.Requirements.CurrentlyDue);
        Assert.Contains(Terms, account.Requirements.CurrentlyDue);
    }

    [Theory]
    [InlineData("", "SHOP LTD", "accept the Bacs Direct Debit terms")]
    [InlineData("accepted", "ABC", "5 to 22 characters")]
    [InlineData("accepted", "12345", "at least one letter")]
    [InlineData("accepted", "SHOP*LTD", "other than")]
    public async Task Submitting_without_the_terms_or_with_a_bad_descriptor_is_refused(string terms, string descriptor, string problem)
    {
        var platform = sandbox.NewPlatform();
        var account = await ExpressWithBacsAsync(platform.Test);
        var page = await _browser.OpenAsync((await NewAccounts.OnboardingLinkAsync(platform, account.Id)).Url);

        var refused = await _browser.PostAsync(page, "submit", new Dictionary<string, string>(HostedOnboarding.ValidDetails)
        {
            ["bacs_terms"] = terms, ["statement_descriptor"] = descriptor,
        });
        var read = await platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains(problem, WebUtility.HtmlDecode(refused.Html), StringComparison.Ordinal);
        Assert.False(read.DetailsSubmitted);
        Assert.Equal("inactive", read.Capabilities.BacsDebitPayments);
    }

    [Fact]
    public async Task Answering_the_bacs_questions_makes_the_capability_active_with_the_chosen_descriptor()
    {
        var platform = sandbox.NewPlatform();
        var account = await ExpressWithBacsAsync(platform.Test);
        var page = await _browser.OpenAsync((await NewAccounts.OnboardingLinkAsync(platform, account.Id)).Url);

        var done = await _browser.PostAsync(page, "submit", new Dictionary<string, string>(HostedOnboarding.ValidDetails)
        {
            ["bacs_terms"] = "accepted", ["statement_descriptor"] = "COFFEE CLUB",
        });
        var read = await platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.Redirect, done.Status);
        Assert.Equal("active", read.Capabilities.BacsDebitPayments);
        Assert.Equal("active", read.Capabilities.CardPayments);
        Assert.Equal("COFFEE CLUB", read.Settings.Payments.StatementDescriptor);
        Assert.Empty(read.Requirements.CurrentlyDue);
    }

    [Fact]
    public async Task Bacs_requested_after_onboarding_waits_for_a_new_link_while_cards_keep_working()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);
        var first = await _browser.OpenAsync((await NewAccounts.OnboardingLinkAsync(platform, account.Id)).Url);
        await _browser.PostAsync(first, "submit", HostedOnboarding.ValidDetails);

        var requested = await platform.Test.V1.Accounts.UpdateAsync(account.Id, new AccountUpdateOptions
        {
            Capabilities = new AccountCapabilitiesOptions
            {
                BacsDebitPayments = new AccountCapabilitiesBacsDebitPaymentsOptions { Requested = true },
            },
        }, cancellationToken: Ct);
        var again = await _browser.OpenAsync((await NewAccounts.OnboardingLinkAsync(platform, account.Id)).Url);
        await _browser.PostAsync(again, "submit", new Dictionary<string, string>(HostedOnboarding.ValidDetails) { ["bacs_terms"] = "accepted" });
        var answered = await platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct);

        Assert.False(first.Fields.ContainsKey("bacs_terms"));
        Assert.Equal("inactive", requested.Capabilities.BacsDebitPayments);
        Assert.Equal("active", requested.Capabilities.CardPayments);
        Assert.True(requested.ChargesEnabled);
        Assert.Equal([Terms], requested.Requirements.CurrentlyDue);
        Assert.True(again.Fields.ContainsKey("bacs_terms"));
        Assert.Equal("active", answered.Capabilities.BacsDebitPayments);
    }

    [Fact]
    public async Task A_platform_that_collects_requirements_itself_gets_bacs_without_the_questions()
    {
        var platform = sandbox.NewPlatform();

        var account = await NewAccounts.ReadyForBacsAsync(platform.Test);

        Assert.Equal("custom", account.Type);
        Assert.Equal("active", account.Capabilities.BacsDebitPayments);
        Assert.DoesNotContain(Terms, account.Requirements.CurrentlyDue);
    }

    private static Task<Account> ExpressWithBacsAsync(StripeClient client) =>
        client.V1.Accounts.CreateAsync(new AccountCreateOptions
        {
            Country = "GB",
            Email = "bacs-shop@example.com",
            Controller = new AccountControllerOptions
            {
                StripeDashboard = new AccountControllerStripeDashboardOptions { Type = "express" },
                Fees = new AccountControllerFeesOptions { Payer = "application" },
                Losses = new AccountControllerLossesOptions { Payments = "application" },
            },
            Capabilities = new AccountCapabilitiesOptions
            {
                CardPayments = new AccountCapabilitiesCardPaymentsOptions { Requested = true },
                Transfers = new AccountCapabilitiesTransfersOptions { Requested = true },
                BacsDebitPayments = new AccountCapabilitiesBacsDebitPaymentsOptions { Requested = true },
            },
            BusinessProfile = new AccountBusinessProfileOptions { Name = "Express Shop" },
        }, cancellationToken: Ct);
}
