using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.PaymentIntents;

public enum PaymentIntentOutcomeKind
{
    /// <summary>A BACS debit was submitted: <c>processing</c> until it settles.</summary>
    Processing,

    Succeeded,

    /// <summary>The attempt failed (decline, failed authentication, failed debit): back to
    /// <c>requires_payment_method</c> with <c>last_payment_error</c>.</summary>
    Failed,

    /// <summary>3-D Secure is needed: <c>requires_action</c> with <c>next_action</c>.</summary>
    RequiresAction,

    Canceled,
}

/// <summary>A PaymentIntent changed status. <see cref="PaymentIntent"/> is a copy taken at that moment.</summary>
public sealed record PaymentIntentOutcome(PaymentIntentOutcomeKind Kind, StoredObject PaymentIntent)
{
    /// <summary>The invoice the PaymentIntent pays, when it was made by <see cref="PaymentIntentFlow.CreateForInvoice"/>.</summary>
    public string? InvoiceId => PaymentIntent.Meta["invoice"]?.ToString();

    public string? PaymentMethodId => PaymentIntent.Data["payment_method"]?.ToString()
        ?? PaymentIntent.Data["last_payment_error"]?["payment_method"]?["id"]?.ToString();

    /// <summary>Stripe's <c>last_payment_error</c> (type, code, decline_code, message) after a failure.</summary>
    public JsonObject? LastPaymentError => PaymentIntent.Data["last_payment_error"] as JsonObject;
}

/// <summary>
/// Subscribe here to react to payments (invoices do): every status change of every PaymentIntent is raised once, after
/// its webhooks are queued — on confirmation, on the end of a 3-D Secure challenge, on a BACS settlement, on cancel.
/// </summary>
public sealed class PaymentIntentOutcomes(ILogger<PaymentIntentOutcomes> logger) : OutcomeHooks<PaymentIntentOutcome>(logger);

/// <summary>What an intent operation ended with: a copy of the intent as the operation left it (also after a failed
/// attempt, which changes it) and the error response, if any.</summary>
public sealed record IntentResult(StoredObject? Intent, IResult? Error)
{
    /// <summary>Under the gate: the same result with a copy of the intent, which later changes do not touch.</summary>
    internal IntentResult Frozen() => Intent is null ? this : this with { Intent = Intent.Copy() };

    /// <summary>Stripe's <c>error</c> hash of <see cref="Error"/>, for callers that are not HTTP handlers.</summary>
    public JsonObject? ErrorBody => (Error as StripeJsonResult)?.Body["error"] as JsonObject;
}
