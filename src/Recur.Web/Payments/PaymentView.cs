using Microsoft.EntityFrameworkCore;
using Recur.Web.Catalog;
using Recur.Web.Checkout;
using Recur.Web.Data;
using Recur.Web.Subscriptions;
using Payment = Recur.Web.Subscriptions.Payment;

namespace Recur.Web.Payments;

/// <summary>Where a payment stands, as the admin filters by it.</summary>
public enum PaymentState
{
    Succeeded,
    PartiallyRefunded,
    Refunded,
    Disputed,
    Processing,
    NeedsAuthentication,
    Failed,
    Incomplete,
    Canceled,
}

/// <summary>The Payments list's filter: a state, a method (<c>card</c>, <c>bacs_debit</c>), and text matched against the
/// customer's email or any Stripe id of the payment.</summary>
public sealed record PaymentFilter(PaymentState? State, string? Method, string? Search)
{
    public static readonly PaymentFilter All = new(null, null, null);

    public bool Matches(PaymentView view)
    {
        if (State is { } state && view.State != state)
        {
            return false;
        }
        if (!string.IsNullOrWhiteSpace(Method) && view.MethodType != Method)
        {
            return false;
        }
        if (Search?.Trim() is { Length: > 0 } text)
        {
            var p = view.Payment;
            return view.Customer?.Email.Contains(text, StringComparison.OrdinalIgnoreCase) == true
                || new[] { p.StripePaymentIntentId, p.StripeChargeId, p.StripeInvoiceId, view.Customer?.StripeCustomerId, view.Subscription?.StripeSubscriptionId }
                    .Any(id => string.Equals(id, text, StringComparison.Ordinal));
        }
        return true;
    }
}

