using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Recur.Web.Catalog;
using Recur.Web.Checkout;
using Recur.Web.Data;
using Recur.Web.Webhooks;
using RecurSubscription = Recur.Web.Subscriptions.Subscription;
using StripeSubscription = global::Stripe.Subscription;

namespace Recur.Web.Emails;

/// <summary>
/// Writes the customer emails a stored Stripe event calls for, into the outbox: a receipt for each payment with money
/// in it (<c>invoice.paid</c>, and <c>payment_intent.succeeded</c> of a one-off order), a failed payment
/// (<c>invoice.payment_failed</c>), a payment waiting for 3-D Secure (<c>invoice.payment_action_required</c>), a trial
/// about to end (<c>customer.subscription.trial_will_end</c>) and a subscription that ended
/// (<c>customer.subscription.deleted</c>). Only for subscriptions and orders Recur knows, to the customer Recur has for
/// them. One email per (event, kind): a duplicate or replayed event writes nothing more. Runs after
/// <see cref="Subscriptions.SubscriptionEvents"/>, so the payment rows it reads are up to date.
/// </summary>
public sealed partial class EmailEvents(AppDbContext db, OutboxSender sender, IOptions<EmailOptions> options, TimeProvider time,
    ILogger<EmailEvents> logger)
{
    public static bool Handles(string type) => type is "invoice.paid" or "invoice.payment_failed" or "invoice.payment_action_required"
        or "customer.subscription.trial_will_end" or "customer.subscription.deleted" or "payment_intent.succeeded";

    public async Task ApplyAsync(StripeEvent row, CancellationToken cancellationToken)
    {
        if (row.Account is not { } account || !Handles(row.Type))
        {
            return;
        }
        var stripeEvent = EventUtility.ParseEvent(row.Payload, throwOnApiVersionMismatch: false);
        var email = stripeEvent.Data.Object switch
        {
            Invoice invoice => await FromInvoiceAsync(row, account, invoice, cancellationToken),
            StripeSubscription subscription => await FromSubscriptionAsync(row, account, subscription, cancellationToken),
            PaymentIntent intent when row.Type == "payment_intent.succeeded" => await FromOneOffAsync(row, account, intent, cancellationToken),
            _ => null,
        };
        if (email is null)
        {
            return;
        }
        if (await db.OutboxEmails.IgnoreQueryFilters().AnyAsync(e => e.StripeEventId == row.Id && e.Kind == email.Kind, cancellationToken))
        {
            LogAlreadyWritten(logger, row.Id, email.Kind);
            return;
        }
        db.OutboxEmails.Add(email);
        await db.SaveChangesAsync(cancellationToken);
        LogWritten(logger, email.Id, email.Kind, row.Id, email.TenantId);
        if (email.Status == EmailStatus.Queued)
        {
            sender.Wake();
        }
    }

    private async Task<OutboxEmail?> FromInvoiceAsync(StripeEvent row, string account, Invoice invoice, CancellationToken cancellationToken)
    {
        if (invoice.Parent?.SubscriptionDetails?.SubscriptionId is not { } stripeSubscriptionId
            || await SubscriptionAsync(row, account, stripeSubscriptionId, cancellationToken) is not { } subscription)
        {
            return null;
        }
        // A first invoice is paid (or declined, or authenticated) by the customer on the checkout page, which tells
        // them at once: only its receipt is emailed.
        var atCheckout = invoice.BillingReason == "subscription_create";
        var payment = await db.Payments.IgnoreQueryFilters()
            .SingleOrDefaultAsync(p => p.StripeAccountId == account && p.StripeInvoiceId == invoice.Id, cancellationToken);
        // Until Recur has a customer portal, the link to pay, change the card or authenticate is Stripe's hosted
        // invoice page (hosted_invoice_url), which does all three for an open invoice.
        var invoiceUrl = payment?.HostedInvoiceUrl ?? invoice.HostedInvoiceUrl;
        switch (row.Type)
        {
            case "invoice.paid" when invoice.AmountPaid > 0:
                return await WriteAsync(row, subscription.TenantId, subscription.CustomerId, EmailKind.Receipt, async (business, name) =>
                    EmailMessages.Receipt(business, name, await ItemAsync(subscription.OfferId, invoice.Description, cancellationToken),
                        Money.Format(invoice.AmountPaid, invoice.Currency),
                        Utc(invoice.StatusTransitions?.PaidAt) ?? payment?.PaidAt ?? row.CreatedAt, invoice.Number, invoiceUrl), cancellationToken);
            case "invoice.payment_failed" when !atCheckout:
                return await WriteAsync(row, subscription.TenantId, subscription.CustomerId, EmailKind.PaymentFailed, async (business, name) =>
                    EmailMessages.PaymentFailed(business, name, await ItemAsync(subscription.OfferId, invoice.Description, cancellationToken),
                        Money.Format(invoice.AmountRemaining, invoice.Currency), Utc(invoice.NextPaymentAttempt), invoiceUrl), cancellationToken);
            case "invoice.payment_action_required" when !atCheckout:
                return await WriteAsync(row, subscription.TenantId, subscription.CustomerId, EmailKind.ActionRequired, async (business, name) =>
                    EmailMessages.ActionRequired(business, name, await ItemAsync(subscription.OfferId, invoice.Description, cancellationToken),
                        Money.Format(invoice.AmountRemaining, invoice.Currency), invoiceUrl), cancellationToken);
            default:
                return null;
        }
    }

    private async Task<OutboxEmail?> FromSubscriptionAsync(StripeEvent row, string account, StripeSubscription stripeSubscription,
        CancellationToken cancellationToken)
    {
        if (await SubscriptionAsync(row, account, stripeSubscription.Id, cancellationToken) is not { } subscription)
        {
            return null;
        }
        switch (row.Type)
        {
            case "customer.subscription.trial_will_end" when Utc(stripeSubscription.TrialEnd) is { } trialEnd:
                var offer = await db.Offers.IgnoreQueryFilters().SingleOrDefaultAsync(o => o.Id == subscription.OfferId, cancellationToken);
                return await WriteAsync(row, subscription.TenantId, subscription.CustomerId, EmailKind.TrialEnding, (business, name) =>
                    Task.FromResult(EmailMessages.TrialEnding(business, name, offer?.Name ?? "your subscription", trialEnd, offer is null ? null : Price(offer))),
                    cancellationToken);
            // Only a subscription that ran (paid or trialing) ends for the customer: an abandoned checkout's does
            // not. A simulation's copy ends when the merchant deletes its test clock: not the customer's business.
            case "customer.subscription.deleted" when stripeSubscription.Status == "canceled"
                && (subscription.FirstPaidAt is not null || subscription.TrialEnd is not null) && subscription.SimulationOf is null:
                return await WriteAsync(row, subscription.TenantId, subscription.CustomerId, EmailKind.Cancellation, async (business, name) =>
                    EmailMessages.Cancellation(business, name, await ItemAsync(subscription.OfferId, null, cancellationToken),
                        Utc(stripeSubscription.EndedAt) ?? Utc(stripeSubscription.CanceledAt) ?? row.CreatedAt), cancellationToken);
            default:
                return null;
        }
    }

    /// <summary>A one-off purchase: its PaymentIntent belongs to an order without a subscription.</summary>
    private async Task<OutboxEmail?> FromOneOffAsync(StripeEvent row, string account, PaymentIntent intent, CancellationToken cancellationToken)
    {
        var order = await db.Orders.IgnoreQueryFilters().SingleOrDefaultAsync(o => o.StripeAccountId == account && o.Environment == row.Environment
            && o.StripeIntentId == intent.Id && o.IntentKind == IntentKind.Payment && o.SubscriptionId == null, cancellationToken);
        if (order is null || intent.AmountReceived <= 0)
        {
            return null;
        }
        var tenant = await db.Tenants.IgnoreQueryFilters().SingleAsync(t => t.Id == order.TenantId, cancellationToken);
        var content = EmailMessages.Receipt(tenant.Name, order.Name, await ItemAsync(order.OfferId, intent.Description, cancellationToken),
            Money.Format(intent.AmountReceived, intent.Currency), row.CreatedAt, null, null);
        return new OutboxEmail(order.TenantId, EmailKind.Receipt, row.Id, order.Email, tenant.Name, content, options.Value.IsConfigured, time.GetUtcNow());
    }

    private Task<RecurSubscription?> SubscriptionAsync(StripeEvent row, string account, string stripeSubscriptionId, CancellationToken cancellationToken) =>
        db.Subscriptions.IgnoreQueryFilters().SingleOrDefaultAsync(
            s => s.StripeAccountId == account && s.Environment == row.Environment && s.StripeSubscriptionId == stripeSubscriptionId, cancellationToken);

    private async Task<OutboxEmail?> WriteAsync(StripeEvent row, Guid tenantId, Guid customerId, EmailKind kind,
        Func<string, string?, Task<EmailContent>> compose, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.IgnoreQueryFilters().SingleOrDefaultAsync(c => c.Id == customerId, cancellationToken);
        if (customer is null || string.IsNullOrWhiteSpace(customer.Email))
        {
            LogNoRecipient(logger, row.Id, kind);
            return null;
        }
        var tenant = await db.Tenants.IgnoreQueryFilters().SingleAsync(t => t.Id == tenantId, cancellationToken);
        var content = await compose(tenant.Name, customer.Name);
        return new OutboxEmail(tenantId, kind, row.Id, customer.Email, tenant.Name, content, options.Value.IsConfigured, time.GetUtcNow());
    }

    /// <summary>What was bought, in the customer's words: the offer's name.</summary>
    private async Task<string> ItemAsync(Guid offerId, string? fallback, CancellationToken cancellationToken) =>
        await db.Offers.IgnoreQueryFilters().Where(o => o.Id == offerId).Select(o => o.Name).SingleOrDefaultAsync(cancellationToken)
        ?? (string.IsNullOrWhiteSpace(fallback) ? "your purchase" : fallback);

    private static string Price(Offer offer) =>
        $"{Money.Format(offer.AmountMinor, offer.Currency)} {OfferRules.DescribeInterval(offer.Interval, offer.IntervalCount)}";

    private static DateTimeOffset? Utc(DateTime? value) => CheckoutOrders.Utc(value);

    [LoggerMessage(Level = LogLevel.Information, Message = "Email {EmailId} ({Kind}) written for Stripe event {EventId}, tenant {TenantId}")]
    private static partial void LogWritten(ILogger logger, Guid emailId, EmailKind kind, string eventId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stripe event {EventId}: the {Kind} email was already written")]
    private static partial void LogAlreadyWritten(ILogger logger, string eventId, EmailKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event {EventId}: no customer address for the {Kind} email")]
    private static partial void LogNoRecipient(ILogger logger, string eventId, EmailKind kind);
}
