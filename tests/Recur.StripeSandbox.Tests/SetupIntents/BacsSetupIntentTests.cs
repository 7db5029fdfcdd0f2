using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.PaymentIntents;
using Stripe;

namespace Recur.StripeSandbox.Tests.SetupIntents;

/// <summary>
/// Stripe collects a Bacs mandate without a payment only through Checkout: a SetupIntent for bacs_debit, confirmed by
/// the server or by Stripe.js's Payment Element, is refused with Stripe's own message (docs.stripe.com/payments/bacs-debit
/// lists SetupIntents with the Payment Element as unsupported; woocommerce/woocommerce-gateway-stripe#3798 shows the error).
/// </summary>
public sealed class BacsSetupIntentTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private const string Refusal = "Your account isn't configured to directly use SetupIntents to create Mandates for Bacs Direct Debits.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_setup_intent_for_bacs_debit_is_refused_when_created()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id, AllowedPaymentMethodTypes = ["bacs_debit"],
        }, shop.On(), Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.StartsWith(Refusal, error.StripeError.Message, StringComparison.Ordinal);
        Assert.Equal("allowed_payment_method_types", error.StripeError.Param);
    }

    [Fact]
    public async Task Confirming_a_setup_intent_with_a_bacs_account_on_the_server_is_refused_and_makes_no_mandate()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var bank = await shop.BacsAsync("00012345");
        var setup = await shop.Server.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions { Customer = customer.Id }, shop.On(), Ct);

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.SetupIntents.ConfirmAsync(setup.Id,
            new SetupIntentConfirmOptions { PaymentMethod = bank.Id }, shop.On(), Ct));
        var after = await shop.Server.V1.SetupIntents.GetAsync(setup.Id, requestOptions: shop.On(), cancellationToken: Ct);
        var saved = await shop.Server.V1.PaymentMethods.GetAsync(bank.Id, requestOptions: shop.On(), cancellationToken: Ct);

        Assert.StartsWith(Refusal, error.StripeError.Message, StringComparison.Ordinal);
        Assert.Equal("requires_payment_method", after.Status);
        Assert.Null(after.MandateId);
        Assert.Null(saved.CustomerId);
    }

    [Fact]
    public async Task Confirming_with_bacs_details_as_the_payment_element_does_is_refused()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var setup = await shop.Server.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions { Customer = customer.Id }, shop.On(), Ct);
        var confirm = new SetupIntentConfirmOptions
        {
            PaymentMethodData = new SetupIntentPaymentMethodDataOptions
            {
                Type = "bacs_debit",
                BacsDebit = new SetupIntentPaymentMethodDataBacsDebitOptions { SortCode = "108800", AccountNumber = "00012345" },
                BillingDetails = new SetupIntentPaymentMethodDataBillingDetailsOptions
                {
                    Name = "Jenny Rosen", Email = "jenny@example.co.uk", Address = ConnectedShop.Holder.Address,
                },
            },
        };
        confirm.AddExtraParam("client_secret", setup.ClientSecret);
        confirm.AddExtraParam("mandate_data[customer_acceptance][type]", "online");
        confirm.AddExtraParam("mandate_data[customer_acceptance][online][infer_from_client]", "true");

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Browser.V1.SetupIntents.ConfirmAsync(setup.Id, confirm, shop.On(), Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.StartsWith(Refusal, error.StripeError.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("setup_intent.succeeded", await shop.EventTypesAsync());
    }
}
