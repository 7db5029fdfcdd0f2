using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.Accounts;

public sealed class CapabilitiesTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_requested_capabilities_are_listed_with_their_requirements()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);

        var list = await platform.Test.V1.Accounts.Capabilities.ListAsync(account.Id, cancellationToken: Ct);

        Assert.Equal(["card_payments", "transfers"], list.Data.Select(c => c.Id).Order());
        var card = list.Data.Single(c => c.Id == "card_payments");
        Assert.True(card.Requested);
        Assert.NotNull(card.RequestedAt);
        Assert.Equal("inactive", card.Status);
        Assert.Equal(account.Id, card.AccountId);
        Assert.Contains("external_account", card.Requirements.CurrentlyDue);
    }

    [Fact]
    public async Task An_unrequested_capability_previews_what_it_would_need()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);

        var bacs = await platform.Test.V1.Accounts.Capabilities.GetAsync(account.Id, "bacs_debit_payments", cancellationToken: Ct);

        Assert.False(bacs.Requested);
        Assert.Null(bacs.RequestedAt);
        Assert.Equal("unrequested", bacs.Status);
        Assert.Contains("tos_acceptance.date", bacs.Requirements.CurrentlyDue);
    }

    [Fact]
    public async Task Requesting_a_capability_adds_it_to_the_account_and_announces_it()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);

        var bacs = await platform.Test.V1.Accounts.Capabilities.UpdateAsync(account.Id, "bacs_debit_payments",
            new AccountCapabilityUpdateOptions { Requested = true }, cancellationToken: Ct);
        var read = await platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct);

        Assert.True(bacs.Requested);
        Assert.Equal("inactive", bacs.Status);
        Assert.Equal("inactive", read.Capabilities.BacsDebitPayments);
        var events = sandbox.Services.GetRequiredService<SandboxStore>().All("event", e => e.Account == account.Id);
        var capabilityEvent = Assert.Single(events, e => e.Data["type"]!.ToString() == "capability.updated");
        Assert.Equal("bacs_debit_payments", capabilityEvent.Data["data"]!["object"]!["id"]!.ToString());
        Assert.Equal(account.Id, capabilityEvent.Data["data"]!["object"]!["account"]!.ToString());
        Assert.Single(events, e => e.Data["type"]!.ToString() == "account.updated");
    }

    [Fact]
    public async Task A_full_dashboard_account_refuses_capability_requests()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.StandardAsync(platform.Test);

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.Capabilities.UpdateAsync(
            account.Id, "klarna_payments", new AccountCapabilityUpdateOptions { Requested = true }, cancellationToken: Ct));

        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Null((await platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct)).Capabilities.KlarnaPayments);
    }

    [Fact]
    public async Task An_unknown_capability_is_resource_missing()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            platform.Test.V1.Accounts.Capabilities.GetAsync(account.Id, "teleport_payments", cancellationToken: Ct));

        Assert.Equal("resource_missing", error.StripeError.Code);
    }

    [Fact]
    public async Task The_capabilitys_account_can_be_expanded()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);
        var options = new AccountCapabilityGetOptions();
        options.AddExpand("account");

        var card = await platform.Test.V1.Accounts.Capabilities.GetAsync(account.Id, "card_payments", options, cancellationToken: Ct);

        Assert.Equal(account.Id, card.AccountId);
        Assert.Equal("shop@example.com", card.Account.Email);
    }

    [Fact]
    public async Task A_field_that_cannot_be_expanded_is_refused()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);
        var options = new AccountGetOptions();
        options.AddExpand("email");

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            platform.Test.V1.Accounts.GetAsync(account.Id, options, cancellationToken: Ct));

        Assert.Equal("expand", error.StripeError.Param);
    }
}
