using Recur.Web.Stripe;

namespace Recur.Web.Subscriptions;

/// <summary>Stripe's invoice statuses.</summary>
public enum InvoiceStatus
{
    Draft,
    Open,
    Paid,
    Uncollectible,
    Void,
}

/// <summary>What a payment pays for.</summary>
public enum PaymentKind
{
    /// <summary>An invoice of a subscription (its PaymentIntent, when Stripe made one, is the invoice's).</summary>
    Invoice,

    /// <summary>A one-off offer bought at checkout: a PaymentIntent of its own, no invoice.</summary>
    OneOff,
}

/// <summary>
/// A payment of the tenant: one invoice of a subscription, or one one-off purchase, and how paying it went: amounts,
/// status, the PaymentIntent's state and Stripe's decline when it failed. An invoice's status moves only forward
/// (draft → open → paid, void or uncollectible; uncollectible → paid or void); paid and void are final. A one-off has
/// no invoice: its status is the PaymentIntent's, kept by <see cref="Payments.OneOffPayments"/>. What happened to the
/// money afterwards (the charge, refunds, a dispute) is kept by <see cref="Payments.PaymentSync"/> for both kinds.
/// </summary>
public sealed class Payment
{
    private Payment()
    {
        StripeAccountId = Currency = "";
    }

