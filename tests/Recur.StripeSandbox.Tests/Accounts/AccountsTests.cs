using System.Net;
using Recur.StripeSandbox.Accounts;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.Accounts;

public sealed class AccountsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_express_account_starts_not_onboarded_with_requirements_due()
    {
        var platform = sandbox.NewPlatform();

        var account = await NewAccounts.ExpressAsync(platform.Test);

        Assert.StartsWith("acct_", account.Id);
        Assert.Equal("express", account.Type);
        Assert.Equal("GB", account.Country);
        Assert.Equal("gbp", account.DefaultCurrency);
        Assert.Equal("shop@example.com", account.Email);
        Assert.Equal("Express Shop", account.BusinessProfile.Name);
        Assert.False(account.DetailsSubmitted);
        Assert.False(account.ChargesEnabled);
        Assert.False(account.PayoutsEnabled);
        Assert.Equal("requirements.past_due", account.Requirements.DisabledReason);
        Assert.Contains("external_account", account.Requirements.CurrentlyDue);
        Assert.Contains("tos_acceptance.date", account.Requirements.CurrentlyDue);
        Assert.Contains("tos_acceptance.ip", account.Requirements.EventuallyDue);
        Assert.Contains("business_profile.url", account.Requirements.CurrentlyDue);
        Assert.Equal("inactive", account.Capabilities.CardPayments);
        Assert.Equal("inactive", account.Capabilities.Transfers);
        Assert.Empty(account.ExternalAccounts.Data);
    }

    [Theory]
    [InlineData("full", "account", "stripe", "stripe", "standard")]
    [InlineData("express", "application", "application", "stripe", "express")]
    [InlineData("express", "account", "stripe", "stripe", "express")]
    [InlineData("none", "application", "application", "application", "custom")]
    [InlineData("none", "application", "application", "stripe", "none")]
    public async Task Controller_properties_give_the_type_and_controller_stripe_reports(
        string dashboard, string fees, string losses, string collection, string expectedType)
    {
        var platform = sandbox.NewPlatform();
        var options = new AccountCreateOptions
        {
            Controller = new AccountControllerOptions
            {
                StripeDashboard = new AccountControllerStripeDashboardOptions { Type = dashboard },
                Fees = new AccountControllerFeesOptions { Payer = fees },
                Losses = new AccountControllerLossesOptions { Payments = losses },
                RequirementCollection = collection,
            },
        };
        if (dashboard != "full")
        {
            options.Capabilities = new AccountCapabilitiesOptions
            {
                CardPayments = new AccountCapabilitiesCardPaymentsOptions { Requested = true },
            };
        }

        var account = await platform.Test.V1.Accounts.CreateAsync(options, cancellationToken: Ct);

        Assert.Equal(expectedType, account.Type);
        Assert.Equal("application", account.Controller.Type);
        Assert.True(account.Controller.IsController);
        Assert.Equal(dashboard, account.Controller.StripeDashboard.Type);
        Assert.Equal(fees, account.Controller.Fees.Payer);
        Assert.Equal(losses, account.Controller.Losses.Payments);
        Assert.Equal(collection, account.Controller.RequirementCollection);
    }

    [Fact]
    public async Task A_full_dashboard_account_gets_cards_and_transfers_automatically_but_not_bacs()
    {
        var platform = sandbox.NewPlatform();

        var account = await NewAccounts.StandardAsync(platform.Test);

        Assert.Equal("standard", account.Type);
        Assert.Equal("inactive", account.Capabilities.CardPayments);
        Assert.Equal("inactive", account.Capabilities.Transfers);
        // Bacs Direct Debit is turned on by the business in its own Dashboard (https://docs.stripe.com/payments/bacs-debit).
        Assert.Null(account.Capabilities.BacsDebitPayments);
    }

    [Theory]
    [InlineData("standard", "full", "account")]
    [InlineData("express", "express", "application_express")]
    [InlineData("custom", "none", "application_custom")]
    public async Task The_legacy_type_maps_to_controller_properties(string type, string dashboard, string feesPayer)
    {
        var platform = sandbox.NewPlatform();
        var options = new AccountCreateOptions { Type = type, Country = "US" };
        if (type == "custom")
        {
            options.Capabilities = new AccountCapabilitiesOptions
            {
                Transfers = new AccountCapabilitiesTransfersOptions { Requested = true },
            };
        }

        var account = await platform.Test.V1.Accounts.CreateAsync(options, cancellationToken: Ct);

        Assert.Equal(type, account.Type);
        Assert.Equal(dashboard, account.Controller.StripeDashboard.Type);
        Assert.Equal(feesPayer, account.Controller.Fees.Payer);
        Assert.Equal("usd", account.DefaultCurrency);
    }

    [Theory]
    [InlineData("express", "account", "application", "stripe", "controller[losses][payments]")]
    [InlineData("full", "application", "application", "stripe", "controller[stripe_dashboard][type]")]
    [InlineData("full", "application", "stripe", "stripe", "controller[stripe_dashboard][type]")]
    [InlineData("express", "application", "application", "application", "controller[requirement_collection]")]
    [InlineData("none", "application", "stripe", "application", "controller[requirement_collection]")]
    [InlineData("platform", "account", "stripe", "stripe", "controller[stripe_dashboard][type]")]
    public async Task Controller_combinations_stripe_does_not_support_are_refused(
        string dashboard, string fees, string losses, string collection, string param)
    {
        var platform = sandbox.NewPlatform();

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.CreateAsync(new AccountCreateOptions
        {
            Controller = new AccountControllerOptions
            {
                StripeDashboard = new AccountControllerStripeDashboardOptions { Type = dashboard },
                Fees = new AccountControllerFeesOptions { Payer = fees },
                Losses = new AccountControllerLossesOptions { Payments = losses },
                RequirementCollection = collection,
            },
            Capabilities = new AccountCapabilitiesOptions
            {
                CardPayments = new AccountCapabilitiesCardPaymentsOptions { Requested = true },
            },
        }, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Equal(param, error.StripeError.Param);
        Assert.Empty(await platform.Test.V1.Accounts.ListAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task Type_and_controller_together_are_refused()
    {
        var platform = sandbox.NewPlatform();

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.CreateAsync(new AccountCreateOptions
        {
            Type = "express",
            Controller = new AccountControllerOptions
            {
                StripeDashboard = new AccountControllerStripeDashboardOptions { Type = "express" },
            },
        }, cancellationToken: Ct));

        Assert.Equal("controller", error.StripeError.Param);
    }

    [Fact]
    public async Task Unknown_countries_and_parameters_are_refused_with_stripes_errors()
    {
        var platform = sandbox.NewPlatform();

        var country = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.CreateAsync(
            new AccountCreateOptions { Country = "XX" }, cancellationToken: Ct));
        var unknownOptions = new AccountCreateOptions();
        unknownOptions.AddExtraParam("colour", "blue");
        var unknown = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.CreateAsync(
            unknownOptions, cancellationToken: Ct));

        Assert.Equal("country", country.StripeError.Param);
        Assert.Equal("parameter_unknown", unknown.StripeError.Code);
        Assert.Equal("Received unknown parameter: colour", unknown.StripeError.Message);
    }

    [Fact]
    public async Task Capabilities_cannot_be_requested_for_a_full_dashboard_account()
    {
        var platform = sandbox.NewPlatform();

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.CreateAsync(new AccountCreateOptions
        {
            Controller = new AccountControllerOptions
            {
                StripeDashboard = new AccountControllerStripeDashboardOptions { Type = "full" },
            },
            Capabilities = new AccountCapabilitiesOptions
            {
                CardPayments = new AccountCapabilitiesCardPaymentsOptions { Requested = true },
            },
        }, cancellationToken: Ct));

        Assert.Equal("capabilities", error.StripeError.Param);
    }

    [Fact]
    public async Task An_account_is_retrieved_by_id_and_as_the_stripe_account()
    {
        var platform = sandbox.NewPlatform();
        var created = await NewAccounts.ExpressAsync(platform.Test);

        var byId = await platform.Test.V1.Accounts.GetAsync(created.Id, cancellationToken: Ct);
        var self = await platform.Test.V1.Accounts.GetSelfAsync(
            requestOptions: new RequestOptions { StripeAccount = created.Id }, cancellationToken: Ct);

        Assert.Equal(created.Id, byId.Id);
        Assert.Equal(created.Id, self.Id);
        Assert.Equal("Express Shop", self.BusinessProfile.Name);
    }

    [Fact]
    public async Task The_platforms_own_account_is_the_same_on_every_read()
    {
        var platform = sandbox.NewPlatform();

        var first = await platform.Test.V1.Accounts.GetSelfAsync(cancellationToken: Ct);
        var second = await platform.Live.V1.Accounts.GetSelfAsync(cancellationToken: Ct);

        Assert.StartsWith("acct_", first.Id);
        Assert.Equal(first.Id, second.Id);
        Assert.True(first.ChargesEnabled);
        Assert.Empty(await platform.Test.V1.Accounts.ListAsync(cancellationToken: Ct));
    }

    /// <summary>https://docs.stripe.com/error-codes#account-invalid: Stripe does not say whether the account exists.</summary>
    [Fact]
    public async Task An_unknown_account_is_403_account_invalid_with_stripes_message()
    {
        var platform = sandbox.NewPlatform();

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            platform.Test.V1.Accounts.GetAsync("acct_1DoesNotExist00", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Forbidden, error.HttpStatusCode);
        Assert.Equal("account_invalid", error.StripeError.Code);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Equal(
            $"The provided key 'sk_test_****{platform.TestSecretKey[^4..]}' does not have access to account 'acct_1DoesNotExist00' (or that account does not exist). Application access may have been revoked.",
            error.StripeError.Message);
    }

    [Fact]
    public async Task Another_platform_cannot_see_change_or_delete_an_account()
    {
        var owner = sandbox.NewPlatform();
        var other = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(owner.Test);

        var get = await Assert.ThrowsAsync<StripeException>(() => other.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct));
        var update = await Assert.ThrowsAsync<StripeException>(() => other.Test.V1.Accounts.UpdateAsync(account.Id,
            new AccountUpdateOptions { Email = "thief@example.com" }, cancellationToken: Ct));
        var delete = await Assert.ThrowsAsync<StripeException>(() => other.Test.V1.Accounts.DeleteAsync(account.Id, cancellationToken: Ct));
        var list = await other.Test.V1.Accounts.ListAsync(cancellationToken: Ct);

        Assert.All([get, update, delete], e => Assert.Equal("account_invalid", e.StripeError.Code));
        Assert.All([get, update, delete], e => Assert.Equal(HttpStatusCode.Forbidden, e.HttpStatusCode));
        Assert.Empty(list.Data);
        Assert.Equal("shop@example.com", (await owner.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct)).Email);
    }

    [Fact]
    public async Task Test_and_live_accounts_are_kept_apart()
    {
        var platform = sandbox.NewPlatform();
        var testAccount = await NewAccounts.ExpressAsync(platform.Test);

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Live.V1.Accounts.GetAsync(testAccount.Id, cancellationToken: Ct));
        var liveAccount = await NewAccounts.ExpressAsync(platform.Live);

        Assert.Equal("account_invalid", error.StripeError.Code);
        Assert.Equal([testAccount.Id], (await platform.Test.V1.Accounts.ListAsync(cancellationToken: Ct)).Select(a => a.Id));
        Assert.Equal([liveAccount.Id], (await platform.Live.V1.Accounts.ListAsync(cancellationToken: Ct)).Select(a => a.Id));
    }

    [Fact]
    public async Task An_update_changes_the_account_and_announces_it()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);

        var updated = await platform.Test.V1.Accounts.UpdateAsync(account.Id, new AccountUpdateOptions
        {
            Email = "new@example.com",
            BusinessProfile = new AccountBusinessProfileOptions { Url = "https://shop.example", SupportPhone = "+442079460000" },
            Metadata = new Dictionary<string, string> { ["tenant"] = "t1" },
        }, cancellationToken: Ct);
        var read = await platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct);

        Assert.Equal("new@example.com", updated.Email);
        Assert.Equal("https://shop.example", read.BusinessProfile.Url);
        Assert.Equal("t1", read.Metadata["tenant"]);
        Assert.DoesNotContain("business_profile.url", read.Requirements.CurrentlyDue);
        Assert.DoesNotContain("business_profile.support_phone", read.Requirements.CurrentlyDue);
        Assert.Contains("external_account", read.Requirements.CurrentlyDue);
        var updatedEvent = Assert.Single(SandboxEventsOf(account.Id), e => e.Data["type"]!.ToString() == "account.updated");
        Assert.Equal(account.Id, updatedEvent.Data["account"]!.ToString());
        Assert.Equal(account.Id, updatedEvent.Data["data"]!["object"]!["id"]!.ToString());
        var previous = updatedEvent.Data["data"]!["previous_attributes"]!.AsObject();
        Assert.Equal("shop@example.com", previous["email"]!.ToString());
        Assert.True(previous.ContainsKey("metadata"));
        Assert.True(previous.ContainsKey("requirements"));
        Assert.False(previous.ContainsKey("country"));
    }

    [Fact]
    public async Task Invalid_update_values_are_refused_and_change_nothing()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.ExpressAsync(platform.Test);

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.UpdateAsync(account.Id,
            new AccountUpdateOptions { Email = "changed@example.com", BusinessType = "pirate" }, cancellationToken: Ct));

        Assert.Equal("business_type", error.StripeError.Param);
        Assert.Equal("shop@example.com", (await platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct)).Email);
        Assert.Empty(SandboxEventsOf(account.Id));
    }

    [Fact]
    public async Task The_terms_of_service_can_be_accepted_only_where_the_platform_collects_requirements()
    {
        var platform = sandbox.NewPlatform();
        var express = await NewAccounts.ExpressAsync(platform.Test);
        var custom = await NewAccounts.CustomAsync(platform.Test);
        var tos = new AccountTosAcceptanceOptions { Date = DateTime.UtcNow, Ip = "203.0.113.7" };

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.UpdateAsync(express.Id,
            new AccountUpdateOptions { TosAcceptance = tos }, cancellationToken: Ct));
        var completed = await platform.Test.V1.Accounts.UpdateAsync(custom.Id, new AccountUpdateOptions
        {
            TosAcceptance = tos,
            BusinessType = "company",
            BusinessProfile = new AccountBusinessProfileOptions { Url = "https://custom.example", SupportPhone = "+442079460000" },
            ExternalAccount = new AccountBankAccountOptions
            {
                Country = "GB", Currency = "gbp", RoutingNumber = "108800", AccountNumber = "00012345",
            },
        }, cancellationToken: Ct);

        Assert.Equal("tos_acceptance", error.StripeError.Param);
        Assert.True(completed.DetailsSubmitted);
        Assert.True(completed.ChargesEnabled);
        Assert.True(completed.PayoutsEnabled);
        Assert.Empty(completed.Requirements.CurrentlyDue);
        Assert.Equal("active", completed.Capabilities.CardPayments);
        var bank = Assert.IsType<BankAccount>(Assert.Single(completed.ExternalAccounts.Data));
        Assert.Equal("STRIPE TEST BANK", bank.BankName);
        Assert.Equal("2345", bank.Last4);
        Assert.Contains(SandboxEventsOf(custom.Id), e => e.Data["type"]!.ToString() == "account.external_account.created");
    }

    [Fact]
    public async Task A_platform_adds_and_lists_bank_accounts_of_an_account_it_collects_for()
    {
        var platform = sandbox.NewPlatform();
        var custom = await NewAccounts.CustomAsync(platform.Test);
        var standard = await NewAccounts.StandardAsync(platform.Test);
        var options = new AccountExternalAccountCreateOptions
        {
            ExternalAccount = new AccountExternalAccountBankAccountOptions
            {
                Country = "GB", Currency = "gbp", RoutingNumber = "108800", AccountNumber = "00012345",
                AccountHolderName = "Custom Ltd",
            },
        };

        var added = await platform.Test.V1.Accounts.ExternalAccounts.CreateAsync(custom.Id, options, cancellationToken: Ct);
        var listed = await platform.Test.V1.Accounts.ExternalAccounts.ListAsync(custom.Id, cancellationToken: Ct);
        var refused = await Assert.ThrowsAsync<StripeException>(() =>
            platform.Test.V1.Accounts.ExternalAccounts.CreateAsync(standard.Id, options, cancellationToken: Ct));
        var invalid = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.ExternalAccounts.CreateAsync(custom.Id,
            new AccountExternalAccountCreateOptions
            {
                ExternalAccount = new AccountExternalAccountBankAccountOptions
                {
                    Country = "GB", Currency = "gbp", RoutingNumber = "200000", AccountNumber = "00012345",
                },
            }, cancellationToken: Ct));

        var bank = Assert.IsType<BankAccount>(added);
        Assert.Equal("Custom Ltd", bank.AccountHolderName);
        Assert.Equal("STRIPE TEST BANK", bank.BankName);
        Assert.Equal(bank.Id, Assert.Single(listed.Data).Id);
        Assert.Equal("external_account", refused.StripeError.Param);
        Assert.Equal("account_number_invalid", invalid.StripeError.Code);
        Assert.Single(SandboxEventsOf(custom.Id), e => e.Data["type"]!.ToString() == "account.external_account.created");
    }

    [Fact]
    public async Task The_list_holds_the_platforms_accounts_newest_first()
    {
        var platform = sandbox.NewPlatform();
        var first = await NewAccounts.ExpressAsync(platform.Test);
        var second = await NewAccounts.StandardAsync(platform.Test);

        var list = await platform.Test.V1.Accounts.ListAsync(cancellationToken: Ct);

        Assert.Equal([second.Id, first.Id], list.Data.Select(a => a.Id));
        Assert.False(list.HasMore);
    }

    [Fact]
    public async Task A_test_mode_account_the_platform_controls_can_be_deleted()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.StandardAsync(platform.Test);

        var deleted = await platform.Test.V1.Accounts.DeleteAsync(account.Id, cancellationToken: Ct);

        Assert.True(deleted.Deleted);
        Assert.Equal(account.Id, deleted.Id);
        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.GetAsync(account.Id, cancellationToken: Ct));
        Assert.Equal("account_invalid", error.StripeError.Code);
        Assert.Empty(await platform.Test.V1.Accounts.ListAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task A_live_standard_account_cannot_be_deleted_but_a_live_express_one_can()
    {
        var platform = sandbox.NewPlatform();
        var standard = await NewAccounts.StandardAsync(platform.Live);
        var express = await NewAccounts.ExpressAsync(platform.Live);

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Live.V1.Accounts.DeleteAsync(standard.Id, cancellationToken: Ct));
        var deleted = await platform.Live.V1.Accounts.DeleteAsync(express.Id, cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.True(deleted.Deleted);
        Assert.Equal(standard.Id, (await platform.Live.V1.Accounts.GetAsync(standard.Id, cancellationToken: Ct)).Id);
    }

    [Fact]
    public async Task An_account_connected_through_oauth_cannot_be_deleted_or_changed_beyond_metadata()
    {
        var platform = sandbox.NewPlatform();
        var account = ConnectExistingAccount(platform.Name);

        var delete = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.DeleteAsync(account, cancellationToken: Ct));
        var update = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.UpdateAsync(account,
            new AccountUpdateOptions { Email = "x@example.com" }, cancellationToken: Ct));
        var tagged = await platform.Test.V1.Accounts.UpdateAsync(account,
            new AccountUpdateOptions { Metadata = new Dictionary<string, string> { ["tenant"] = "t9" } }, cancellationToken: Ct);

        Assert.Equal("account_invalid", delete.StripeError.Code);
        Assert.Equal("email", update.StripeError.Param);
        Assert.Equal("t9", tagged.Metadata["tenant"]);
        Assert.Equal("account", tagged.Controller.Type);
        Assert.False(tagged.Controller.IsController);
        Assert.Equal("standard", tagged.Type);
        Assert.True(tagged.ChargesEnabled);
    }

    /// <summary>What the OAuth page does for an existing Stripe user: a standalone account, connected, saved.</summary>
    private string ConnectExistingAccount(string platform)
    {
        var store = sandbox.Services.GetRequiredService<SandboxStore>();
        var account = AccountObjects.NewStandalone(
            "owner@example.com", "Existing Ltd", "GB", livemode: false, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        AccountAccess.Connect(account, platform, "oauth");
        store.Save(account);
        return account.Id;
    }

    private List<StoredObject> SandboxEventsOf(string accountId) =>
        sandbox.Services.GetRequiredService<SandboxStore>()
            .All("event", e => e.Account == accountId);
}
