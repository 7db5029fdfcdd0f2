using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Tests.Accounts;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.PaymentIntents;

/// <summary>
/// A platform with one connected account, used as Recur uses it: the server calls Stripe with the secret key and
/// <c>Stripe-Account</c>; the browser (Stripe.js) calls with the publishable key and <c>stripeAccount</c>.
/// </summary>
public sealed class ConnectedShop
{
    private ConnectedShop(SandboxPlatform platform, string accountId)
    {
        Platform = platform;
        AccountId = accountId;
        Browser = SandboxPlatform.Client($"pk_test_{platform.Name}", platform.Name, platform.BaseUrl);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public SandboxPlatform Platform { get; }

    public string AccountId { get; }

    /// <summary>Recur's server: the platform's secret key.</summary>
    public StripeClient Server => Platform.Test;

    /// <summary>Stripe.js in the customer's browser: the platform's publishable key.</summary>
    public StripeClient Browser { get; }

    /// <summary>A shop on a GB account that can take cards and Bacs Direct Debit (<see cref="NewAccounts.ReadyForBacsAsync"/>).</summary>
    public static async Task<ConnectedShop> OpenAsync(SandboxPlatform platform)
    {
        var account = await NewAccounts.ReadyForBacsAsync(platform.Test);
        return new ConnectedShop(platform, account.Id);
    }

    /// <summary>Options for a call on the connected account.</summary>
    public RequestOptions On(string? idempotencyKey = null) =>
        new() { StripeAccount = AccountId, IdempotencyKey = idempotencyKey };

    /// <summary>A card PaymentMethod made in the browser from a test number.</summary>
    public Task<PaymentMethod> CardAsync(string number, string? cvc = "123", int expYear = 2034) =>
        Browser.V1.PaymentMethods.CreateAsync(new PaymentMethodCreateOptions
        {
            Type = "card",
            Card = new PaymentMethodCardOptions { Number = number, ExpMonth = 12, ExpYear = expYear, Cvc = cvc },
        }, On(), Ct);

    /// <summary>A bacs_debit PaymentMethod made in the browser, with the holder's details BACS needs.</summary>
    public Task<PaymentMethod> BacsAsync(string accountNumber, string sortCode = "108800") =>
        Browser.V1.PaymentMethods.CreateAsync(new PaymentMethodCreateOptions
        {
            Type = "bacs_debit",
            BacsDebit = new PaymentMethodBacsDebitOptions { SortCode = sortCode, AccountNumber = accountNumber },
            BillingDetails = Holder,
        }, On(), Ct);

    /// <summary>
    /// A BACS mandate for the customer, collected as Stripe allows it without a payment: a Checkout Session in setup
    /// mode whose hosted page the customer completes. The session's SetupIntent (succeeded, with its mandate).
    /// </summary>
    public async Task<SetupIntent> SetUpBacsAsync(string customerId, string accountNumber = "00012345")
    {
        var session = await Server.V1.Checkout.Sessions.CreateAsync(new Stripe.Checkout.SessionCreateOptions
        {
            Mode = "setup", Currency = "gbp", Customer = customerId, AllowedPaymentMethodTypes = ["bacs_debit"],
            SuccessUrl = "https://shop.example/done?session={CHECKOUT_SESSION_ID}",
        }, On(), Ct);
        await CheckoutSessions.HostedCheckout.CompleteAsync(session, CheckoutSessions.HostedCheckout.Bacs(accountNumber));
        return await Server.V1.SetupIntents.GetAsync(session.SetupIntentId, requestOptions: On(), cancellationToken: Ct);
    }

    public static PaymentMethodBillingDetailsOptions Holder => new()
    {
        Name = "Jenny Rosen",
        Email = "jenny@example.co.uk",
        Address = new AddressOptions
        {
            Line1 = "1 High Street", City = "London", PostalCode = "N1 9GU", Country = "GB",
        },
    };

    public Task<Customer> CustomerAsync(string email = "jenny@example.co.uk", string? testClock = null) =>
        Server.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = email,
            Name = "Jenny Rosen",
            TestClock = testClock,
        }, On(), Ct);

    /// <summary>Online mandate acceptance, as a server sends it.</summary>
    public static PaymentIntentMandateDataOptions Mandate => new()
    {
        CustomerAcceptance = new PaymentIntentMandateDataCustomerAcceptanceOptions
        {
            Type = "online",
            Online = new PaymentIntentMandateDataCustomerAcceptanceOnlineOptions
            {
                IpAddress = "203.0.113.7", UserAgent = "Mozilla/5.0 (sandbox test)",
            },
        },
    };

    /// <summary>The object as the API returns it, as raw JSON, on the connected account.</summary>
    public Task<JsonObject> GetJsonAsync(string path) => SendJsonAsync(HttpMethod.Get, path);

    /// <summary>Deletes on the connected account; the API's answer as raw JSON.</summary>
    public Task<JsonObject> DeleteJsonAsync(string path) => SendJsonAsync(HttpMethod.Delete, path);

    /// <summary>A call on the connected account with the secret key, which must succeed; its answer as raw JSON.</summary>
    private async Task<JsonObject> SendJsonAsync(HttpMethod method, string path)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, Platform.BaseUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Platform.TestSecretKey);
        request.Headers.Add("Stripe-Account", AccountId);
        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The types of the events the platform got about the connected account, oldest first.</summary>
    public async Task<List<string>> EventTypesAsync()
    {
        var events = await Server.V1.Events.ListAsync(new EventListOptions { Limit = 100 }, On(), Ct);
        return events.Data.Select(e => e.Type).Reverse().ToList();
    }
}