    public Payment(Guid tenantId, StripeEnvironment environment, string stripeAccountId, Guid subscriptionId, string stripeInvoiceId,
        string currency, DateTimeOffset createdAt)
    {
        Id = Guid.NewGuid();
        TenantId = tenantId;
        Environment = environment;
        StripeAccountId = stripeAccountId;
        SubscriptionId = subscriptionId;
        StripeInvoiceId = stripeInvoiceId;
        Kind = PaymentKind.Invoice;
        Currency = currency;
        CreatedAt = createdAt;
        StatusAt = DateTimeOffset.MinValue;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public StripeEnvironment Environment { get; private set; }
    public string StripeAccountId { get; private set; }
    public PaymentKind Kind { get; private set; }

    /// <summary>The subscription an invoice belongs to; null for a one-off.</summary>
    public Guid? SubscriptionId { get; private set; }

    /// <summary><c>in_…</c>; null for a one-off.</summary>
    public string? StripeInvoiceId { get; private set; }

    public string? Number { get; private set; }
    public string Currency { get; private set; }
    public long AmountDue { get; private set; }
    public long AmountPaid { get; private set; }
    public string? BillingReason { get; private set; }
    public InvoiceStatus Status { get; private set; }
    public DateTimeOffset StatusAt { get; private set; }

    /// <summary>When Stripe created the invoice.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The service period the invoice bills (its subscription line).</summary>
    public DateTimeOffset? PeriodStart { get; private set; }

    public DateTimeOffset? PeriodEnd { get; private set; }
    public DateTimeOffset? PaidAt { get; private set; }
    public long AttemptCount { get; private set; }
    public DateTimeOffset? NextPaymentAttempt { get; private set; }
    public string? HostedInvoiceUrl { get; private set; }

    public string? StripePaymentIntentId { get; private set; }
    public string? PaymentIntentStatus { get; private set; }
    public PaymentError? LastError { get; private set; }

    /// <summary>The customer of a one-off; an invoice's customer is its subscription's.</summary>
    public Guid? CustomerId { get; private set; }

    /// <summary>The checkout order a one-off was bought with.</summary>
    public Guid? OrderId { get; private set; }

    /// <summary>The charge that moved the money (<c>ch_…</c>, <c>py_…</c>): the PaymentIntent's latest charge.</summary>
    public string? StripeChargeId { get; private set; }

    /// <summary>How it was paid, from the charge's <c>payment_method_details</c>.</summary>
    public PaymentMethodSummary? PaymentMethod { get; private set; }

    /// <summary>The charge's <c>amount_refunded</c>: refunds made, pending ones included.</summary>
    public long AmountRefunded { get; private set; }

    /// <summary>The charge's <c>disputed</c>.</summary>
    public bool Disputed { get; private set; }

    /// <summary>When the charge (refunds, dispute, method) was last read: older reads change nothing.</summary>
    public DateTimeOffset? ChargeReadAt { get; private set; }

    /// <summary>A one-off purchase, first seen at <paramref name="createdAt"/> (the PaymentIntent's creation).</summary>
    public static Payment OneOff(Guid tenantId, StripeEnvironment environment, string stripeAccountId, Guid orderId, Guid? customerId,
        string paymentIntentId, string currency, DateTimeOffset createdAt) => new()
    {
        Id = Guid.NewGuid(),
        TenantId = tenantId,
        Environment = environment,
        StripeAccountId = stripeAccountId,
        Kind = PaymentKind.OneOff,
        OrderId = orderId,
        CustomerId = customerId,
        StripePaymentIntentId = paymentIntentId,
        Currency = currency,
        CreatedAt = createdAt,
        StatusAt = DateTimeOffset.MinValue,
        Status = InvoiceStatus.Open,
    };

    /// <summary>A one-off's PaymentIntent as read at <paramref name="observedAt"/>: its status stands for the payment's
    /// (succeeded is paid, canceled is void; a succeeded payment never goes back). Older reads change nothing.</summary>
    public bool ApplyOneOffIntent(string? intentStatus, long amount, long amountReceived, PaymentError? error, DateTimeOffset observedAt)
    {
        if (Kind != PaymentKind.OneOff)
        {
            throw new InvalidOperationException("Only a one-off payment takes its state from its PaymentIntent alone.");
        }
        if (observedAt < StatusAt || intentStatus is null)
        {
            return false;
        }
        var status = intentStatus switch
        {
            "succeeded" => InvoiceStatus.Paid,
            "canceled" => InvoiceStatus.Void,
            _ => InvoiceStatus.Open,
        };
        if (!CanMove(Status, status))
        {
            return false;
        }
        Status = status;
        StatusAt = observedAt;
        AmountDue = amount;
        AmountPaid = amountReceived;
        PaidAt = status == InvoiceStatus.Paid ? PaidAt ?? observedAt : PaidAt;
        ApplyPaymentIntent(StripePaymentIntentId!, intentStatus, error);
        return true;
    }

    /// <summary>The PaymentIntent's latest charge as read at <paramref name="observedAt"/>; older reads change nothing.</summary>
    public bool ApplyCharge(string chargeId, PaymentMethodSummary? method, long amountRefunded, bool disputed, DateTimeOffset observedAt)
    {
        if (ChargeReadAt is { } last && observedAt < last)
        {
            return false;
        }
        ChargeReadAt = observedAt;
        StripeChargeId = chargeId;
        PaymentMethod = method is null ? PaymentMethod : method with { };
        AmountRefunded = amountRefunded;
        Disputed = disputed;
        return true;
    }

    /// <summary>What is left to refund: what was paid less what has been refunded (pending refunds included).</summary>
    public long Refundable => StripeChargeId is null || Status != InvoiceStatus.Paid ? 0 : Math.Max(0, AmountPaid - AmountRefunded);

    public static bool TryParseStatus(string? status, out InvoiceStatus parsed) =>
        Enum.TryParse(status, ignoreCase: true, out parsed) && Enum.IsDefined(parsed);

    public static bool CanMove(InvoiceStatus from, InvoiceStatus to) => from == to || from switch
    {
        InvoiceStatus.Draft => to is InvoiceStatus.Open or InvoiceStatus.Paid or InvoiceStatus.Void or InvoiceStatus.Uncollectible,
        InvoiceStatus.Open => to is InvoiceStatus.Paid or InvoiceStatus.Void or InvoiceStatus.Uncollectible,
        InvoiceStatus.Uncollectible => to is InvoiceStatus.Paid or InvoiceStatus.Void,
        _ => false,
    };

    /// <summary>Takes the invoice as Stripe has it, unless it is older news or an impossible move.</summary>
    public bool Apply(InvoiceStatus status, DateTimeOffset observedAt, string? number, long amountDue, long amountPaid,
        string? billingReason, long attemptCount, DateTimeOffset? nextPaymentAttempt, DateTimeOffset? periodStart,
        DateTimeOffset? periodEnd, DateTimeOffset? paidAt, string? hostedInvoiceUrl)
    {
        if (observedAt < StatusAt || !CanMove(Status, status))
        {
            return false;
        }
        Status = status;
        StatusAt = observedAt;
        Number = number ?? Number;
        AmountDue = amountDue;
        AmountPaid = amountPaid;
        BillingReason = billingReason ?? BillingReason;
        AttemptCount = Math.Max(AttemptCount, attemptCount);
        NextPaymentAttempt = status == InvoiceStatus.Open ? nextPaymentAttempt : null;
        PeriodStart = periodStart ?? PeriodStart;
        PeriodEnd = periodEnd ?? PeriodEnd;
        PaidAt = status == InvoiceStatus.Paid ? paidAt ?? PaidAt ?? observedAt : PaidAt;
        HostedInvoiceUrl = hostedInvoiceUrl ?? HostedInvoiceUrl;
        return true;
    }

    public void ApplyPaymentIntent(string paymentIntentId, string? status, PaymentError? error)
    {
        StripePaymentIntentId = paymentIntentId;
        PaymentIntentStatus = status ?? PaymentIntentStatus;
        if (error is not null)
        {
            // A copy: the same error is also kept on the subscription, and EF owns one instance per owner.
            LastError = error with { };
        }
        else if (status == "succeeded")
        {
            LastError = null;
        }
    }
}
