using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.PaymentIntents;

/// <summary>
/// Every billing object the sandbox returns has every key of Stripe's example in <c>fixtures3.json</c>, read as raw
/// JSON so that nothing Stripe.net ignores goes unnoticed: customers (and deleted ones), products (and deleted ones),
/// prices, card and bacs_debit PaymentMethods, mandates, SetupIntents, setup attempts, PaymentIntents and charges.
/// </summary>
public sealed class BillingShapeTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Customers_products_and_prices_have_every_key_of_stripes()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var product = await shop.Server.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Gold plan" }, shop.On(), Ct);
        var price = await shop.Server.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Product = product.Id, Currency = "gbp", UnitAmount = 1500,
            Recurring = new PriceRecurringOptions { Interval = "month" },
        }, shop.On(), Ct);
        var spare = await shop.Server.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Spare" }, shop.On(), Ct);

        FixtureShapes.AssertShape("customer", await shop.GetJsonAsync($"/v1/customers/{customer.Id}"));
        FixtureShapes.AssertShape("product", await shop.GetJsonAsync($"/v1/products/{product.Id}"));
        FixtureShapes.AssertShape("price", await shop.GetJsonAsync($"/v1/prices/{price.Id}"));
        FixtureShapes.AssertShape("price", (await shop.GetJsonAsync("/v1/prices"))["data"]![0]!.AsObject());
        FixtureShapes.AssertShape("deleted_customer", await shop.DeleteJsonAsync($"/v1/customers/{customer.Id}"));
        FixtureShapes.AssertShape("deleted_customer", await shop.GetJsonAsync($"/v1/customers/{customer.Id}"));
        FixtureShapes.AssertShape("deleted_product", await shop.DeleteJsonAsync($"/v1/products/{spare.Id}"));
    }

    [Fact]
    public async Task Card_payments_setups_and_their_charges_have_every_key_of_stripes()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var card = await shop.CardAsync("4242424242424242");
        var setup = await shop.Server.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id, PaymentMethod = card.Id, Confirm = true,
        }, shop.On(), Ct);
        var (payment, _) = await TestCardTests.ConfirmOnSessionAsync(shop, card.Id, customer.Id);
        var (declined, _) = await TestCardTests.ConfirmOnSessionAsync(shop, "pm_card_chargeDeclined");

        FixtureShapes.AssertShape("payment_method", await shop.GetJsonAsync($"/v1/payment_methods/{card.Id}"));
        FixtureShapes.AssertShape("setup_intent", await shop.GetJsonAsync($"/v1/setup_intents/{setup.Id}"));
        FixtureShapes.AssertShape("setup_attempt", (await shop.GetJsonAsync($"/v1/setup_attempts?setup_intent={setup.Id}"))["data"]![0]!.AsObject());
        FixtureShapes.AssertShape("payment_intent", await shop.GetJsonAsync($"/v1/payment_intents/{payment.Id}"));
        FixtureShapes.AssertShape("payment_intent", await shop.GetJsonAsync($"/v1/payment_intents/{declined.Id}"));
        FixtureShapes.AssertShape("charge", await shop.GetJsonAsync($"/v1/charges/{payment.LatestChargeId}?expand[]=refunds"));
        FixtureShapes.AssertShape("charge", await shop.GetJsonAsync($"/v1/charges/{declined.LatestChargeId}?expand[]=refunds"));
        var expanded = await shop.GetJsonAsync($"/v1/payment_intents/{payment.Id}?expand[]=latest_charge.refunds&expand[]=payment_method");
        FixtureShapes.AssertShape("charge", expanded["latest_charge"]!.AsObject());
        FixtureShapes.AssertShape("payment_method", expanded["payment_method"]!.AsObject());
    }

    [Fact]
    public async Task Bacs_payment_methods_mandates_and_payments_have_every_key_of_stripes()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var setup = await shop.SetUpBacsAsync(customer.Id);
        var bankId = setup.PaymentMethodId;
        var payment = await shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000, Currency = "gbp", Customer = customer.Id, AllowedPaymentMethodTypes = ["bacs_debit"],
            PaymentMethod = bankId, Confirm = true, OffSession = true,
        }, shop.On(), Ct);

        var paymentMethod = await shop.GetJsonAsync($"/v1/payment_methods/{bankId}");
        FixtureShapes.AssertShape("payment_method", paymentMethod, "card");
        FixtureShapes.AssertKeys(paymentMethod["bacs_debit"], "fingerprint", "last4", "sort_code");
        var mandate = await shop.GetJsonAsync($"/v1/mandates/{setup.MandateId}");
        FixtureShapes.AssertShape("mandate", mandate, "payment_method_details.sepa_debit");
        FixtureShapes.AssertKeys(mandate["payment_method_details"]!["bacs_debit"], "network_status", "reference", "url",
            "revocation_reason", "display_name", "service_user_number");
        FixtureShapes.AssertShape("setup_intent", await shop.GetJsonAsync($"/v1/setup_intents/{setup.Id}"));
        FixtureShapes.AssertShape("payment_intent", await shop.GetJsonAsync($"/v1/payment_intents/{payment.Id}"));
        var charge = await shop.GetJsonAsync($"/v1/charges/{payment.LatestChargeId}?expand[]=refunds");
        FixtureShapes.AssertShape("charge", charge, "payment_method_details.card");
        FixtureShapes.AssertKeys(charge["payment_method_details"]!["bacs_debit"], "fingerprint", "last4", "mandate", "sort_code");
        Assert.Equal("pending", charge["status"]!.ToString());
    }

    [Fact]
    public async Task A_confirm_error_carries_the_payment_intent_and_its_payment_method_in_stripes_shape()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{sandbox.BaseUrl}/v1/payment_intents")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["amount"] = "2000", ["currency"] = "gbp", ["payment_method"] = "pm_card_chargeDeclinedInsufficientFunds",
                ["confirm"] = "true",
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", shop.Platform.TestSecretKey);
        request.Headers.Add("Stripe-Account", shop.AccountId);

        using var response = await http.SendAsync(request, Ct);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!.AsObject();

        Assert.Equal(402, (int)response.StatusCode);
        Assert.Equal("card_error", error["type"]!.ToString());
        Assert.Equal("insufficient_funds", error["decline_code"]!.ToString());
        Assert.StartsWith("ch_", error["charge"]!.ToString(), StringComparison.Ordinal);
        FixtureShapes.AssertShape("payment_intent", error["payment_intent"]!.AsObject());
        FixtureShapes.AssertShape("payment_method", error["payment_method"]!.AsObject());
    }
}
