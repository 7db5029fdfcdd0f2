using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.PaymentIntents;
using Recur.StripeSandbox.PaymentMethods;
using Recur.StripeSandbox.Prices;
using Recur.StripeSandbox.Scheduling;

namespace Recur.StripeSandbox.Refunds;

/// <summary>What <c>POST /v1/refunds</c> asks for, parsed.</summary>
public sealed record RefundDraft(string? Charge, string? PaymentIntent, long? Amount, string? Reason, JsonObject Metadata);

/// <summary>
/// A refund's life (https://docs.stripe.com/refunds, https://docs.stripe.com/api/refunds/create):
/// <list type="bullet">
/// <item>Cards: <c>succeeded</c> at once. Stripe's refund test cards (https://docs.stripe.com/testing#refunds):
/// <c>4000000000007726</c> starts <c>pending</c> and succeeds later; <c>4000000000005126</c> starts <c>succeeded</c>
/// and fails later (<c>refund.failed</c>), giving the amount back to the charge.</item>
/// <item>Bacs Direct Debit (https://docs.stripe.com/payments/bacs-debit, "Refunds"): <c>pending</c>, then
/// <c>succeeded</c> after the processing time (3–4 business days at Stripe; here the sandbox's BACS settlement delay,
/// on the customer's test clock); only within 180 days of the payment. A refund made while the debit is still
/// processing waits (<c>pending_reason=charge_pending</c>): it goes ahead once the charge succeeds, is canceled if the
/// charge fails, and fails with <c>charge_for_pending_refund_disputed</c> if the payment is disputed.</item>
/// <item>Refusals: more than is left (<c>amount_too_large</c>), nothing left (<c>charge_already_refunded</c>), a
/// disputed charge (<c>charge_disputed</c>), a failed payment (<c>charge_not_refundable</c>), an uncaptured payment
/// (cancel the PaymentIntent instead: https://docs.stripe.com/refunds#cancel-payment).</item>
/// </list>
/// Events: <c>refund.created</c>, <c>charge.refunded</c>, then <c>refund.updated</c>, <c>refund.failed</c> and
/// <c>charge.refund.updated</c> as the refund moves.
/// </summary>
public sealed class RefundFlow(SandboxStore store, SandboxEvents events, SandboxSchedule schedule, SandboxClock clock,
    SandboxOptions options)
{
    public const string SucceedWork = "refund.succeed";
    public const string FailWork = "refund.fail";

    /// <summary>How long after the payment Stripe still refunds a Bacs Direct Debit (https://docs.stripe.com/payments/bacs-debit).</summary>
    private static readonly TimeSpan BacsRefundWindow = TimeSpan.FromDays(180);

    public IResult Create(StripeRequest request, RefundDraft draft)
    {
        var batch = new ObjectEventBatch();
        StoredObject refund;
        lock (store.Gate)
        {
            var error = FindCharge(request, draft, out var charge) ?? Refusal(charge!, draft.Amount);
            if (error is not null)
            {
                return error;
            }

            var customer = charge!.Data["customer"]?.ToString();
            var now = clock.NowFor(customer);
            var type = charge.Data["payment_method_details"]?["type"]?.ToString();
            if (type == "bacs_debit" && now - DateTimeOffset.FromUnixTimeSeconds(charge.Created) > BacsRefundWindow)
            {
                return StripeErrors.InvalidRequest(
                    $"Charge {charge.Id} can no longer be refunded: Bacs Direct Debit payments can be refunded for 180 days.",
                    "charge", "charge_not_refundable");
            }

            var amount = draft.Amount ?? RefundObjects.Refundable(charge);
            var card = store.Find(charge.Data["payment_method"]?.ToString() ?? "") is { } paymentMethod
                ? PaymentMethodAttachments.CardOf(paymentMethod)
                : null;
            (string Status, string? PendingReason, string? Later) plan = type switch
            {
                "bacs_debit" when charge.Data["status"]?.ToString() == "pending" => ("pending", "charge_pending", null),
                "bacs_debit" => ("pending", "processing", SucceedWork),
                _ when card?.Key == "refundAsyncSucceeds" => ("pending", "processing", SucceedWork),
                _ when card?.Key == "refundAsyncFails" => ("succeeded", null, FailWork),
                _ => ("succeeded", null, null),
            };
            var (status, pendingReason, later) = plan;

            var id = Ids.New("re");
            var data = RefundObjects.New(id, charge, amount, draft.Reason, draft.Metadata, status, pendingReason,
                now.ToUnixTimeSeconds());
            refund = store.Save(charge.NewInSameScope(RefundObjects.Kind, id, now.ToUnixTimeSeconds(), data));
            RefundObjects.UpdateCharge(store, charge, amount);
            if (later is not null)
            {
                schedule.Schedule(later, id, now + options.BacsSettlementDelay, clock.TestClockOf(customer));
            }

            batch.Add("refund.created", refund);
            batch.Add("charge.refunded", charge);
        }

        batch.Publish(events, store, request.IdempotencyKey);
        return request.Respond(refund.Data);
    }

    /// <summary>Scheduled: a pending refund succeeds, or (the failing test card) a succeeded one fails.</summary>
    internal void Finish(ScheduledWork work)
    {
        var batch = new ObjectEventBatch();
        lock (store.Gate)
        {
            if (store.Find(work.TargetId) is not { Kind: RefundObjects.Kind } refund)
            {
                return;
            }

            var status = RefundObjects.Status(refund);
            if (work.Kind == SucceedWork && status == "pending")
            {
                RefundObjects.Move(store, refund, "succeeded", null, batch);
            }
            else if (work.Kind == FailWork && status == "succeeded")
            {
                // Stripe's testing page names no reason for this card's failure.
                RefundObjects.Move(store, refund, "failed", "unknown", batch);
            }
        }

        batch.Publish(events, store);
    }

    /// <summary>
    /// A Bacs debit with refunds waiting for it settled: they go ahead, are canceled (the debit failed), or fail (the
    /// payment was disputed: <c>charge_for_pending_refund_disputed</c>).
    /// </summary>
    internal void OnPaymentIntent(PaymentIntentOutcome outcome)
    {
        if (outcome.Kind is not (PaymentIntentOutcomeKind.Succeeded or PaymentIntentOutcomeKind.Failed))
        {
            return;
        }

        var batch = new ObjectEventBatch();
        lock (store.Gate)
        {
            var waiting = store.All(RefundObjects.Kind, r =>
                r.Data["payment_intent"]?.ToString() == outcome.PaymentIntent.Id
                && RefundObjects.Status(r) == "pending" && r.Data["pending_reason"]?.ToString() == "charge_pending");
            foreach (var refund in Enumerable.Reverse(waiting))
            {
                var charge = store.Find(refund.Data["charge"]!.ToString());
                if (outcome.Kind == PaymentIntentOutcomeKind.Failed)
                {
                    RefundObjects.Move(store, refund, "canceled", null, batch);
                }
                else if (charge?.Data["disputed"]?.GetValue<bool>() == true)
                {
                    RefundObjects.Move(store, refund, "failed", "charge_for_pending_refund_disputed", batch);
                }
                else
                {
                    var data = refund.Data.DeepClone().AsObject();
                    data["pending_reason"] = "processing";
                    data["balance_transaction"] = Ids.New("txn");
                    var before = refund.Data;
                    refund.Data = data;
                    store.Save(refund);
                    if (charge is not null)
                    {
                        RefundObjects.UpdateCharge(store, charge, 0);
                    }

                    batch.Add("refund.updated", refund, ObjectEvents.PreviousAttributes(before, data));
                    var customer = charge?.Data["customer"]?.ToString();
                    schedule.Schedule(SucceedWork, refund.Id, clock.NowFor(customer) + options.BacsSettlementDelay,
                        clock.TestClockOf(customer));
                }
            }
        }

        batch.Publish(events, store);
    }

    /// <summary>The charge to refund, from <c>charge</c> or <c>payment_intent</c> (its latest charge).</summary>
    private static IResult? FindCharge(StripeRequest request, RefundDraft draft, out StoredObject? charge)
    {
        charge = null;
        if (draft.Charge is null && draft.PaymentIntent is null)
        {
            return StripeErrors.InvalidRequest(
                "One of the following params should be provided for this request: payment_intent or charge.", null,
                "parameter_missing");
        }

        if (draft.PaymentIntent is { } paymentIntentId)
        {
            if (request.Find(paymentIntentId, PaymentIntentFlow.Kind) is not { } paymentIntent)
            {
                return StripeErrors.NotFound("payment_intent", paymentIntentId, "payment_intent");
            }

            var status = paymentIntent.Data["status"]?.ToString();
            if (status == "requires_capture")
            {
                return Uncaptured(paymentIntentId);
            }

            if (status is not ("succeeded" or "processing")
                || request.Find(paymentIntent.Data["latest_charge"]?.ToString() ?? "", Charges.Kind) is not { } latest)
            {
                return StripeErrors.InvalidRequest(
                    $"This PaymentIntent ({paymentIntentId}) does not have a successful charge to refund.", "payment_intent",
                    "charge_not_refundable");
            }

            if (draft.Charge is not null && draft.Charge != latest.Id)
            {
                return StripeErrors.InvalidRequest(
                    $"Charge {draft.Charge} does not belong to PaymentIntent {paymentIntentId}.", "charge");
            }

            charge = latest;
            return null;
        }

        charge = request.Find(draft.Charge!, Charges.Kind);
        return charge is null ? StripeErrors.NotFound("charge", draft.Charge!, "charge") : null;
    }

    /// <summary>Why this charge cannot be refunded for <paramref name="amount"/>, or null.</summary>
    private static IResult? Refusal(StoredObject charge, long? amount)
    {
        var data = charge.Data;
        var status = data["status"]?.ToString();
        if (status == "failed")
        {
            return StripeErrors.InvalidRequest($"Charge {charge.Id} failed, so there is nothing to refund.", "charge",
                "charge_not_refundable");
        }

        if (status == "succeeded" && data["captured"]?.GetValue<bool>() == false)
        {
            return Uncaptured(data["payment_intent"]?.ToString() ?? charge.Id);
        }

        if (data["disputed"]?.GetValue<bool>() == true)
        {
            return StripeErrors.InvalidRequest($"Charge {charge.Id} has been charged back; cannot issue a refund.", "charge",
                "charge_disputed");
        }

        var refundable = RefundObjects.Refundable(charge);
        if (refundable <= 0)
        {
            return StripeErrors.InvalidRequest($"Charge {charge.Id} has already been refunded.", "charge",
                "charge_already_refunded");
        }

        if (amount < 1)
        {
            return StripeErrors.InvalidRequest("Invalid positive integer", "amount", "parameter_invalid_integer");
        }

        if (amount > refundable)
        {
            var currency = data["currency"]!.ToString();
            return StripeErrors.InvalidRequest(
                $"Refund amount ({Currencies.Format(amount.Value, currency)}) is greater than unrefunded amount on charge ({Currencies.Format(refundable, currency)})",
                "amount", "amount_too_large");
        }

        return null;
    }

    private static IResult Uncaptured(string paymentIntentId) => StripeErrors.InvalidRequest(
        $"This PaymentIntent ({paymentIntentId}) has not been captured. Cancel the PaymentIntent to release the authorization instead of refunding it.",
        "payment_intent", "charge_not_refundable");
}
