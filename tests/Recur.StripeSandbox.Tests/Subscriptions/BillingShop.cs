using System.Text.Json.Nodes;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.PaymentIntents;
using Stripe;
using Stripe.TestHelpers;

namespace Recur.StripeSandbox.Tests.Subscriptions;

/// <summary>
/// A connected account selling subscriptions as Recur does: products and prices on the account, a customer on a test
/// clock, subscriptions created with <c>default_incomplete</c>, <c>save_default_payment_method=on_subscription</c> and the
/// first invoice's confirmation secret (or the pending SetupIntent) expanded, then time moved with the clock.
/// </summary>
public sealed class BillingShop
{
    /// <summary>Where test clocks start: a fixed moment, so period ends are predictable (31 Jan: month ends clamp).</summary>
    public static readonly DateTimeOffset Start = new(2027, 1, 15, 10, 0, 0, TimeSpan.Zero);

    private BillingShop(ConnectedShop shop) => Shop = shop;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ConnectedShop Shop { get; }

    public StripeClient Server => Shop.Server;

    public static async Task<BillingShop> OpenAsync(SandboxPlatform platform) => new(await ConnectedShop.OpenAsync(platform));

    public RequestOptions On(string? idempotencyKey = null) => Shop.On(idempotencyKey);

    public async Task<Price> PriceAsync(long amount = 1500, string currency = "gbp", string? interval = "month",
        long intervalCount = 1, string name = "Gold plan")
    {
        var product = await Server.V1.Products.CreateAsync(new ProductCreateOptions { Name = name }, On(), Ct);
        return await Server.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Product = product.Id,
            UnitAmount = amount,
            Currency = currency,
            Recurring = interval is null ? null : new PriceRecurringOptions { Interval = interval, IntervalCount = intervalCount },
        }, On(), Ct);
    }

    public Task<TestClock> ClockAsync(DateTimeOffset? at = null) =>
        Server.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions
        {
            FrozenTime = (at ?? Start).UtcDateTime,
            Name = "Billing test",
        }, On(), Ct);

    public async Task<(Customer Customer, TestClock Clock)> CustomerOnClockAsync(DateTimeOffset? at = null)
    {
        var clock = await ClockAsync(at);
        return (await Shop.CustomerAsync(testClock: clock.Id), clock);
    }

    /// <summary>A subscription created as Recur's checkout creates it.</summary>
    public Task<Subscription> SubscribeAsync(string customerId, string priceId, string paymentType = "card",
        long? trialDays = null, string? joiningFeePriceId = null, string? idempotencyKey = null, DateTime? cancelAt = null,
        string paymentBehavior = "default_incomplete")
    {
        var options = new SubscriptionCreateOptions
        {
            Customer = customerId,
            Items = [new SubscriptionItemOptions { Price = priceId }],
            PaymentBehavior = paymentBehavior,
            PaymentSettings = new SubscriptionPaymentSettingsOptions
            {
                PaymentMethodTypes = [paymentType],
                SaveDefaultPaymentMethod = "on_subscription",
            },
            Metadata = new Dictionary<string, string> { ["recur_order_id"] = "order-1" },
            Expand = ["latest_invoice.confirmation_secret", "pending_setup_intent"],
        };
        if (trialDays is not null)
        {
            options.TrialPeriodDays = trialDays;
        }

        if (cancelAt is not null)
        {
            options.CancelAt = cancelAt;
        }

        if (joiningFeePriceId is not null)
        {
            options.AddInvoiceItems = [new SubscriptionAddInvoiceItemOptions { Price = joiningFeePriceId }];
        }

        return Server.V1.Subscriptions.CreateAsync(options, On(idempotencyKey ?? Guid.NewGuid().ToString()), Ct);
    }

    /// <summary>The PaymentIntent behind an invoice's confirmation secret (<c>pi_..._secret_...</c>).</summary>
    public static string PaymentIntentOf(Invoice invoice) =>
        invoice.ConfirmationSecret.ClientSecret[..invoice.ConfirmationSecret.ClientSecret.IndexOf("_secret_", StringComparison.Ordinal)];

    /// <summary>
    /// The usual start of a billing test: a monthly price, a customer on a test clock at <see cref="Start"/>, and that
    /// customer's subscription to the price, its first invoice paid with <c>pm_card_visa</c>, so it is active.
    /// </summary>
    public async Task<ActiveSubscription> ActiveSubscriptionAsync()
    {
        var price = await PriceAsync();
        var (customer, clock) = await CustomerOnClockAsync();
        var created = await SubscribeAsync(customer.Id, price.Id);
        var firstPayment = await PayFirstInvoiceAsync(created);
        return new ActiveSubscription(price, customer, clock, created, firstPayment);
    }

    /// <summary>Attaches a test card to the customer and makes it the subscription's default, so renewals charge it.</summary>
    public async Task<PaymentMethod> RenewWithCardAsync(string subscriptionId, string customerId, string testCard)
    {
        var card = await Server.V1.PaymentMethods.AttachAsync(testCard,
            new PaymentMethodAttachOptions { Customer = customerId }, On(), Ct);
        await Server.V1.Subscriptions.UpdateAsync(subscriptionId,
            new SubscriptionUpdateOptions { DefaultPaymentMethod = card.Id }, On(), Ct);
        return card;
    }

    /// <summary>Confirms the first invoice's payment as Stripe.js does: publishable key and client secret.</summary>
    public async Task<PaymentIntent> PayFirstInvoiceAsync(Subscription subscription, string paymentMethod = "pm_card_visa",
        PaymentIntentMandateDataOptions? mandate = null)
    {
        var secret = subscription.LatestInvoice.ConfirmationSecret.ClientSecret;
        var confirm = new PaymentIntentConfirmOptions { PaymentMethod = paymentMethod, ReturnUrl = "https://shop.example/done" };
        if (mandate is not null)
        {
            // Stripe.net sends an explicitly assigned null as an empty value, so only set what is given.
            confirm.MandateData = mandate;
        }
        confirm.AddExtraParam("client_secret", secret);
        return await Shop.Browser.V1.PaymentIntents.ConfirmAsync(PaymentIntentOf(subscription.LatestInvoice), confirm, On(), Ct);
    }

    /// <summary>The subscription with its latest invoice, that invoice's payments and confirmation secret expanded
    /// (both are includable: absent unless asked for, as at Stripe).</summary>
    public Task<Subscription> SubscriptionAsync(string id) =>
        Server.V1.Subscriptions.GetAsync(id, new SubscriptionGetOptions
        {
            Expand = ["latest_invoice.payments", "latest_invoice.confirmation_secret"],
        }, On(), Ct);

    public Task<Invoice> InvoiceAsync(string id) =>
        Server.V1.Invoices.GetAsync(id, new InvoiceGetOptions { Expand = ["payments", "confirmation_secret"] }, On(), Ct);

    public async Task<List<Invoice>> InvoicesAsync(string subscriptionId) =>
        (await Server.V1.Invoices.ListAsync(new InvoiceListOptions
        {
            Subscription = subscriptionId, Expand = ["data.payments", "data.confirmation_secret"],
        }, On(), Ct)).Data;

    public Task<PaymentIntent> PaymentIntentAsync(string id) => Server.V1.PaymentIntents.GetAsync(id, null, On(), Ct);

    public Task<TestClock> AdvanceAsync(string clockId, DateTimeOffset to) =>
        Server.V1.TestHelpers.TestClocks.AdvanceAsync(clockId, new TestClockAdvanceOptions { FrozenTime = to.UtcDateTime },
            On(), Ct);

    public Task<List<string>> EventTypesAsync() => Shop.EventTypesAsync();

    /// <summary>Every event about one object, oldest first.</summary>
    public async Task<List<Event>> EventsAboutAsync(string objectId)
    {
        var events = await Server.V1.Events.ListAsync(new EventListOptions { Limit = 100 }, On(), Ct);
        return events.Data.Where(e => (e.Data.Object as IHasId)?.Id == objectId).Reverse().ToList();
    }

    public Task<JsonObject> GetJsonAsync(string path) => Shop.GetJsonAsync(path);

    /// <summary>The events of one type about one object, as raw JSON, oldest first.</summary>
    public async Task<List<JsonObject>> EventsJsonAsync(string type, string objectId)
    {
        var list = await GetJsonAsync($"/v1/events?limit=100&type={type}");
        return list["data"]!.AsArray().OfType<JsonObject>()
            .Where(e => e["data"]!["object"]!["id"]!.ToString() == objectId)
            .Reverse()
            .ToList();
    }

    public Task<JsonObject> DeleteJsonAsync(string path) => Shop.DeleteJsonAsync(path);
}

/// <summary>What <see cref="BillingShop.ActiveSubscriptionAsync"/> made: <see cref="Created"/> is the subscription as
/// created (still <c>incomplete</c>), <see cref="FirstPayment"/> the first invoice's PaymentIntent once paid.</summary>
public sealed record ActiveSubscription(Price Price, Customer Customer, TestClock Clock, Subscription Created,
    PaymentIntent FirstPayment);
