using Stripe;

namespace Recur.BrowserTests.StripeJs;

/// <summary>
/// The merchant's server side in these tests: a platform with a connected account, creating intents on that account
/// with Stripe.net (direct charges) and reading back what the browser did.
/// </summary>
public sealed class StripeJsMerchant
{
    private StripeJsMerchant(StripeJsPlatform platform, string accountId)
    {
        Platform = platform;
        AccountId = accountId;
    }

    public StripeJsPlatform Platform { get; }

    public string AccountId { get; }

    public StripeClient Client => Platform.Client;

    public RequestOptions OnAccount => new() { StripeAccount = AccountId };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<StripeJsMerchant> CreateAsync(StripeJsSandbox sandbox, string businessName = "Bramble Books")
    {
        var platform = sandbox.NewPlatform();
        // A GB account complete at creation (the platform collects its details), so its Bacs Direct Debit capability is
        // active: Stripe takes Bacs only then (https://docs.stripe.com/payments/bacs-debit).
        var account = await platform.Client.V1.Accounts.CreateAsync(new AccountCreateOptions
        {
            Country = "GB",
            Type = "custom",
            Email = "owner@bramble.example",
            BusinessType = "company",
            BusinessProfile = new AccountBusinessProfileOptions
            {
                Name = businessName, Url = "https://bramble.example", SupportPhone = "+442079460000",
            },
            TosAcceptance = new AccountTosAcceptanceOptions { Date = DateTime.UtcNow, Ip = "203.0.113.7" },
            ExternalAccount = new AccountBankAccountOptions
            {
                Country = "GB", Currency = "gbp", RoutingNumber = "108800", AccountNumber = "00012345",
            },
            Capabilities = new AccountCapabilitiesOptions
            {
                CardPayments = new AccountCapabilitiesCardPaymentsOptions { Requested = true },
                BacsDebitPayments = new AccountCapabilitiesBacsDebitPaymentsOptions { Requested = true },
                Transfers = new AccountCapabilitiesTransfersOptions { Requested = true },
            },
        }, cancellationToken: Cancel);
        return new StripeJsMerchant(platform, account.Id);
    }

    /// <summary>The checkout page's query for an intent's client secret.</summary>
    public string Checkout(string clientSecret, string extra = "") =>
        $"pk={Platform.PublishableKey}&account={AccountId}&secret={Uri.EscapeDataString(clientSecret)}{extra}";

    public Task<PaymentIntent> PaymentIntentAsync(params string[] types) =>
        Client.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 2000,
            Currency = "gbp",
            AllowedPaymentMethodTypes = types.Length == 0 ? null : [.. types],
        }, OnAccount, Cancel);

    public async Task<SetupIntent> SetupIntentAsync(params string[] types)
    {
        var customer = await Client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "jenny@example.com" },
            OnAccount, Cancel);
        return await Client.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id,
            AllowedPaymentMethodTypes = types.Length == 0 ? null : [.. types],
        }, OnAccount, Cancel);
    }

    public Task<PaymentIntent> RetrieveAsync(PaymentIntent intent) =>
        Client.V1.PaymentIntents.GetAsync(intent.Id, new PaymentIntentGetOptions { Expand = ["payment_method", "latest_charge"] },
            OnAccount, Cancel);

    public Task<SetupIntent> RetrieveAsync(SetupIntent intent) =>
        Client.V1.SetupIntents.GetAsync(intent.Id, new SetupIntentGetOptions { Expand = ["payment_method", "mandate"] },
            OnAccount, Cancel);

    public Task<Mandate> MandateAsync(string id) => Client.V1.Mandates.GetAsync(id, null, OnAccount, Cancel);
}
