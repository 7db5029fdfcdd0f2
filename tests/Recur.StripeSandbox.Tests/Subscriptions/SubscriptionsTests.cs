using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.PaymentIntents;
using Stripe;

namespace Recur.StripeSandbox.Tests.Subscriptions;

/// <summary>
/// Subscriptions on a connected account through Stripe.net as Recur creates them (<c>default_incomplete</c>, the first
/// invoice's confirmation secret, <c>on_subscription</c>), with time moved by test clocks: activation, idempotent
/// creation, trials with a pending SetupIntent, renewals, failed renewals and their retries, expiry, cancellation.
/// </summary>
public sealed class SubscriptionsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset Start => BillingShop.Start;

    [Fact]
    public async Task A_subscription_starts_incomplete_with_a_confirmation_secret_and_is_active_once_its_invoice_is_paid()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, customer, clock, created, paid) = await shop.ActiveSubscriptionAsync();
        var subscription = await shop.SubscriptionAsync(created.Id);
        var invoice = await shop.InvoiceAsync(created.LatestInvoiceId);

        Assert.Equal("incomplete", created.Status);
        Assert.Equal(clock.Id, created.TestClockId);
        Assert.Equal(Start.UtcDateTime, created.StartDate);
        Assert.Equal(Start.UtcDateTime, created.Items.Data[0].CurrentPeriodStart);
        Assert.Equal(Start.AddMonths(1).UtcDateTime, created.Items.Data[0].CurrentPeriodEnd);
        Assert.Null(created.PendingSetupIntent);
        Assert.Equal("open", created.LatestInvoice.Status);
        Assert.Equal("subscription_create", created.LatestInvoice.BillingReason);
        Assert.Equal(1500, created.LatestInvoice.AmountDue);
        Assert.Equal(created.Id, created.LatestInvoice.Parent.SubscriptionDetails.SubscriptionId);
        Assert.Equal("payment_intent", created.LatestInvoice.ConfirmationSecret.Type);
        Assert.Equal("succeeded", paid.Status);
        Assert.Equal("off_session", paid.SetupFutureUsage);
        Assert.Equal(["card"], paid.PaymentMethodTypes);
        Assert.Equal("Subscription creation", paid.Description);
        Assert.Equal("active", subscription.Status);
        Assert.Equal(paid.PaymentMethodId, subscription.DefaultPaymentMethodId);
        Assert.Equal("paid", invoice.Status);
        Assert.Equal(1500, invoice.AmountPaid);
        Assert.Equal(0, invoice.AmountRemaining);
        Assert.Equal(1, invoice.AttemptCount);
        Assert.Equal(Start.UtcDateTime, invoice.StatusTransitions.PaidAt);
        var payment = Assert.Single(invoice.Payments.Data);
        Assert.Equal("paid", payment.Status);
        Assert.Equal(1500, payment.AmountPaid);
        Assert.True(payment.IsDefault);
        Assert.Equal(paid.Id, payment.Payment.PaymentIntentId);
        var events = await shop.EventTypesAsync();
        Assert.Equal(["customer.subscription.created", "invoice.created", "invoice.finalized", "invoice_payment.paid",
                "invoice.paid", "invoice.payment_succeeded", "customer.subscription.updated"],
            events.Where(e => e.StartsWith("customer.subscription.", StringComparison.Ordinal) || e.StartsWith("invoice", StringComparison.Ordinal)));
        var update = Assert.Single(await shop.EventsJsonAsync("customer.subscription.updated", created.Id));
        Assert.Equal("incomplete", update["data"]!["previous_attributes"]!["status"]!.ToString());
        Assert.Equal(shop.Shop.AccountId, update["account"]!.ToString());
    }

    [Fact]
    public async Task A_declined_first_payment_keeps_the_subscription_incomplete_until_another_card_pays()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var (customer, _) = await shop.CustomerOnClockAsync();
        var created = await shop.SubscribeAsync(customer.Id, price.Id);

        var declined = await Assert.ThrowsAsync<StripeException>(() => shop.PayFirstInvoiceAsync(created, "pm_card_chargeDeclined"));
        var waiting = await shop.SubscriptionAsync(created.Id);
        await shop.PayFirstInvoiceAsync(created);
        var active = await shop.SubscriptionAsync(created.Id);

        Assert.Equal(HttpStatusCode.PaymentRequired, declined.HttpStatusCode);
        Assert.Equal("generic_decline", declined.StripeError.DeclineCode);
        Assert.Equal("incomplete", waiting.Status);
        Assert.Equal("open", waiting.LatestInvoice.Status);
        Assert.Equal(1, waiting.LatestInvoice.AttemptCount);
        Assert.Null(waiting.LatestInvoice.NextPaymentAttempt);
        Assert.Equal("active", active.Status);
        Assert.Equal("paid", active.LatestInvoice.Status);
        Assert.Contains("invoice.payment_failed", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task A_new_price_shows_at_once_and_is_billed_from_the_next_period()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var gold = await shop.PriceAsync();
        var silver = await shop.PriceAsync(amount: 900, name: "Silver plan");
        var (customer, clock) = await shop.CustomerOnClockAsync();
        var created = await shop.SubscribeAsync(customer.Id, gold.Id);
        await shop.PayFirstInvoiceAsync(created);

        var updated = await shop.Server.V1.Subscriptions.UpdateAsync(created.Id, new SubscriptionUpdateOptions
        {
            Items = [new SubscriptionItemOptions { Id = created.Items.Data[0].Id, Price = silver.Id }],
            ProrationBehavior = "none",
            Metadata = new Dictionary<string, string> { ["plan"] = "silver" },
        }, shop.On(), Ct);
        await shop.AdvanceAsync(clock.Id, Start.AddMonths(1).AddDays(1));
        var renewed = await shop.SubscriptionAsync(created.Id);

        Assert.Equal(silver.Id, updated.Items.Data[0].Price.Id);
        Assert.Equal("silver", updated.Metadata["plan"]);
        Assert.Equal("order-1", updated.Metadata["recur_order_id"]);
        Assert.Single(await shop.InvoicesAsync(created.Id), i => i.AmountPaid == 1500);
        Assert.Equal(900, renewed.LatestInvoice.AmountPaid);
        Assert.Equal("1 × Silver plan (at £9.00 / month)", renewed.LatestInvoice.Lines.Data[0].Description);
        var update = (await shop.EventsJsonAsync("customer.subscription.updated", created.Id))[1];
        Assert.NotNull(update["data"]!["previous_attributes"]!["items"]);
        Assert.NotNull(update["data"]!["previous_attributes"]!["metadata"]);
    }

    [Fact]
    public async Task Creating_twice_with_one_idempotency_key_makes_one_subscription()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var (customer, _) = await shop.CustomerOnClockAsync();

        var first = await shop.SubscribeAsync(customer.Id, price.Id, idempotencyKey: "order-42-subscription");
        var second = await shop.SubscribeAsync(customer.Id, price.Id, idempotencyKey: "order-42-subscription");
        var list = await shop.Server.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customer.Id }, shop.On(), Ct);
        var invoices = await shop.Server.V1.Invoices.ListAsync(new InvoiceListOptions { Customer = customer.Id }, shop.On(), Ct);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.LatestInvoice.ConfirmationSecret.ClientSecret, second.LatestInvoice.ConfirmationSecret.ClientSecret);
        Assert.Equal(first.Id, Assert.Single(list.Data).Id);
        Assert.Single(invoices.Data);
    }

    [Fact]
    public async Task A_trial_collects_the_card_with_a_setup_intent_then_charges_it_when_the_trial_ends()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var (customer, clock) = await shop.CustomerOnClockAsync();

        var created = await shop.SubscribeAsync(customer.Id, price.Id, trialDays: 14);
        var confirm = new SetupIntentConfirmOptions { PaymentMethod = "pm_card_visa", ReturnUrl = "https://shop.example/done" };
        confirm.AddExtraParam("client_secret", created.PendingSetupIntent.ClientSecret);
        var setup = await shop.Shop.Browser.V1.SetupIntents.ConfirmAsync(created.PendingSetupIntent.Id, confirm, shop.On(), Ct);
        var trialing = await shop.SubscriptionAsync(created.Id);
        await shop.AdvanceAsync(clock.Id, Start.AddDays(15));
        var renewed = await shop.SubscriptionAsync(created.Id);
        var invoices = await shop.InvoicesAsync(created.Id);

        Assert.Equal("trialing", created.Status);
        Assert.Equal(Start.AddDays(14).UtcDateTime, created.TrialEnd);
        Assert.Equal(Start.AddDays(14).UtcDateTime, created.Items.Data[0].CurrentPeriodEnd);
        Assert.Equal("paid", created.LatestInvoice.Status);
        Assert.Equal(0, created.LatestInvoice.AmountDue);
        Assert.Null(created.LatestInvoice.ConfirmationSecret);
        Assert.Equal("requires_payment_method", created.PendingSetupIntent.Status);
        Assert.Equal(customer.Id, created.PendingSetupIntent.CustomerId);
        Assert.Equal(["card"], created.PendingSetupIntent.PaymentMethodTypes);
        Assert.Equal("succeeded", setup.Status);
        Assert.Equal("trialing", trialing.Status);
        Assert.Equal(setup.PaymentMethodId, trialing.DefaultPaymentMethodId);
        Assert.Null(trialing.PendingSetupIntentId);
        Assert.Equal("active", renewed.Status);
        Assert.Equal(Start.AddDays(14).UtcDateTime, renewed.Items.Data[0].CurrentPeriodStart);
        Assert.Equal(Start.AddDays(14).AddMonths(1).UtcDateTime, renewed.Items.Data[0].CurrentPeriodEnd);
        Assert.Equal(2, invoices.Count);
        Assert.Equal("subscription_cycle", renewed.LatestInvoice.BillingReason);
        Assert.Equal("paid", renewed.LatestInvoice.Status);
        Assert.Equal(1500, renewed.LatestInvoice.AmountPaid);
        Assert.Contains("customer.subscription.trial_will_end", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task Advancing_the_clock_past_the_period_end_renews_with_a_new_period_and_a_paid_second_invoice()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, _, clock, created, paid) = await shop.ActiveSubscriptionAsync();

        var advanced = await shop.AdvanceAsync(clock.Id, Start.AddMonths(1).AddDays(1));
        var renewed = await shop.SubscriptionAsync(created.Id);
        var invoices = await shop.InvoicesAsync(created.Id);
        var second = renewed.LatestInvoice;
        var secondPayment = await shop.PaymentIntentAsync(Assert.Single(second.Payments.Data).Payment.PaymentIntentId);

        Assert.Equal("ready", advanced.Status);
        Assert.Equal(Start.AddMonths(1).AddDays(1).UtcDateTime, advanced.FrozenTime);
        Assert.Equal("active", renewed.Status);
        Assert.Equal(Start.AddMonths(1).UtcDateTime, renewed.Items.Data[0].CurrentPeriodStart);
        Assert.Equal(Start.AddMonths(2).UtcDateTime, renewed.Items.Data[0].CurrentPeriodEnd);
        Assert.Equal(2, invoices.Count);
        Assert.Equal("subscription_cycle", second.BillingReason);
        Assert.Equal("paid", second.Status);
        Assert.Equal(1500, second.AmountPaid);
        Assert.Equal(Start.AddMonths(1).UtcDateTime, second.Created);
        Assert.Equal(Start.AddMonths(1).UtcDateTime, second.Lines.Data[0].Period.Start);
        Assert.Equal(Start.AddMonths(2).UtcDateTime, second.Lines.Data[0].Period.End);
        Assert.Equal(paid.PaymentMethodId, secondPayment.PaymentMethodId);
        Assert.Equal("Subscription update", secondPayment.Description);
        var events = await shop.EventTypesAsync();
        Assert.Equal(2, events.Count(e => e == "invoice.paid"));
        Assert.Contains("test_helpers.test_clock.advancing", events);
        Assert.Contains("test_helpers.test_clock.ready", events);
    }

    [Fact]
    public async Task A_card_that_cannot_be_charged_fails_the_renewal_past_due_then_cancels_the_subscription_after_the_retries()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, customer, clock, created, _) = await shop.ActiveSubscriptionAsync();
        var failing = await shop.RenewWithCardAsync(created.Id, customer.Id, "pm_card_chargeCustomerFail");

        await shop.AdvanceAsync(clock.Id, Start.AddMonths(1).AddHours(1));
        var pastDue = await shop.SubscriptionAsync(created.Id);
        var failedInvoice = pastDue.LatestInvoice;
        var intent = await shop.PaymentIntentAsync(BillingShop.PaymentIntentOf(failedInvoice));
        await shop.AdvanceAsync(clock.Id, Start.AddMonths(1).AddDays(8));
        var ended = await shop.SubscriptionAsync(created.Id);
        var lastInvoice = await shop.InvoiceAsync(failedInvoice.Id);

        Assert.Equal("past_due", pastDue.Status);
        Assert.Equal("open", failedInvoice.Status);
        Assert.Equal(1, failedInvoice.AttemptCount);
        Assert.True(failedInvoice.Attempted);
        Assert.Equal(Start.AddMonths(1).AddDays(3).UtcDateTime, failedInvoice.NextPaymentAttempt);
        Assert.Equal("requires_payment_method", intent.Status);
        Assert.Equal("card_declined", intent.LastPaymentError.Code);
        Assert.Equal(failing.Id, intent.LastPaymentError.PaymentMethod.Id);
        Assert.Equal("canceled", ended.Status);
        Assert.Equal("payment_failed", ended.CancellationDetails.Reason);
        Assert.Equal(Start.AddMonths(1).AddDays(7).UtcDateTime, ended.EndedAt);
        Assert.Equal(4, lastInvoice.AttemptCount);
        Assert.Null(lastInvoice.NextPaymentAttempt);
        Assert.Equal("open", lastInvoice.Status);
        var events = await shop.EventTypesAsync();
        Assert.Equal(4, events.Count(e => e == "invoice.payment_failed"));
        Assert.Contains("customer.subscription.deleted", events);
    }

    [Fact]
    public async Task An_unpaid_subscription_is_left_incomplete_expired_after_23_hours_with_its_invoice_voided()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var (customer, clock) = await shop.CustomerOnClockAsync();
        var created = await shop.SubscribeAsync(customer.Id, price.Id);

        await shop.AdvanceAsync(clock.Id, Start.AddHours(22));
        var stillIncomplete = await shop.SubscriptionAsync(created.Id);
        await shop.AdvanceAsync(clock.Id, Start.AddHours(24));
        var expired = await shop.SubscriptionAsync(created.Id);
        var intent = await shop.PaymentIntentAsync(BillingShop.PaymentIntentOf(created.LatestInvoice));

        Assert.Equal("incomplete", stillIncomplete.Status);
        Assert.Equal("incomplete_expired", expired.Status);
        Assert.Equal(Start.AddHours(23).UtcDateTime, expired.EndedAt);
        Assert.Equal("void", expired.LatestInvoice.Status);
        Assert.Equal("canceled", intent.Status);
        Assert.Equal("canceled", Assert.Single(expired.LatestInvoice.Payments.Data).Status);
        var update = Assert.Single(await shop.EventsJsonAsync("customer.subscription.updated", created.Id));
        Assert.Equal("incomplete", update["data"]!["previous_attributes"]!["status"]!.ToString());
        Assert.Contains("invoice.voided", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task Cancel_at_period_end_ends_the_subscription_when_the_period_ends_without_another_invoice()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, customer, clock, created, _) = await shop.ActiveSubscriptionAsync();

        var scheduled = await shop.Server.V1.Subscriptions.UpdateAsync(created.Id,
            new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, shop.On(), Ct);
        await shop.AdvanceAsync(clock.Id, Start.AddMonths(1).AddDays(-1));
        var beforeEnd = await shop.SubscriptionAsync(created.Id);
        await shop.AdvanceAsync(clock.Id, Start.AddMonths(1).AddDays(1));
        var ended = await shop.SubscriptionAsync(created.Id);
        var listed = await shop.Server.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customer.Id }, shop.On(), Ct);
        var listedCanceled = await shop.Server.V1.Subscriptions.ListAsync(
            new SubscriptionListOptions { Customer = customer.Id, Status = "canceled" }, shop.On(), Ct);

        Assert.True(scheduled.CancelAtPeriodEnd);
        Assert.Equal(Start.AddMonths(1).UtcDateTime, scheduled.CancelAt);
        Assert.Equal("active", scheduled.Status);
        Assert.Equal("active", beforeEnd.Status);
        Assert.Equal("canceled", ended.Status);
        Assert.Equal(Start.AddMonths(1).UtcDateTime, ended.EndedAt);
        Assert.Equal("cancellation_requested", ended.CancellationDetails.Reason);
        Assert.Single(await shop.InvoicesAsync(created.Id));
        Assert.Empty(listed.Data);
        Assert.Single(listedCanceled.Data);
        var deleted = Assert.Single(await shop.EventsJsonAsync("customer.subscription.deleted", created.Id));
        Assert.Equal("canceled", deleted["data"]!["object"]!["status"]!.ToString());
    }

    [Fact]
    public async Task Resuming_before_the_period_end_keeps_the_subscription_renewing()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, _, clock, created, _) = await shop.ActiveSubscriptionAsync();

        await shop.Server.V1.Subscriptions.UpdateAsync(created.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true }, shop.On(), Ct);
        var resumed = await shop.Server.V1.Subscriptions.UpdateAsync(created.Id,
            new SubscriptionUpdateOptions { CancelAtPeriodEnd = false }, shop.On(), Ct);
        await shop.AdvanceAsync(clock.Id, Start.AddMonths(1).AddDays(1));
        var renewed = await shop.SubscriptionAsync(created.Id);

        Assert.False(resumed.CancelAtPeriodEnd);
        Assert.Null(resumed.CancelAt);
        Assert.Null(resumed.CanceledAt);
        Assert.Equal("active", renewed.Status);
        Assert.Equal(2, (await shop.InvoicesAsync(created.Id)).Count);
    }

    [Fact]
    public async Task A_fixed_term_ends_at_cancel_at()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var (customer, clock) = await shop.CustomerOnClockAsync();
        var created = await shop.SubscribeAsync(customer.Id, price.Id, cancelAt: Start.AddMonths(2).UtcDateTime);
        await shop.PayFirstInvoiceAsync(created);

        await shop.AdvanceAsync(clock.Id, Start.AddMonths(1).AddDays(1));
        var second = await shop.SubscriptionAsync(created.Id);
        await shop.AdvanceAsync(clock.Id, Start.AddMonths(2).AddDays(1));
        var ended = await shop.SubscriptionAsync(created.Id);

        Assert.Equal(Start.AddMonths(2).UtcDateTime, created.CancelAt);
        Assert.False(created.CancelAtPeriodEnd);
        Assert.Equal("active", second.Status);
        Assert.Equal("canceled", ended.Status);
        Assert.Equal(Start.AddMonths(2).UtcDateTime, ended.EndedAt);
        Assert.Equal(2, (await shop.InvoicesAsync(created.Id)).Count);
    }

    [Fact]
    public async Task A_joining_fee_is_on_the_first_invoice_only()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var fee = await shop.PriceAsync(amount: 2500, interval: null, name: "Joining fee");
        var (customer, clock) = await shop.CustomerOnClockAsync();

        var created = await shop.SubscribeAsync(customer.Id, price.Id, joiningFeePriceId: fee.Id);
        await shop.PayFirstInvoiceAsync(created);
        await shop.AdvanceAsync(clock.Id, Start.AddMonths(1).AddDays(1));
        var renewed = await shop.SubscriptionAsync(created.Id);
        var items = await shop.Server.V1.InvoiceItems.ListAsync(new InvoiceItemListOptions { Customer = customer.Id }, shop.On(), Ct);

        var first = created.LatestInvoice;
        Assert.Equal(4000, first.AmountDue);
        Assert.Equal(2, first.Lines.Data.Count);
        var feeLine = Assert.Single(first.Lines.Data, l => l.Parent.Type == "invoice_item_details");
        Assert.Equal(2500, feeLine.Amount);
        Assert.Equal("Joining fee", feeLine.Description);
        Assert.Equal(fee.Id, feeLine.Pricing.PriceDetails.PriceId);
        var planLine = Assert.Single(first.Lines.Data, l => l.Parent.Type == "subscription_item_details");
        Assert.Equal("1 × Gold plan (at £15.00 / month)", planLine.Description);
        Assert.Equal(created.Items.Data[0].Id, planLine.Parent.SubscriptionItemDetails.SubscriptionItem);
        Assert.Equal(1500, renewed.LatestInvoice.AmountDue);
        Assert.Single(renewed.LatestInvoice.Lines.Data);
        var item = Assert.Single(items.Data);
        Assert.Equal(first.Id, item.InvoiceId);
        Assert.Equal(created.Id, item.Parent.SubscriptionDetails.Subscription);
    }

    [Fact]
    public async Task A_trial_with_a_joining_fee_charges_the_fee_now_and_the_plan_when_the_trial_ends()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var fee = await shop.PriceAsync(amount: 2500, interval: null, name: "Joining fee");
        var (customer, clock) = await shop.CustomerOnClockAsync();

        var created = await shop.SubscribeAsync(customer.Id, price.Id, trialDays: 14, joiningFeePriceId: fee.Id);
        await shop.PayFirstInvoiceAsync(created);
        var trialing = await shop.SubscriptionAsync(created.Id);
        await shop.AdvanceAsync(clock.Id, Start.AddDays(15));
        var active = await shop.SubscriptionAsync(created.Id);

        Assert.Equal("incomplete", created.Status);
        Assert.Null(created.PendingSetupIntent);
        Assert.Equal(2500, created.LatestInvoice.AmountDue);
        Assert.Equal("trialing", trialing.Status);
        Assert.Equal("active", active.Status);
        Assert.Equal(1500, active.LatestInvoice.AmountPaid);
        Assert.Contains("customer.subscription.trial_will_end", await shop.EventTypesAsync());
    }

    [Fact]
    public async Task Allow_incomplete_charges_the_default_payment_method_at_once()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var price = await shop.PriceAsync();
        var (customer, _) = await shop.CustomerOnClockAsync();

        var subscription = await shop.Server.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id,
            Items = [new SubscriptionItemOptions { Price = price.Id }],
            DefaultPaymentMethod = "pm_card_visa",
            Expand = ["latest_invoice"],
        }, shop.On(), Ct);
        var declined = await shop.Server.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id,
            Items = [new SubscriptionItemOptions { Price = price.Id }],
            DefaultPaymentMethod = "pm_card_chargeCustomerFail",
            Expand = ["latest_invoice"],
        }, shop.On(), Ct);
        var refused = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.Subscriptions.CreateAsync(
            new SubscriptionCreateOptions
            {
                Customer = customer.Id,
                Items = [new SubscriptionItemOptions { Price = price.Id }],
                DefaultPaymentMethod = "pm_card_chargeCustomerFail",
                PaymentBehavior = "error_if_incomplete",
            }, shop.On(), Ct));

        Assert.Equal("active", subscription.Status);
        Assert.Equal("paid", subscription.LatestInvoice.Status);
        Assert.Equal("incomplete", declined.Status);
        Assert.Equal("open", declined.LatestInvoice.Status);
        Assert.Equal(1, declined.LatestInvoice.AttemptCount);
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.HttpStatusCode);
        Assert.Equal("card_declined", refused.StripeError.Code);
    }

    [Fact]
    public async Task Canceling_now_ends_the_subscription_and_stops_its_renewals()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, _, clock, created, _) = await shop.ActiveSubscriptionAsync();

        await shop.AdvanceAsync(clock.Id, Start.AddDays(10));
        var canceled = await shop.Server.V1.Subscriptions.CancelAsync(created.Id,
            new SubscriptionCancelOptions { InvoiceNow = false, Prorate = false }, shop.On(), Ct);
        await shop.AdvanceAsync(clock.Id, Start.AddMonths(1).AddDays(1));
        var again = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.Subscriptions.CancelAsync(created.Id, new SubscriptionCancelOptions(), shop.On(), Ct));

        Assert.Equal("canceled", canceled.Status);
        Assert.Equal(Start.AddDays(10).UtcDateTime, canceled.CanceledAt);
        Assert.Equal(Start.AddDays(10).UtcDateTime, canceled.EndedAt);
        Assert.Single(await shop.InvoicesAsync(created.Id));
        Assert.Equal(HttpStatusCode.BadRequest, again.HttpStatusCode);
    }

    [Fact]
    public async Task Subscriptions_are_listed_by_customer_status_price_and_test_clock()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var gold = await shop.PriceAsync();
        var silver = await shop.PriceAsync(amount: 900, name: "Silver plan");
        var (customer, clock) = await shop.CustomerOnClockAsync();
        var (other, _) = await shop.CustomerOnClockAsync();
        var first = await shop.SubscribeAsync(customer.Id, gold.Id);
        await shop.PayFirstInvoiceAsync(first);
        var second = await shop.SubscribeAsync(customer.Id, silver.Id);
        await shop.SubscribeAsync(other.Id, gold.Id);

        async Task<List<string>> Ids(SubscriptionListOptions options) =>
            (await shop.Server.V1.Subscriptions.ListAsync(options, shop.On(), Ct)).Data.Select(s => s.Id).ToList();

        Assert.Equal([second.Id, first.Id], await Ids(new SubscriptionListOptions { Customer = customer.Id }));
        Assert.Equal([first.Id], await Ids(new SubscriptionListOptions { Customer = customer.Id, Status = "active" }));
        Assert.Equal([second.Id], await Ids(new SubscriptionListOptions { Price = silver.Id }));
        Assert.Equal([second.Id, first.Id], await Ids(new SubscriptionListOptions { TestClock = clock.Id }));
        Assert.Empty((await shop.Server.V1.Subscriptions.ListAsync(new SubscriptionListOptions(), cancellationToken: Ct)).Data);
    }

    [Fact]
    public async Task Items_with_other_currencies_intervals_or_one_time_prices_are_refused_as_stripe_refuses_them()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var gbp = await shop.PriceAsync();
        var usd = await shop.PriceAsync(currency: "usd");
        var yearly = await shop.PriceAsync(interval: "year");
        var oneTime = await shop.PriceAsync(interval: null);
        var (customer, _) = await shop.CustomerOnClockAsync();

        Task<StripeException> Refused(SubscriptionCreateOptions options) =>
            Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.Subscriptions.CreateAsync(options, shop.On(), Ct));
        SubscriptionCreateOptions With(params string[] prices) => new()
        {
            Customer = customer.Id,
            Items = prices.Select(p => new SubscriptionItemOptions { Price = p }).ToList(),
            PaymentBehavior = "default_incomplete",
        };

        var currency = await Refused(With(gbp.Id, usd.Id));
        var interval = await Refused(With(gbp.Id, yearly.Id));
        var once = await Refused(With(oneTime.Id));
        var missingPrice = await Refused(With("price_missing"));
        var missingCustomer = await Refused(new SubscriptionCreateOptions { Items = [new SubscriptionItemOptions { Price = gbp.Id }] });
        var unknownCustomer = await Refused(new SubscriptionCreateOptions
        {
            Customer = "cus_missing",
            Items = [new SubscriptionItemOptions { Price = gbp.Id }],
        });
        var noItems = await Refused(new SubscriptionCreateOptions { Customer = customer.Id });
        var bacsInDollars = With(usd.Id);
        bacsInDollars.PaymentSettings = new SubscriptionPaymentSettingsOptions { PaymentMethodTypes = ["bacs_debit"] };
        var bacs = await Refused(bacsInDollars);
        var joiningFee = With(gbp.Id);
        joiningFee.AddInvoiceItems = [new SubscriptionAddInvoiceItemOptions { Price = gbp.Id }];
        var recurringFee = await Refused(joiningFee);

        Assert.Equal("Currency and interval fields must match across all plans on this subscription. Found mismatch in currency field.",
            currency.StripeError.Message);
        Assert.Equal("items[1][price]", currency.StripeError.Param);
        Assert.EndsWith("Found mismatch in interval field.", interval.StripeError.Message);
        Assert.Contains("`type=one_time`", once.StripeError.Message);
        Assert.Equal("items[0][price]", once.StripeError.Param);
        Assert.Equal(HttpStatusCode.NotFound, missingPrice.HttpStatusCode);
        Assert.Equal("resource_missing", missingPrice.StripeError.Code);
        Assert.Equal("parameter_missing", missingCustomer.StripeError.Code);
        Assert.Equal("customer", missingCustomer.StripeError.Param);
        Assert.Equal("No such customer: 'cus_missing'", unknownCustomer.StripeError.Message);
        Assert.Equal("items", noItems.StripeError.Param);
        Assert.Equal("payment_settings[payment_method_types]", bacs.StripeError.Param);
        Assert.Contains("bacs_debit only supports gbp", bacs.StripeError.Message);
        Assert.Equal("add_invoice_items[0][price]", recurringFee.StripeError.Param);
        Assert.Empty((await shop.Server.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Status = "all" }, shop.On(), Ct)).Data);
    }

    [Fact]
    public async Task Subscriptions_on_another_account_or_the_platform_are_not_found()
    {
        var platform = sandbox.NewPlatform();
        var shop = await BillingShop.OpenAsync(platform);
        var price = await shop.PriceAsync();
        var (customer, _) = await shop.CustomerOnClockAsync();
        var created = await shop.SubscribeAsync(customer.Id, price.Id);
        var otherShop = await ConnectedShop.OpenAsync(platform);

        var fromPlatform = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.Subscriptions.GetAsync(created.Id, cancellationToken: Ct));
        var fromOther = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.Subscriptions.GetAsync(created.Id, null, otherShop.On(), Ct));

        Assert.Equal(HttpStatusCode.NotFound, fromPlatform.HttpStatusCode);
        Assert.Equal($"No such subscription: '{created.Id}'", fromOther.StripeError.Message);
    }
}
