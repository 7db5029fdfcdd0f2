using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.PaymentIntents;

/// <summary>
/// <c>capture_method=manual</c> (https://docs.stripe.com/payments/place-a-hold-on-a-payment-method): an approved card
/// payment is only authorized — the PaymentIntent waits in <c>requires_capture</c> with <c>amount_capturable</c>, its
/// charge is <c>succeeded</c> but <c>captured=false</c> — until <c>POST /v1/payment_intents/{id}/capture</c>
/// (https://docs.stripe.com/api/payment_intents/capture) takes all of it or <c>amount_to_capture</c>; the rest is
/// released (shown as refunded on the charge). Bacs Direct Debit has no manual capture
/// (https://docs.stripe.com/payments/bacs-debit).
/// </summary>
public static class ManualCapture
{
    public static IEndpointRouteBuilder MapPaymentIntentCapture(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/payment_intents/{id}/capture", Capture);
        return app;
    }

    /// <summary>Under the gate, in place of success: the authorization only.</summary>
    public static void Authorize(JsonObject intent, JsonObject charge)
    {
        intent["status"] = "requires_capture";
        intent["amount_capturable"] = intent["amount"]?.DeepClone();
        intent["amount_received"] = 0;
        charge["captured"] = false;
        charge["amount_captured"] = 0;
    }

    private static IResult Capture(string id, StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "amount_to_capture", "metadata", "statement_descriptor", "statement_descriptor_suffix");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (!p.TryLong("amount_to_capture", out var requested))
        {
            return StripeErrors.InvalidRequest($"Invalid integer: {p.String("amount_to_capture")}", "amount_to_capture",
                "parameter_invalid_integer");
        }

        var events = new ObjectEventBatch();
        StoredObject? paymentIntent;
        lock (request.Store.Gate)
        {
            paymentIntent = request.Find(id, PaymentIntentFlow.Kind);
            if (paymentIntent is null)
            {
                return StripeErrors.NotFound("payment_intent", id);
            }

            var data = paymentIntent.Data.DeepClone().AsObject();
            if (data["status"]?.ToString() != "requires_capture")
            {
                return StripeErrors.Create(StatusCodes.Status400BadRequest, "invalid_request_error",
                    $"This PaymentIntent could not be captured because it has a status of {data["status"]}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.",
                    "payment_intent_unexpected_state", null, new JsonObject { ["payment_intent"] = paymentIntent.Data.DeepClone() });
            }

            var capturable = data["amount_capturable"]!.GetValue<long>();
            var amount = requested ?? capturable;
            if (amount < 1 || amount > capturable)
            {
                return StripeErrors.InvalidRequest(
                    $"The amount to capture must be a positive integer no greater than the amount capturable ({capturable}).",
                    "amount_to_capture");
            }

            if (request.Store.Find(data["latest_charge"]?.ToString() ?? "") is { Kind: Charges.Kind } charge)
            {
                var chargeData = charge.Data.DeepClone().AsObject();
                chargeData["captured"] = true;
                chargeData["amount_captured"] = amount;
                chargeData["amount_refunded"] = capturable - amount;
                charge.Data = chargeData;
                request.Store.Save(charge);
                events.Add("charge.captured", charge);
            }

            data["status"] = "succeeded";
            data["amount_received"] = amount;
            data["amount_capturable"] = 0;
            if (p.Object("metadata") is not null)
            {
                data["metadata"] = p.MergeMetadata(data["metadata"] as JsonObject);
            }

            paymentIntent.Data = data;
            request.Store.Save(paymentIntent);
            events.Add("payment_intent.succeeded", paymentIntent);
        }

        events.Publish(request.Events, request.Store, request.IdempotencyKey);
        return request.Respond(paymentIntent.Data);
    }
}