/// <summary>A payment with what the admin panel shows next to it: its customer, what was bought, its state in words.</summary>
public sealed record PaymentView(Payment Payment, Customer? Customer, Subscription? Subscription, string? OfferName, Order? Order,
    bool RefundPending = false)
{
    public PaymentState State => StateOf(Payment);

    public static PaymentState StateOf(Payment p)
    {
        if (p.Disputed)
        {
            return PaymentState.Disputed;
        }
        if (p.Status == InvoiceStatus.Paid)
        {
            return p.AmountRefunded <= 0 ? PaymentState.Succeeded
                : p.AmountRefunded >= p.AmountPaid ? PaymentState.Refunded
                : PaymentState.PartiallyRefunded;
        }
        return (p.Status, p.PaymentIntentStatus) switch
        {
            (InvoiceStatus.Void, _) or (_, "canceled") => PaymentState.Canceled,
            (InvoiceStatus.Uncollectible, _) => PaymentState.Failed,
            (_, "processing") => PaymentState.Processing,
            (_, "requires_action" or "requires_confirmation") => PaymentState.NeedsAuthentication,
            (_, "requires_payment_method") when p.LastError is not null => PaymentState.Failed,
            _ => PaymentState.Incomplete,
        };
    }

    public static string Describe(PaymentState state) => state switch
    {
        PaymentState.Succeeded => "Succeeded",
        PaymentState.PartiallyRefunded => "Partially refunded",
        PaymentState.Refunded => "Refunded",
        PaymentState.Disputed => "Disputed",
        PaymentState.Processing => "Processing",
        PaymentState.NeedsAuthentication => "Waiting for the customer to authenticate",
        PaymentState.Failed => "Failed",
        PaymentState.Incomplete => "Incomplete",
        _ => "Canceled",
    };

    /// <summary>The state in words, with how much was refunded when part was.</summary>
    public string StateText => State switch
    {
        PaymentState.Refunded or PaymentState.PartiallyRefunded when RefundPending =>
            $"Refund pending ({Money.Format(Payment.AmountRefunded, Payment.Currency)} of {Amount})",
        PaymentState.PartiallyRefunded => $"Partially refunded ({Money.Format(Payment.AmountRefunded, Payment.Currency)} of {Amount})",
        PaymentState.Failed when Payment.LastError is { } error => $"Failed: {error.Message}",
        var state => Describe(state),
    };

    /// <summary>What the customer paid, or was asked to pay.</summary>
    public long AmountMinor => Payment.AmountPaid > 0 ? Payment.AmountPaid : Payment.AmountDue;

    public string Amount => Money.Format(AmountMinor, Payment.Currency);

    /// <summary><c>card</c> or <c>bacs_debit</c>: the charge's, else the subscription's or the order's.</summary>
    public string? MethodType => Payment.PaymentMethod?.Type ?? Subscription?.PaymentType ?? Order?.PaymentType;

    public string MethodText => Payment.PaymentMethod switch
    {
        { Type: "card", Last4: { } last4 } card => $"{card.Brand?.ToUpperInvariant() ?? "Card"} •••• {last4}",
        { Type: "bacs_debit", Last4: { } last4 } => $"Direct Debit •••• {last4}",
        _ => MethodType switch
        {
            "card" => "Card",
            "bacs_debit" => "Direct Debit",
            null => "—",
            var other => other,
        },
    };

    /// <summary>What was bought: the offer, and for an invoice its reason ("first payment", "renewal").</summary>
    public string Description => Payment.Kind == PaymentKind.OneOff
        ? $"{OfferName ?? "One-off"} (one-off)"
        : $"{OfferName ?? "Subscription"} ({Payment.BillingReason switch
        {
            "subscription_create" => "first payment",
            "subscription_cycle" => "renewal",
            "subscription_update" => "change",
            _ => "invoice",
        }})";

    public DateTimeOffset Date => Payment.PaidAt ?? Payment.CreatedAt;

    /// <summary>The tenant's payments (tenant-filtered) that are payments: invoices with nothing to pay (a trial's)
    /// and drafts are not. Newest first.</summary>
    public static async Task<List<PaymentView>> ListAsync(AppDbContext db, IQueryable<Payment> payments, CancellationToken cancellationToken)
    {
        var list = await payments
            .Where(p => p.Kind == PaymentKind.OneOff || (p.AmountDue > 0 && p.Status != InvoiceStatus.Draft))
            .ToListAsync(cancellationToken);
        list = [.. list.OrderByDescending(p => p.PaidAt ?? p.CreatedAt)];
        var subscriptionIds = list.Where(p => p.SubscriptionId != null).Select(p => p.SubscriptionId!.Value).Distinct().ToList();
        var orderIds = list.Where(p => p.OrderId != null).Select(p => p.OrderId!.Value).Distinct().ToList();
        var subscriptions = await db.Subscriptions.Where(s => subscriptionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
        var orders = await db.Orders.Where(o => orderIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, cancellationToken);
        var customerIds = list.Select(p => p.CustomerId ?? (p.SubscriptionId is { } s && subscriptions.TryGetValue(s, out var sub) ? sub.CustomerId : null))
            .OfType<Guid>().Distinct().ToList();
        var customers = await db.Customers.Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        var offerIds = subscriptions.Values.Select(s => s.OfferId).Concat(orders.Values.Select(o => o.OfferId)).Distinct().ToList();
        var offers = await db.Offers.Where(o => offerIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        var paymentIds = list.Select(p => p.Id).ToList();
        var pending = (await db.Refunds
            .Where(r => paymentIds.Contains(r.PaymentId)
                && (r.Status == RefundStatus.Pending || r.Status == RefundStatus.Requested || r.Status == RefundStatus.RequiresAction))
            .Select(r => r.PaymentId).ToListAsync(cancellationToken)).ToHashSet();
        return list.Select(p =>
        {
            var subscription = p.SubscriptionId is { } s ? subscriptions.GetValueOrDefault(s) : null;
            var order = p.OrderId is { } o ? orders.GetValueOrDefault(o) : null;
            var customerId = p.CustomerId ?? subscription?.CustomerId;
            var offerId = subscription?.OfferId ?? order?.OfferId;
            return new PaymentView(p, customerId is { } c ? customers.GetValueOrDefault(c) : null, subscription,
                offerId is { } id ? offers.GetValueOrDefault(id) : null, order, pending.Contains(p.Id));
        }).ToList();
    }

    /// <summary>A customer's payments: one-offs and their subscriptions' invoices.</summary>
    public static Task<List<PaymentView>> ForCustomerAsync(AppDbContext db, Guid customerId, CancellationToken cancellationToken) =>
        ListAsync(db, db.Payments.Where(p => p.CustomerId == customerId
            || db.Subscriptions.Any(s => s.Id == p.SubscriptionId && s.CustomerId == customerId)), cancellationToken);
}
