using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Recur.Tests.Catalog;
using Recur.Tests.Infrastructure;
using Recur.Web.Checkout;
using Recur.Web.Stripe;
using Stripe;

namespace Recur.Tests.Checkout;

/// <summary>A tenant that sells one published offer, with its admin browser and connected account.</summary>
public sealed record SellingTenant(RecurBrowser Admin, string AccountId, Guid OfferId, string CheckoutPath);

/// <summary>The checkout page as a customer opened it: the order id it carries and its antiforgery token.</summary>
public sealed record OpenCheckout(Page Page, Guid OrderId, string Token);

/// <summary>What a customer does on a checkout page, and what Stripe.js does for them.</summary>
public static class CheckoutFlows
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Signs up a tenant, connects a Stripe account (OAuth, Test), creates and publishes one offer.</summary>
    public static async Task<SellingTenant> SellingTenantAsync(this IRecurHost factory, Dictionary<string, string>? offer = null, string businessName = "Acme Books")
    {
        var (admin, _) = await factory.SignUpTenantAsync(businessName);
        var (card, _) = await admin.ConnectExistingAccountAsync(businessName: businessName);
        if (offer?.GetValueOrDefault("Form.PayByBacs") == "true")
        {
            // A Standard account takes Bacs once its owner turns it on in the Stripe Dashboard.
            await factory.TurnOnBacsInStripeDashboardAsync(card.TestId("account-id")!);
        }
        var productId = await admin.CreateProductAsync("Book club");
        var offerId = await admin.CreateOfferAsync(productId, offer ?? CatalogFlows.MonthlyCardOffer());
        var published = await admin.PublishAsync(offerId);
        Assert.Equal("Published", published.TestId("offer-status"));
        return new SellingTenant(admin, card.TestId("account-id")!, offerId, await admin.CheckoutPathAsync(offerId));
    }

    /// <summary>As <see cref="SellingTenantAsync(IRecurHost, Dictionary{string, string}?, string)"/>, in the given
    /// environment (<c>test</c> or <c>production</c>).</summary>
    public static async Task<SellingTenant> SellingTenantAsync(this IRecurHost factory, string environment, string businessName = "Acme Books")
    {
        var (admin, _) = await factory.SignUpTenantAsync(businessName);
        await admin.ChooseSettingsAsync(environment, "Standard");
        var (card, _) = await admin.ConnectExistingAccountAsync(environment, businessName: businessName);
        var productId = await admin.CreateProductAsync("Book club");
        var offerId = await admin.CreateOfferAsync(productId, new Dictionary<string, string>(CatalogFlows.MonthlyCardOffer())
        {
            ["Form.Environment"] = environment,
        });
        var published = await admin.PublishAsync(offerId);
        Assert.Equal("Published", published.TestId("offer-status"));
        return new SellingTenant(admin, card.TestId("account-id")!, offerId, await admin.CheckoutPathAsync(offerId));
    }

    public static Dictionary<string, string> BacsOffer(string activation) => new(CatalogFlows.MonthlyCardOffer("Monthly by Direct Debit"))
    {
        ["Form.PayByCard"] = "false",
        ["Form.PayByBacs"] = "true",
        ["Form.BacsActivation"] = activation,
    };

    public static async Task<OpenCheckout> OpenCheckoutAsync(this RecurBrowser customer, string checkoutPath)
    {
        var page = await customer.GetAsync(checkoutPath);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var form = page.Form("");
        return new OpenCheckout(page, Guid.Parse(form.Fields["orderId"]), form.Fields["__RequestVerificationToken"]);
    }

    public static CheckoutRequest Details(Guid orderId, string? email = null, string paymentType = "card", bool withAddress = true) =>
        new(orderId, email ?? $"reader-{Guid.NewGuid():N}@example.com", "Ada Reader", paymentType,
            withAddress ? new CheckoutAddress("1 High Street", null, "London", "SW1A 1AA", "GB") : null);

    /// <summary>Posts the details as the page's script does.</summary>
    public static async Task<HttpResponseMessage> PostOrderRawAsync(this RecurBrowser customer, string checkoutPath, string token, object body)
    {
        var slug = checkoutPath["/checkout/".Length..];
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/checkout/{slug}/orders") { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Add("RequestVerificationToken", token);
        return await customer.Http.SendAsync(request, Cancel);
    }

    public static async Task<CheckoutResponse> PlaceOrderAsync(this RecurBrowser customer, string checkoutPath, OpenCheckout open, CheckoutRequest details)
    {
        using var response = await customer.PostOrderRawAsync(checkoutPath, open.Token, details);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"The order was refused ({(int)response.StatusCode}): {body}");
        return JsonSerializer.Deserialize<CheckoutResponse>(body, Json)!;
    }

    /// <summary>Stripe.js as the page uses it: the platform's publishable key, the connected account, the client secret.</summary>
    public static StripeClient StripeJs(this IRecurHost factory, CheckoutResponse checkout) =>
        new(new StripeClientOptions { ApiKey = checkout.PublishableKey, ApiBase = factory.SandboxAddress.ToString().TrimEnd('/') });

    /// <summary>confirmPayment / confirmSetup with a test card, as Stripe.js does after the Payment Element.</summary>
    public static async Task ConfirmCardAsync(this IRecurHost factory, CheckoutResponse checkout, string paymentMethod = "pm_card_visa")
    {
        var stripe = factory.StripeJs(checkout);
        var options = new RequestOptions { StripeAccount = checkout.StripeAccount };
        if (checkout.IntentType == "setup")
        {
            var setup = new SetupIntentConfirmOptions { PaymentMethod = paymentMethod, ReturnUrl = checkout.ReturnUrl };
            setup.AddExtraParam("client_secret", checkout.ClientSecret);
            await stripe.V1.SetupIntents.ConfirmAsync(SecretId(checkout.ClientSecret!), setup, options, Cancel);
            return;
        }
        var confirm = new PaymentIntentConfirmOptions { PaymentMethod = paymentMethod, ReturnUrl = checkout.ReturnUrl };
        confirm.AddExtraParam("client_secret", checkout.ClientSecret);
        await stripe.V1.PaymentIntents.ConfirmAsync(SecretId(checkout.ClientSecret!), confirm, options, Cancel);
    }

    /// <summary>Confirms with BACS details typed into the Payment Element (sort code 10-88-00), accepting the mandate online.</summary>
    public static async Task ConfirmBacsAsync(this IRecurHost factory, CheckoutResponse checkout, string accountNumber = "00012345")
    {
        var stripe = factory.StripeJs(checkout);
        var options = new RequestOptions { StripeAccount = checkout.StripeAccount };
        var billing = new PaymentMethodBillingDetailsOptions
        {
            Name = "Ada Reader",
            Email = "ada@example.com",
            Address = new AddressOptions { Line1 = "1 High Street", City = "London", PostalCode = "SW1A 1AA", Country = "GB" },
        };
        var bacs = new { sort_code = "108800", account_number = accountNumber };
        if (checkout.IntentType == "setup")
        {
            var setup = new SetupIntentConfirmOptions
            {
                PaymentMethodData = new SetupIntentPaymentMethodDataOptions
                {
                    Type = "bacs_debit",
                    BacsDebit = new SetupIntentPaymentMethodDataBacsDebitOptions { SortCode = bacs.sort_code, AccountNumber = bacs.account_number },
                    BillingDetails = new SetupIntentPaymentMethodDataBillingDetailsOptions
                    {
                        Name = billing.Name,
                        Email = billing.Email,
                        Address = billing.Address,
                    },
                },
                MandateData = new SetupIntentMandateDataOptions
                {
                    CustomerAcceptance = new SetupIntentMandateDataCustomerAcceptanceOptions
                    {
                        Type = "online",
                        Online = new SetupIntentMandateDataCustomerAcceptanceOnlineOptions { IpAddress = "127.0.0.1", UserAgent = "Recur.Tests" },
                    },
                },
                ReturnUrl = checkout.ReturnUrl,
            };
            setup.AddExtraParam("client_secret", checkout.ClientSecret);
            await stripe.V1.SetupIntents.ConfirmAsync(SecretId(checkout.ClientSecret!), setup, options, Cancel);
            return;
        }
        var confirm = new PaymentIntentConfirmOptions
        {
            PaymentMethodData = new PaymentIntentPaymentMethodDataOptions
            {
                Type = "bacs_debit",
                BacsDebit = new PaymentIntentPaymentMethodDataBacsDebitOptions { SortCode = bacs.sort_code, AccountNumber = bacs.account_number },
                BillingDetails = new PaymentIntentPaymentMethodDataBillingDetailsOptions
                {
                    Name = billing.Name,
                    Email = billing.Email,
                    Address = billing.Address,
                },
            },
            MandateData = new PaymentIntentMandateDataOptions
            {
                CustomerAcceptance = new PaymentIntentMandateDataCustomerAcceptanceOptions
                {
                    Type = "online",
                    Online = new PaymentIntentMandateDataCustomerAcceptanceOnlineOptions { IpAddress = "127.0.0.1", UserAgent = "Recur.Tests" },
                },
            },
            ReturnUrl = checkout.ReturnUrl,
        };
        confirm.AddExtraParam("client_secret", checkout.ClientSecret);
        await stripe.V1.PaymentIntents.ConfirmAsync(SecretId(checkout.ClientSecret!), confirm, options, Cancel);
    }

    /// <summary>The customer on Stripe's hosted Checkout page (a session's <c>url</c>): bank details and the Direct
    /// Debit terms. Returns where Stripe sends them (the session's <c>success_url</c>).</summary>
    public static async Task<string> CompleteCheckoutPageAsync(string url)
    {
        var cancel = TestContext.Current.CancellationToken;
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var response = await http.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["type"] = "bacs_debit", ["email"] = "ada@example.com", ["name"] = "Ada Reader", ["sort_code"] = "108800",
            ["account_number"] = "00012345", ["line1"] = "1 High Street", ["city"] = "London", ["postal_code"] = "SW1A 1AA",
            ["country"] = "GB", ["mandate"] = "accepted",
        }), cancel);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync(cancel));
        return response.Headers.Location!.ToString();
    }

    public static string SecretId(string clientSecret) => CheckoutOrders.IntentIdFromSecret(clientSecret);

    /// <summary>The whole happy card checkout; returns the confirmation page.</summary>
    public static async Task<(Page Complete, CheckoutResponse Checkout, string Email)> BuyWithCardAsync(this IRecurHost factory, SellingTenant tenant,
        string paymentMethod = "pm_card_visa")
    {
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = Details(open.OrderId);
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);
        await factory.ConfirmCardAsync(checkout, paymentMethod);
        return (await customer.GetAsync(checkout.ReturnUrl), checkout, details.Email!);
    }

    public static string? State(this Page page) =>
        Regex.Match(page.Html, @"data-testid=""outcome""[^>]*data-state=""(?<state>\w+)""") is { Success: true } m ? m.Groups["state"].Value : null;

    /// <summary>The platform's secret-key client, to look at the connected account as the test's referee.</summary>
    public static async Task<StripeClient> PlatformStripeAsync(this RecurFactory factory) =>
        (await factory.Service<StripeClients>().GetAsync(StripeEnvironment.Test, Cancel)).Client;

    /// <summary>Reads a page again until <paramref name="until"/> holds (webhooks arrive asynchronously).</summary>
    public static async Task<Page> WaitForAsync(this RecurBrowser browser, string url, Func<Page, bool> until, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var page = await browser.GetAsync(url);
            if (until(page) || DateTime.UtcNow > deadline)
            {
                return page;
            }
            await Task.Delay(150, Cancel);
        }
    }
}
