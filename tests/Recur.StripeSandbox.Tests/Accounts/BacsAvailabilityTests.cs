using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.OAuth;
using Stripe;

namespace Recur.StripeSandbox.Tests.Accounts;

/// <summary>
/// Bacs Direct Debit only for a business in the United Kingdom whose <c>bacs_debit_payments</c> capability is active
/// (https://docs.stripe.com/payments/bacs-debit; https://docs.stripe.com/connect/account-capabilities). Elsewhere Stripe
/// refuses <c>bacs_debit</c> when a PaymentIntent or a subscription is created with it. A Standard account's holder
/// turns it on in the Dashboard; a platform requests it for the accounts it creates, in GB only.
/// </summary>
public sealed class BacsAvailabilityTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Which account, what is asked of it, and whether Stripe takes it.</summary>
    [Theory]
    [InlineData("gb_ready_with_bacs", "payment_intent", true)]
    [InlineData("gb_ready_with_bacs", "subscription", true)]
    [InlineData("us_ready", "payment_intent", false)]
    [InlineData("us_ready", "subscription", false)]
    [InlineData("gb_ready_without_bacs", "payment_intent", false)]
    [InlineData("gb_ready_without_bacs", "subscription", false)]
    [InlineData("gb_bacs_requested_not_onboarded", "payment_intent", false)]
    [InlineData("gb_bacs_requested_not_onboarded", "subscription", false)]
    [InlineData("gb_standard_bacs_off", "payment_intent", false)]
    [InlineData("gb_standard_bacs_turned_on", "payment_intent", true)]
    [InlineData("gb_standard_bacs_turned_on", "subscription", true)]
    public async Task Bacs_is_taken_only_by_a_gb_account_with_the_capability_active(string account, string call, bool accepted)
    {
        var platform = sandbox.NewPlatform();
        var accountId = await AccountAsync(platform, account);
        var on = new RequestOptions { StripeAccount = accountId };

        var error = await CallAsync(platform.Test, on, call);

        if (accepted)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.NotNull(error);
            Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
            Assert.Equal("invalid_request_error", error.StripeError.Type);
            Assert.Contains("bacs_debit is invalid", error.StripeError.Message);
            Assert.Empty(await platform.Test.V1.Subscriptions.ListAsync(null, on, Ct));
        }
    }

    [Fact]
    public async Task Without_bacs_a_payment_intent_with_default_types_takes_cards_only()
    {
        var platform = sandbox.NewPlatform();
        var account = await NewAccounts.StandardAsync(platform.Test);

        var intent = await platform.Test.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1500, Currency = "gbp",
        }, new RequestOptions { StripeAccount = account.Id }, Ct);

        Assert.Equal(["card"], intent.PaymentMethodTypes);
    }

    [Fact]
    public async Task A_platform_cannot_request_bacs_for_an_account_outside_the_uk()
    {
        var platform = sandbox.NewPlatform();

        var error = await Assert.ThrowsAsync<StripeException>(() => platform.Test.V1.Accounts.CreateAsync(new AccountCreateOptions
        {
            Country = "US", Type = "express",
            Capabilities = new AccountCapabilitiesOptions
            {
                CardPayments = new AccountCapabilitiesCardPaymentsOptions { Requested = true },
                BacsDebitPayments = new AccountCapabilitiesBacsDebitPaymentsOptions { Requested = true },
            },
        }, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("capabilities[bacs_debit_payments][requested]", error.StripeError.Param);
        Assert.Empty(await platform.Test.V1.Accounts.ListAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task Turning_bacs_on_in_the_dashboard_activates_the_capability_and_tells_the_platform()
    {
        var platform = sandbox.NewPlatform();
        var token = await OAuthFlow.ConnectAsync(platform.Test, $"{Guid.NewGuid():N}@example.co.uk");
        using var browser = OAuthFlow.Browser();
        var before = await browser.GetStringAsync($"{sandbox.BaseUrl}/dashboard/{token.StripeUserId}", Ct);

        using var turnOn = await browser.PostAsync($"{sandbox.BaseUrl}/dashboard/{token.StripeUserId}/payment-methods/bacs-debit",
            new FormUrlEncodedContent([]), Ct);
        var after = await browser.GetStringAsync($"{sandbox.BaseUrl}/dashboard/{token.StripeUserId}", Ct);
        var account = await platform.Test.V1.Accounts.GetAsync(token.StripeUserId, cancellationToken: Ct);
        var events = await platform.Test.V1.Events.ListAsync(new EventListOptions { Type = "capability.updated" },
            new RequestOptions { StripeAccount = token.StripeUserId }, Ct);

        Assert.Contains("Turn on Bacs Direct Debit", before);
        Assert.Equal(HttpStatusCode.Redirect, turnOn.StatusCode);
        Assert.Contains("""<span data-testid="bacs-status">active</span>""", after);
        Assert.Equal("active", account.Capabilities.BacsDebitPayments);
        Assert.Contains(events.Data, e => (e.Data.Object as Capability)?.Id == "bacs_debit_payments");
    }

    /// <summary>The descriptor Bacs payers see on their statements follows Stripe's rules
    /// (https://docs.stripe.com/get-started/account/statement-descriptors); a bad one turns nothing on.</summary>
    [Fact]
    public async Task A_statement_descriptor_stripe_would_refuse_keeps_bacs_off_in_the_dashboard()
    {
        var platform = sandbox.NewPlatform();
        var token = await OAuthFlow.ConnectAsync(platform.Test, $"{Guid.NewGuid():N}@example.co.uk");
        using var browser = OAuthFlow.Browser();

        using var turnOn = await browser.PostAsync($"{sandbox.BaseUrl}/dashboard/{token.StripeUserId}/payment-methods/bacs-debit",
            new FormUrlEncodedContent([new("statement_descriptor", "<BAD>")]), Ct);
        var account = await platform.Test.V1.Accounts.GetAsync(token.StripeUserId, cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.BadRequest, turnOn.StatusCode);
        Assert.Null(account.Capabilities.BacsDebitPayments);
    }

    [Fact]
    public async Task A_us_account_cannot_turn_bacs_on_in_the_dashboard()
    {
        var platform = sandbox.NewPlatform();
        var token = await OAuthFlow.ConnectAsync(platform.Test, $"{Guid.NewGuid():N}@example.com", country: "US");
        using var browser = OAuthFlow.Browser();

        var page = await browser.GetStringAsync($"{sandbox.BaseUrl}/dashboard/{token.StripeUserId}", Ct);
        using var turnOn = await browser.PostAsync($"{sandbox.BaseUrl}/dashboard/{token.StripeUserId}/payment-methods/bacs-debit",
            new FormUrlEncodedContent([]), Ct);
        var account = await platform.Test.V1.Accounts.GetAsync(token.StripeUserId, cancellationToken: Ct);

        Assert.DoesNotContain("Turn on Bacs Direct Debit", page);
        Assert.Contains("only available to businesses in the United Kingdom", page);
        Assert.Equal(HttpStatusCode.BadRequest, turnOn.StatusCode);
        Assert.Null(account.Capabilities.BacsDebitPayments);
    }

    private async Task<string> AccountAsync(SandboxPlatform platform, string kind)
    {
        switch (kind)
        {
            case "gb_ready_with_bacs":
                return (await NewAccounts.ReadyForBacsAsync(platform.Test)).Id;
            case "us_ready":
                return (await ReadyAsync(platform, "US", bacs: false)).Id;
            case "gb_ready_without_bacs":
                return (await ReadyAsync(platform, "GB", bacs: false)).Id;
            case "gb_bacs_requested_not_onboarded":
                return (await platform.Test.V1.Accounts.CreateAsync(new AccountCreateOptions
                {
                    Country = "GB", Type = "express",
                    Capabilities = new AccountCapabilitiesOptions
                    {
                        CardPayments = new AccountCapabilitiesCardPaymentsOptions { Requested = true },
                        BacsDebitPayments = new AccountCapabilitiesBacsDebitPaymentsOptions { Requested = true },
                    },
                }, cancellationToken: Ct)).Id;
            case "gb_standard_bacs_off":
                return (await OAuthFlow.ConnectAsync(platform.Test, $"{Guid.NewGuid():N}@example.co.uk")).StripeUserId;
            default:
                var token = await OAuthFlow.ConnectAsync(platform.Test, $"{Guid.NewGuid():N}@example.co.uk");
                using (var browser = OAuthFlow.Browser())
                {
                    using var response = await browser.PostAsync(
                        $"{sandbox.BaseUrl}/dashboard/{token.StripeUserId}/payment-methods/bacs-debit", new FormUrlEncodedContent([]), Ct);
                    Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                }

                return token.StripeUserId;
        }
    }

    private static Task<Account> ReadyAsync(SandboxPlatform platform, string country, bool bacs) =>
        platform.Test.V1.Accounts.CreateAsync(new AccountCreateOptions
        {
            Country = country, Type = "custom", BusinessType = "company",
            BusinessProfile = new AccountBusinessProfileOptions { Url = "https://shop.example", SupportPhone = "+442079460000" },
            TosAcceptance = new AccountTosAcceptanceOptions { Date = DateTime.UtcNow, Ip = "203.0.113.7" },
            ExternalAccount = country == "GB"
                ? new AccountBankAccountOptions { Country = "GB", Currency = "gbp", RoutingNumber = "108800", AccountNumber = "00012345" }
                : new AccountBankAccountOptions { Country = "US", Currency = "usd", RoutingNumber = "110000000", AccountNumber = "000123456789" },
            Capabilities = new AccountCapabilitiesOptions
            {
                CardPayments = new AccountCapabilitiesCardPaymentsOptions { Requested = true },
                Transfers = new AccountCapabilitiesTransfersOptions { Requested = true },
                BacsDebitPayments = bacs ? new AccountCapabilitiesBacsDebitPaymentsOptions { Requested = true } : null,
            },
        }, cancellationToken: Ct);

    private async Task<StripeException?> CallAsync(StripeClient stripe, RequestOptions on, string call)
    {
        try
        {
            if (call == "payment_intent")
            {
                await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
                {
                    Amount = 1500, Currency = "gbp", AllowedPaymentMethodTypes = ["bacs_debit"],
                }, on, Ct);
                return null;
            }

            var product = await stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Magazine" }, on, Ct);
            var price = await stripe.V1.Prices.CreateAsync(new PriceCreateOptions
            {
                Product = product.Id, Currency = "gbp", UnitAmount = 1500,
                Recurring = new PriceRecurringOptions { Interval = "month" },
            }, on, Ct);
            var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "payer@example.co.uk" }, on, Ct);
            await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
            {
                Customer = customer.Id,
                Items = [new SubscriptionItemOptions { Price = price.Id }],
                PaymentBehavior = "default_incomplete",
                PaymentSettings = new SubscriptionPaymentSettingsOptions { PaymentMethodTypes = ["bacs_debit"] },
            }, on, Ct);
            return null;
        }
        catch (StripeException error)
        {
            return error;
        }
    }
}
