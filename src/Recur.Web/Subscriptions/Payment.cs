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

/// <summary>
/// One invoice of a subscription and how paying it went: amounts, status, the PaymentIntent's state and Stripe's
/// decline when it failed. Status moves only forward (draft → open → paid, void or uncollectible; uncollectible →
/// paid or void); paid and void are final.
/// </summary>
public sealed class Payment
{
    private Payment()
    {
        StripeAccountId = StripeInvoiceId = Currency = "";
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
        Currency = currency;
        CreatedAt = createdAt;
        StatusAt = DateTimeOffset.MinValue;
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public StripeEnvironment Environment { get; private set; }
    public string StripeAccountId { get; private set; }
    public Guid SubscriptionId { get; private set; }

    /// <summary><c>in_…</c></summary>
    public string StripeInvoiceId { get; private set; }

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
