using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.PaymentIntents;
using Recur.StripeSandbox.Scheduling;
using Recur.StripeSandbox.SetupIntents;
using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.PaymentIntents;

/// <summary>
/// The sandbox's internal API for invoices and subscriptions: a PaymentIntent per invoice, paid off-session with the
/// customer's default payment method as a renewal is, with every outcome raised on <see cref="PaymentIntentOutcomes"/>.
/// </summary>
public sealed class InvoicePaymentsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly HttpClient _browser = new(new HttpClientHandler { AllowAutoRedirect = false });
    private readonly ConcurrentQueue<PaymentIntentOutcome> _outcomes = new();
    private IDisposable? _subscription;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PaymentIntentFlow Flow => sandbox.Services.GetRequiredService<PaymentIntentFlow>();

    public void Dispose()
    {
        _subscription?.Dispose();
        _browser.Dispose();
    }

    [Fact]
    public async Task A_renewal_is_paid_off_session_with_the_customers_default_card()
    {
        var (shop, customer, invoice) = await InvoiceAsync("pm_card_visa");

        var created = Flow.CreateForInvoice(new InvoicePaymentRequest(invoice, 1500, "gbp", customer.Id, ["card"], "Gold plan"));
        var paid = Flow.ConfirmForInvoice(created.Intent!.Id);
        var read = await shop.Server.V1.PaymentIntents.GetAsync(created.Intent.Id, requestOptions: shop.On(), cancellationToken: Ct);

        Assert.Null(created.Error);
        Assert.Null(paid.Error);
        Assert.Equal("succeeded", read.Status);
        Assert.Equal(customer.InvoiceSettings.DefaultPaymentMethodId, read.PaymentMethodId);
        Assert.Equal("Gold plan", read.Description);
        Assert.Equal(
            [(PaymentIntentOutcomeKind.Succeeded, invoice.Id)],
            OutcomesFor(created.Intent.Id).Select(o => (o.Kind, o.InvoiceId)));
        Assert.Contains("payment_intent.succeeded", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task A_renewal_with_the_customer_fail_card_fails_with_its_decline()
    {
        var (_, customer, invoice) = await InvoiceAsync("pm_card_chargeCustomerFail");

        var created = Flow.CreateForInvoice(new InvoicePaymentRequest(invoice, 1500, "gbp", customer.Id, ["card"]));
        var failed = Flow.ConfirmForInvoice(created.Intent!.Id);

        Assert.Equal("card_declined", failed.ErrorBody!["code"]!.ToString());
        Assert.Equal("requires_payment_method", failed.Intent!.Data["status"]!.ToString());
        var outcome = Assert.Single(OutcomesFor(created.Intent.Id));
        Assert.Equal(PaymentIntentOutcomeKind.Failed, outcome.Kind);
        Assert.Equal("generic_decline", outcome.LastPaymentError!["decline_code"]!.ToString());
        Assert.Equal(invoice.Id, outcome.InvoiceId);
    }

    [Fact]
    public async Task A_renewal_needing_authentication_waits_in_requires_action_for_the_customer()
    {
        var (_, customer, invoice) = await InvoiceAsync("pm_card_authenticationRequired");

        var created = Flow.CreateForInvoice(new InvoicePaymentRequest(invoice, 1500, "gbp", customer.Id, ["card"]));
        var waiting = Flow.ConfirmForInvoice(created.Intent!.Id);
        var url = waiting.Intent!.Data["next_action"]!["redirect_to_url"]!["url"]!.ToString();
        using var page = await _browser.PostAsync(url,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "complete" }), Ct);

        Assert.Null(waiting.Error);
        Assert.Equal("requires_action", waiting.Intent.Data["status"]!.ToString());
        Assert.StartsWith(sandbox.BaseUrl, url, StringComparison.Ordinal);
        Assert.Equal(
            [PaymentIntentOutcomeKind.RequiresAction, PaymentIntentOutcomeKind.Succeeded],
            OutcomesFor(created.Intent.Id).Select(o => o.Kind));
    }

    [Fact]
    public async Task A_bacs_invoice_is_processing_then_succeeds_when_it_settles()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        Subscribe();
        var customer = await shop.CustomerAsync();
        var bankId = (await shop.SetUpBacsAsync(customer.Id)).PaymentMethodId;
        await shop.Server.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions
        {
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = bankId },
        }, shop.On(), Ct);
        var invoice = StoreInvoice(shop);

        var created = Flow.CreateForInvoice(new InvoicePaymentRequest(invoice, 1500, "gbp", customer.Id, ["bacs_debit"]));
        var processing = Flow.ConfirmForInvoice(created.Intent!.Id);
        await sandbox.Services.GetRequiredService<SandboxSchedule>().RunDueAsync(DateTimeOffset.UtcNow.AddMinutes(1), null, Ct);

        Assert.Equal("processing", processing.Intent!.Data["status"]!.ToString());
        Assert.Equal(
            [PaymentIntentOutcomeKind.Processing, PaymentIntentOutcomeKind.Succeeded],
            OutcomesFor(created.Intent.Id).Select(o => o.Kind));
    }

    [Fact]
    public async Task An_invoice_payment_intent_is_canceled_through_its_invoice_not_the_api()
    {
        var (shop, customer, invoice) = await InvoiceAsync("pm_card_visa");
        var created = Flow.CreateForInvoice(new InvoicePaymentRequest(invoice, 1500, "gbp", customer.Id));

        var direct = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.PaymentIntents.CancelAsync(
            created.Intent!.Id, new PaymentIntentCancelOptions(), shop.On(), Ct));
        var voided = Flow.CancelForInvoice(created.Intent!.Id);

        Assert.Equal(HttpStatusCode.BadRequest, direct.HttpStatusCode);
        Assert.Equal("canceled", voided.Intent!.Data["status"]!.ToString());
        Assert.Equal("void_invoice", voided.Intent.Data["cancellation_reason"]!.ToString());
        Assert.Equal([PaymentIntentOutcomeKind.Canceled], OutcomesFor(created.Intent.Id).Select(o => o.Kind));
    }

    [Fact]
    public async Task An_invoice_below_the_minimum_charge_cannot_make_a_payment_intent()
    {
        var (_, customer, invoice) = await InvoiceAsync("pm_card_visa");

        var created = Flow.CreateForInvoice(new InvoicePaymentRequest(invoice, 20, "gbp", customer.Id));

        Assert.Null(created.Intent);
        Assert.Equal("amount_too_small", created.ErrorBody!["code"]!.ToString());
    }

    [Fact]
    public async Task A_trials_setup_intent_is_made_where_the_subscription_lives_and_reports_its_success()
    {
        var (shop, customer, invoice) = await InvoiceAsync("pm_card_visa");
        var outcomes = new ConcurrentQueue<SetupIntentOutcome>();
        using var subscription = sandbox.Services.GetRequiredService<SetupIntentOutcomes>().Subscribe(outcomes.Enqueue);

        var created = sandbox.Services.GetRequiredService<SetupIntentFlow>()
            .CreateFor(invoice, customer.Id, ["card"], new JsonObject { ["subscription"] = "sub_123" });
        var confirm = new SetupIntentConfirmOptions { PaymentMethod = "pm_card_visa" };
        confirm.AddExtraParam("client_secret", created.Intent!.Data["client_secret"]!.ToString());
        await shop.Browser.V1.SetupIntents.ConfirmAsync(created.Intent.Id, confirm, shop.On(), Ct);

        var outcome = Assert.Single(outcomes, o => o.SetupIntent.Id == created.Intent.Id);
        Assert.Equal(SetupIntentOutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal(shop.AccountId, created.Intent.Account);
        Assert.Equal("sub_123", outcome.SetupIntent.Data["metadata"]!["subscription"]!.ToString());
    }

    private async Task<(ConnectedShop Shop, Customer Customer, StoredObject Invoice)> InvoiceAsync(string card)
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        Subscribe();
        var customer = await shop.Server.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = "renewals@example.com", PaymentMethod = card,
        }, shop.On(), Ct);
        var saved = await shop.Server.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customer.Id }, shop.On(), Ct);
        customer = await shop.Server.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions
        {
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = saved.Data[0].Id },
        }, shop.On(), Ct);
        return (shop, customer, StoreInvoice(shop));
    }

    /// <summary>An invoice as the invoices part of the sandbox would keep it: only its scope matters here.</summary>
    private StoredObject StoreInvoice(ConnectedShop shop)
    {
        var id = Ids.New("in");
        return sandbox.Services.GetRequiredService<SandboxStore>().Save(new StoredObject
        {
            Id = id, Kind = "invoice", Platform = shop.Platform.Name, Livemode = false, Account = shop.AccountId,
            Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Data = new JsonObject { ["id"] = id, ["object"] = "invoice" },
        });
    }

    private void Subscribe() =>
        _subscription ??= sandbox.Services.GetRequiredService<PaymentIntentOutcomes>().Subscribe(_outcomes.Enqueue);

    private List<PaymentIntentOutcome> OutcomesFor(string paymentIntentId) =>
        _outcomes.Where(o => o.PaymentIntent.Id == paymentIntentId).ToList();
}
