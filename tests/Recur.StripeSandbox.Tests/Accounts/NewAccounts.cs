using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.Accounts;

/// <summary>Accounts created the way Recur creates them: controller properties, prefilled with what is known.</summary>
public static class NewAccounts
{
    public static Task<Account> ExpressAsync(StripeClient client, string email = "shop@example.com") =>
        client.V1.Accounts.CreateAsync(new AccountCreateOptions
        {
            Country = "GB",
            Email = email,
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
            },
            BusinessProfile = new AccountBusinessProfileOptions { Name = "Express Shop" },
        }, cancellationToken: TestContext.Current.CancellationToken);

    public static Task<Account> StandardAsync(StripeClient client, string email = "standard@example.com") =>
        client.V1.Accounts.CreateAsync(new AccountCreateOptions
        {
            Country = "GB",
            Email = email,
            Controller = new AccountControllerOptions
            {
                StripeDashboard = new AccountControllerStripeDashboardOptions { Type = "full" },
            },
            BusinessProfile = new AccountBusinessProfileOptions { Name = "Standard Shop" },
        }, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>
    /// A GB account the platform collects for, complete at creation, with <c>bacs_debit_payments</c> requested beside
    /// cards: every capability is active at once, so it takes cards and Bacs Direct Debit
    /// (https://docs.stripe.com/payments/bacs-debit: Bacs needs a UK business with the capability active).
    /// </summary>
    public static Task<Account> ReadyForBacsAsync(StripeClient client) =>
        client.V1.Accounts.CreateAsync(new AccountCreateOptions
        {
            Country = "GB",
            Type = "custom",
            Email = "shop@example.co.uk",
            BusinessType = "company",
            BusinessProfile = new AccountBusinessProfileOptions
            {
                Name = "Bacs Shop", Url = "https://shop.example", SupportPhone = "+442079460000",
            },
            TosAcceptance = new AccountTosAcceptanceOptions { Date = DateTime.UtcNow, Ip = "203.0.113.7" },
            ExternalAccount = new AccountBankAccountOptions
            {
                Country = "GB", Currency = "gbp", RoutingNumber = "108800", AccountNumber = "00012345",
            },
            Capabilities = new AccountCapabilitiesOptions
            {
                CardPayments = new AccountCapabilitiesCardPaymentsOptions { Requested = true },
                Transfers = new AccountCapabilitiesTransfersOptions { Requested = true },
                BacsDebitPayments = new AccountCapabilitiesBacsDebitPaymentsOptions { Requested = true },
            },
        }, cancellationToken: TestContext.Current.CancellationToken);

    public static Task<Account> CustomAsync(StripeClient client) =>
        client.V1.Accounts.CreateAsync(new AccountCreateOptions
        {
            Country = "GB",
            Type = "custom",
            Capabilities = new AccountCapabilitiesOptions
            {
                CardPayments = new AccountCapabilitiesCardPaymentsOptions { Requested = true },
                Transfers = new AccountCapabilitiesTransfersOptions { Requested = true },
            },
        }, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>A new Express account on the platform's test key and an onboarding link for it.</summary>
    public static async Task<(Account Account, AccountLink Link)> ExpressWithOnboardingLinkAsync(SandboxPlatform platform)
    {
        var account = await ExpressAsync(platform.Test);
        return (account, await OnboardingLinkAsync(platform, account.Id));
    }

    public static Task<AccountLink> OnboardingLinkAsync(SandboxPlatform platform, string accountId, StripeClient? client = null) =>
        (client ?? platform.Test).V1.AccountLinks.CreateAsync(new AccountLinkCreateOptions
        {
            Account = accountId,
            Type = "account_onboarding",
            RefreshUrl = "http://localhost:5080/onboarding/refresh",
            ReturnUrl = "http://localhost:5080/onboarding/return",
        }, cancellationToken: TestContext.Current.CancellationToken);
}
