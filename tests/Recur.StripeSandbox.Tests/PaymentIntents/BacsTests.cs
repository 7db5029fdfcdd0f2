using System.Net;
using Recur.StripeSandbox.Scheduling;
using Recur.StripeSandbox.Tests.Scheduling;
using Recur.StripeSandbox.Tests.WebhookEndpoints;
using Stripe;

namespace Recur.StripeSandbox.Tests.PaymentIntents;

/// <summary>
/// Every row of Stripe's BACS test accounts (reference §4), on a sandbox whose clock moves only when the test says:
/// the debit is <c>processing</c>, then settles after the ordinary delay (5 seconds by default) or after 3 minutes,
/// as the table says, and the mandate goes from pending to active or inactive.
/// </summary>
public sealed class BacsTests(ManualClockSandbox sandbox) : IClassFixture<ManualClockSandbox>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SandboxSchedule Schedule => sandbox.Services.GetRequiredService<SandboxSchedule>();

    [Theory]
    [InlineData("00012345", "succeeded", null, "active", false)]
    [InlineData("90012345", "succeeded", null, "active", true)]
    [InlineData("33333335", "requires_payment_method", "debit_not_authorized", "inactive", false)]
    [InlineData("93333335", "requires_payment_method", "debit_not_authorized", "inactive", true)]
    [InlineData("22222227", "requires_payment_method", "insufficient_funds", "active", false)]
    [InlineData("92222227", "requires_payment_method", "insufficient_funds", "active", true)]
    [InlineData("55555559", "succeeded", null, "active", true)]
    [InlineData("00033333", "requires_payment_method", "debit_not_authorized", "inactive", false)]
    public async Task Each_test_account_settles_as_stripe_says(string accountNumber, string status, string? failureCode,
        string mandateStatus, bool afterThreeMinutes)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var bank = await shop.BacsAsync(accountNumber);

        var intent = await DebitAsync(shop, bank.Id, customer.Id);
        var mandateId = await MandateOfAsync(shop, intent);
        var pending = await MandateAsync(shop, mandateId);
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        var afterDelay = await IntentAsync(shop, intent.Id);
        if (afterThreeMinutes)
        {
            Assert.Equal("processing", afterDelay.Status);
            Assert.Equal(accountNumber == "93333335" ? "active" : mandateStatus, (await MandateAsync(shop, mandateId)).Status);
            await AdvanceAsync(TimeSpan.FromMinutes(3));
        }

        var settled = await IntentAsync(shop, intent.Id);
        var mandate = await MandateAsync(shop, mandateId);
        var charge = await shop.Server.V1.Charges.GetAsync(settled.LatestChargeId, requestOptions: shop.On(), cancellationToken: Ct);
        var events = await shop.EventTypesAsync();

        Assert.Equal("processing", intent.Status);
        Assert.Equal("pending", pending.Status);
        Assert.Equal("pending", pending.PaymentMethodDetails.BacsDebit.NetworkStatus);
        Assert.Equal(status, settled.Status);
        Assert.Equal(failureCode, settled.LastPaymentError?.Code);
        Assert.Equal(failureCode, charge.FailureCode);
        Assert.Equal(status == "succeeded" ? "succeeded" : "failed", charge.Status);
        Assert.Equal(mandateStatus, mandate.Status);
        Assert.Contains("mandate.updated", events);
        Assert.Contains(status == "succeeded" ? "payment_intent.succeeded" : "payment_intent.payment_failed", events);
        Assert.Equal(accountNumber == "55555559", events.Contains("charge.dispute.created"));
        Assert.Equal(accountNumber == "55555559", charge.Disputed);
        if (accountNumber == "55555559")
        {
            var disputes = await shop.Server.V1.Events.ListAsync(new EventListOptions { Type = "charge.dispute.created" }, shop.On(), Ct);
            var dispute = Assert.IsType<Dispute>(Assert.Single(disputes.Data).Data.Object);
            Assert.Equal(charge.Id, dispute.ChargeId);
            Assert.Equal("lost", dispute.Status);
        }

        Assert.Equal(
            accountNumber switch { "00033333" => "refused", "33333335" or "93333335" => "revoked", _ => "accepted" },
            mandate.PaymentMethodDetails.BacsDebit.NetworkStatus);
    }

    [Fact]
    public async Task The_invalid_account_number_fails_when_the_payment_method_is_created()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.BacsAsync("00044444"));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("account_number_invalid", error.StripeError.Code);
        Assert.Equal("bacs_debit[account_number]", error.StripeError.Param);
    }

    [Fact]
    public async Task An_insufficient_funds_account_keeps_its_mandate_and_may_be_debited_again()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var bank = await shop.BacsAsync("22222227");
        await DebitAsync(shop, bank.Id, customer.Id);
        await AdvanceAsync(TimeSpan.FromSeconds(5));

        var retry = await shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 2500, Currency = "gbp", Customer = customer.Id, AllowedPaymentMethodTypes = ["bacs_debit"],
            PaymentMethod = bank.Id, Confirm = true, OffSession = true,
        }, shop.On(), Ct);

        Assert.Equal("processing", retry.Status);
    }

    [Fact]
    public async Task A_debit_not_authorized_account_cannot_be_debited_again()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var bank = await shop.BacsAsync("33333335");
        await DebitAsync(shop, bank.Id, customer.Id);
        await AdvanceAsync(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions
            {
                Amount = 2500, Currency = "gbp", Customer = customer.Id, AllowedPaymentMethodTypes = ["bacs_debit"],
                PaymentMethod = bank.Id, Confirm = true, OffSession = true,
            }, shop.On(), Ct));

        Assert.Equal("payment_method_unexpected_state", error.StripeError.Code);
        Assert.Equal("requires_payment_method", error.StripeError.PaymentIntent.Status);
    }

    [Fact]
    public async Task A_bacs_payment_method_needs_the_holders_name_email_and_address()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());

        var error = await Assert.ThrowsAsync<StripeException>(() => shop.Browser.V1.PaymentMethods.CreateAsync(
            new PaymentMethodCreateOptions
            {
                Type = "bacs_debit",
                BacsDebit = new PaymentMethodBacsDebitOptions { SortCode = "108800", AccountNumber = "00012345" },
                BillingDetails = new PaymentMethodBillingDetailsOptions { Name = "Jenny Rosen", Email = "jenny@example.co.uk" },
            }, shop.On(), Ct));

        Assert.Equal("parameter_missing", error.StripeError.Code);
        Assert.Equal("billing_details[address][line1]", error.StripeError.Param);
    }

    [Fact]
    public async Task A_customer_on_a_test_clock_settles_when_the_clock_passes_the_delay_not_on_real_time()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var clock = TestClocks.Create(sandbox.Services, shop, DateTimeOffset.UtcNow.AddDays(-30));
        var customer = await shop.CustomerAsync(testClock: clock.Id);
        var bank = await shop.BacsAsync("00012345");
        var intent = await DebitAsync(shop, bank.Id, customer.Id);

        sandbox.Time.Advance(TimeSpan.FromMinutes(10));
        await Schedule.RunDueAsync(sandbox.Time.GetUtcNow(), null, Ct);
        var onRealTime = await IntentAsync(shop, intent.Id);
        var frozen = TestClocks.Advance(sandbox.Services, clock.Id, TimeSpan.FromSeconds(5));
        await Schedule.RunDueAsync(frozen, clock.Id, Ct);
        var onTheClock = await IntentAsync(shop, intent.Id);

        Assert.Equal(clock.FrozenTime.ToUnixTimeSeconds(), new DateTimeOffset(intent.Created).ToUnixTimeSeconds());
        Assert.Equal("processing", onRealTime.Status);
        Assert.Equal("succeeded", onTheClock.Status);
    }

    [Fact]
    public async Task A_bacs_mandate_from_checkout_succeeds_at_once_and_pays_renewals_off_session()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var setup = await shop.SetUpBacsAsync(customer.Id);
        var pending = await MandateAsync(shop, setup.MandateId);
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        var active = await MandateAsync(shop, setup.MandateId);

        var renewal = await shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1500, Currency = "gbp", Customer = customer.Id, AllowedPaymentMethodTypes = ["bacs_debit"],
            PaymentMethod = setup.PaymentMethodId, Confirm = true, OffSession = true,
        }, shop.On(), Ct);
        await AdvanceAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("succeeded", setup.Status);
        Assert.Equal("pending", pending.Status);
        Assert.Equal("active", active.Status);
        Assert.Equal("online", active.CustomerAcceptance.Type);
        Assert.Equal("Mozilla/5.0 (hosted checkout test)", active.CustomerAcceptance.Online.UserAgent);
        Assert.Equal(customer.Id, (await shop.Server.V1.PaymentMethods.GetAsync(setup.PaymentMethodId, requestOptions: shop.On(),
            cancellationToken: Ct)).CustomerId);
        Assert.Equal("succeeded", (await IntentAsync(shop, renewal.Id)).Status);
        Assert.Equal(setup.MandateId, await MandateOfAsync(shop, renewal));
    }

    [Fact]
    public async Task A_refused_mandate_turns_inactive_after_a_successful_setup()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var setup = await shop.SetUpBacsAsync(customer.Id, "00033333");
        await AdvanceAsync(TimeSpan.FromSeconds(5));

        var mandate = await MandateAsync(shop, setup.MandateId);

        Assert.Equal("succeeded", setup.Status);
        Assert.Equal("inactive", mandate.Status);
        Assert.Equal("refused", mandate.PaymentMethodDetails.BacsDebit.NetworkStatus);
    }

    [Fact]
    public async Task Stripe_js_mandate_acceptance_records_the_browsers_address_and_agent()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var intent = await shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 2500, Currency = "gbp", AllowedPaymentMethodTypes = ["bacs_debit"],
        }, shop.On(), Ct);
        var bank = await shop.BacsAsync("00012345");
        var confirm = new PaymentIntentConfirmOptions { PaymentMethod = bank.Id };
        confirm.AddExtraParam("client_secret", intent.ClientSecret);
        confirm.AddExtraParam("mandate_data[customer_acceptance][type]", "online");
        confirm.AddExtraParam("mandate_data[customer_acceptance][online][infer_from_client]", "true");

        var confirmed = await shop.Browser.V1.PaymentIntents.ConfirmAsync(intent.Id, confirm, shop.On(), Ct);
        var mandate = await MandateAsync(shop, await MandateOfAsync(shop, confirmed));

        Assert.Equal("processing", confirmed.Status);
        Assert.Equal("online", mandate.CustomerAcceptance.Type);
        Assert.Equal("127.0.0.1", mandate.CustomerAcceptance.Online.IpAddress);
        Assert.Contains("Stripe", mandate.CustomerAcceptance.Online.UserAgent, StringComparison.Ordinal);
    }

    private async Task AdvanceAsync(TimeSpan by)
    {
        sandbox.Time.Advance(by);
        await Schedule.RunDueAsync(sandbox.Time.GetUtcNow(), null, Ct);
    }

    private static Task<PaymentIntent> DebitAsync(ConnectedShop shop, string paymentMethod, string customer) =>
        shop.Server.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 2500,
            Currency = "gbp",
            Customer = customer,
            AllowedPaymentMethodTypes = ["bacs_debit"],
            PaymentMethod = paymentMethod,
            Confirm = true,
            MandateData = ConnectedShop.Mandate,
            SetupFutureUsage = "off_session",
        }, shop.On(), Ct);

    private static Task<PaymentIntent> IntentAsync(ConnectedShop shop, string id) =>
        shop.Server.V1.PaymentIntents.GetAsync(id, requestOptions: shop.On(), cancellationToken: Ct);

    private static Task<Mandate> MandateAsync(ConnectedShop shop, string id) =>
        shop.Server.V1.Mandates.GetAsync(id, requestOptions: shop.On(), cancellationToken: Ct);

    private static async Task<string> MandateOfAsync(ConnectedShop shop, PaymentIntent intent)
    {
        var charge = await shop.Server.V1.Charges.GetAsync(intent.LatestChargeId, requestOptions: shop.On(), cancellationToken: Ct);
        return charge.PaymentMethodDetails.BacsDebit.Mandate;
    }
}
