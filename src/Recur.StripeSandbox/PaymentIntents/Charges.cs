using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.PaymentMethods;

namespace Recur.StripeSandbox.PaymentIntents;

/// <summary>
/// The charges a PaymentIntent makes, one per attempt that reaches the network (a card authorisation, a BACS debit),
/// shaped as Stripe's <c>charge</c>, and the disputes opened on them. Readable at <c>GET /v1/charges/{id}</c> and
/// <c>GET /v1/charges</c> (filters <c>payment_intent</c>, <c>customer</c>).
/// </summary>
public static class Charges
{
    public const string Kind = "charge";
    public const string DisputeKind = "dispute";

    public static IEndpointRouteBuilder MapCharges(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/charges/{id}", (string id, StripeRequest request) =>
            request.Find(id, Kind) is { } charge ? request.Respond(charge.Data) : StripeErrors.NotFound("charge", id));
        app.MapGet("/v1/charges", (StripeRequest request) =>
        {
            var unknown = request.Params.Unknown(null, "payment_intent", "customer", "limit", "starting_after", "ending_before");
            if (unknown is not null)
            {
                return StripeErrors.UnknownParameter(unknown);
            }

            var paymentIntent = request.Params.String("payment_intent");
            var customer = request.Params.String("customer");
            return request.RespondList(request.Store.All(Kind, c => request.Caller.CanSee(c)
                && (paymentIntent is null || c.Data["payment_intent"]?.ToString() == paymentIntent)
                && (customer is null || c.Data["customer"]?.ToString() == customer)), "/v1/charges");
        });
        return app;
    }

    /// <summary>
    /// Under the gate: a new charge for a PaymentIntent's amount with <paramref name="paymentMethod"/>;
    /// <paramref name="intent"/> is the PaymentIntent's JSON as it is being changed.
    /// </summary>
    /// <param name="failure">The decline, for a failed charge.</param>
    /// <param name="authenticated">3-D Secure was completed for this charge.</param>
    public static StoredObject Create(SandboxStore store, StoredObject paymentIntent, JsonObject intent,
        StoredObject paymentMethod, long now, string status, CardDecline? failure, bool authenticated, string? mandateId)
    {
        var id = Ids.New("ch");
        var amount = JsonNumber(intent["amount"]);
        var succeeded = status == "succeeded";
        var type = paymentMethod.Data["type"]!.ToString();
        var data = new JsonObject
        {
            ["id"] = id,
            ["object"] = "charge",
            ["amount"] = amount,
            ["amount_captured"] = succeeded ? amount : 0,
            ["amount_refunded"] = 0,
            ["application"] = null,
            ["application_fee"] = null,
            ["application_fee_amount"] = null,
            ["balance_transaction"] = succeeded ? Ids.New("txn") : null,
            ["billing_details"] = paymentMethod.Data["billing_details"]?.DeepClone(),
            ["calculated_statement_descriptor"] = "RECUR SANDBOX",
            ["captured"] = succeeded,
            ["created"] = now,
            ["currency"] = intent["currency"]?.DeepClone(),
            ["customer"] = intent["customer"]?.DeepClone(),
            ["description"] = intent["description"]?.DeepClone(),
            ["disputed"] = false,
            ["failure_balance_transaction"] = null,
            ["failure_code"] = failure?.Code,
            ["failure_message"] = failure?.Message,
            ["fraud_details"] = new JsonObject(),
            ["livemode"] = paymentIntent.Livemode,
            ["metadata"] = intent["metadata"]?.DeepClone() ?? new JsonObject(),
            ["on_behalf_of"] = null,
            ["outcome"] = Outcome(type, status, failure),
            ["paid"] = succeeded,
            ["payment_intent"] = paymentIntent.Id,
            ["payment_method"] = paymentMethod.Id,
            ["payment_method_details"] = Details(paymentMethod, amount, authenticated, mandateId),
            ["receipt_email"] = intent["receipt_email"]?.DeepClone(),
            ["receipt_number"] = null,
            ["receipt_url"] = null,
            ["refunded"] = false,
            ["refunds"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(),
                ["has_more"] = false,
                ["url"] = $"/v1/charges/{id}/refunds",
            },
            ["review"] = null,
            ["shipping"] = null,
            ["source"] = null,
            ["source_transfer"] = null,
            ["statement_descriptor"] = intent["statement_descriptor"]?.DeepClone(),
            ["statement_descriptor_suffix"] = intent["statement_descriptor_suffix"]?.DeepClone(),
            ["status"] = status,
            ["transfer_data"] = null,
            ["transfer_group"] = null,
        };
        return store.Save(paymentIntent.NewInSameScope(Kind, id, now, data));
    }

    /// <summary>Under the gate: a pending charge (a BACS debit) settles as succeeded or failed.</summary>
    public static void Settle(SandboxStore store, StoredObject charge, CardDecline? failure)
    {
        var data = charge.Data.DeepClone().AsObject();
        var succeeded = failure is null;
        var amount = JsonNumber(data["amount"]);
        data["status"] = succeeded ? "succeeded" : "failed";
        data["paid"] = succeeded;
        data["captured"] = succeeded;
        data["amount_captured"] = succeeded ? amount : 0;
        data["balance_transaction"] = succeeded ? Ids.New("txn") : null;
        data["failure_code"] = failure?.Code;
        data["failure_message"] = failure?.Message;
        data["outcome"] = Outcome(data["payment_method_details"]!["type"]!.ToString(), data["status"]!.ToString(), failure);
        charge.Data = data;
        store.Save(charge);
    }

    /// <summary>
    /// Under the gate: a dispute on a succeeded charge, as the bank opens it (fraudulent for cards; for BACS a
    /// final <c>debit_not_authorized</c> claim, lost at once since BACS disputes cannot be appealed).
    /// </summary>
    public static StoredObject Dispute(SandboxStore store, StoredObject charge, long now)
    {
        var id = Ids.New("dp");
        var type = charge.Data["payment_method_details"]!["type"]!.ToString();
        var card = type == "card";
        var evidence = new JsonObject();
        foreach (var field in EvidenceFields)
        {
            evidence[field] = null;
        }

        evidence["enhanced_evidence"] = new JsonObject();
        var data = new JsonObject
        {
            ["id"] = id,
            ["object"] = "dispute",
            ["amount"] = JsonNumber(charge.Data["amount"]),
            ["balance_transactions"] = new JsonArray(),
            ["charge"] = charge.Id,
            ["created"] = now,
            ["currency"] = charge.Data["currency"]?.DeepClone(),
            ["enhanced_eligibility_types"] = new JsonArray(),
            ["evidence"] = evidence,
            ["evidence_details"] = new JsonObject
            {
                ["due_by"] = card ? now + (7 * 24 * 3600) : null,
                ["enhanced_eligibility"] = new JsonObject(),
                ["has_evidence"] = false,
                ["past_due"] = false,
                ["submission_count"] = 0,
            },
            ["is_charge_refundable"] = false,
            ["livemode"] = charge.Livemode,
            ["metadata"] = new JsonObject(),
            ["payment_intent"] = charge.Data["payment_intent"]?.DeepClone(),
            ["payment_method_details"] = card
                ? new JsonObject
                {
                    ["card"] = new JsonObject
                    {
                        ["brand"] = charge.Data["payment_method_details"]!["card"]!["brand"]?.DeepClone(),
                        ["case_type"] = "chargeback",
                        ["network_reason_code"] = "10.4",
                    },
                    ["type"] = "card",
                }
                : new JsonObject { ["bacs_debit"] = new JsonObject(), ["type"] = type },
            ["reason"] = card ? "fraudulent" : "debit_not_authorized",
            ["status"] = card ? "needs_response" : "lost",
        };
        var dispute = store.Save(charge.NewInSameScope(DisputeKind, id, now, data));
        var changed = charge.Data.DeepClone().AsObject();
        changed["disputed"] = true;
        charge.Data = changed;
        store.Save(charge);
        return dispute;
    }

    private static JsonObject? Outcome(string type, string status, CardDecline? failure)
    {
        if (status == "pending")
        {
            return new JsonObject
            {
                ["advice_code"] = null, ["network_advice_code"] = null, ["network_decline_code"] = null,
                ["network_status"] = "approved_by_network", ["reason"] = null, ["risk_level"] = "not_assessed",
                ["seller_message"] = "Payment is pending: the bank has not confirmed it yet.", ["type"] = "authorized",
            };
        }

        var outcome = new JsonObject
        {
            ["advice_code"] = null,
            ["network_advice_code"] = null,
            ["network_decline_code"] = null,
            ["network_status"] = "approved_by_network",
            ["reason"] = null,
            ["risk_level"] = type == "card" ? "normal" : "not_assessed",
            ["seller_message"] = "Payment complete.",
            ["type"] = "authorized",
        };
        if (failure is null)
        {
            return outcome;
        }

        switch (failure.DeclineCode)
        {
            case "fraudulent" when failure == TestCards.RadarBlocked:
                outcome["network_status"] = "not_sent_to_network";
                outcome["reason"] = "highest_risk_level";
                outcome["risk_level"] = "highest";
                outcome["seller_message"] = "Stripe blocked this payment as too risky.";
                outcome["type"] = "blocked";
                break;
            case "test_mode_live_card":
                outcome["network_status"] = "not_sent_to_network";
                outcome["reason"] = "test_mode_live_card";
                outcome["seller_message"] = "This charge request was in live mode, but used a known test card.";
                outcome["type"] = "invalid";
                break;
            default:
                outcome["network_status"] = "declined_by_network";
                outcome["reason"] = failure.DeclineCode ?? failure.Code;
                outcome["seller_message"] = failure.DeclineCode is "generic_decline" or null
                    ? "The bank did not return any further details with this decline."
                    : $"The bank returned the decline code `{failure.DeclineCode}`.";
                outcome["type"] = "issuer_declined";
                break;
        }

        return outcome;
    }

    private static JsonObject Details(StoredObject paymentMethod, long amount, bool authenticated, string? mandateId)
    {
        var type = paymentMethod.Data["type"]!.ToString();
        if (type == "bacs_debit")
        {
            var bacs = paymentMethod.Data["bacs_debit"]!;
            return new JsonObject
            {
                ["bacs_debit"] = new JsonObject
                {
                    ["fingerprint"] = bacs["fingerprint"]?.DeepClone(),
                    ["last4"] = bacs["last4"]?.DeepClone(),
                    ["mandate"] = mandateId,
                    ["sort_code"] = bacs["sort_code"]?.DeepClone(),
                },
                ["type"] = "bacs_debit",
            };
        }

        var card = paymentMethod.Data["card"]!;
        return new JsonObject
        {
            ["card"] = new JsonObject
            {
                ["amount_authorized"] = amount,
                ["authorization_code"] = null,
                ["brand"] = card["brand"]?.DeepClone(),
                ["checks"] = card["checks"]?.DeepClone(),
                ["country"] = card["country"]?.DeepClone(),
                ["exp_month"] = card["exp_month"]?.DeepClone(),
                ["exp_year"] = card["exp_year"]?.DeepClone(),
                ["extended_authorization"] = new JsonObject { ["status"] = "disabled" },
                ["fingerprint"] = card["fingerprint"]?.DeepClone(),
                ["funding"] = card["funding"]?.DeepClone(),
                ["incremental_authorization"] = new JsonObject { ["status"] = "unavailable" },
                ["installments"] = null,
                ["last4"] = card["last4"]?.DeepClone(),
                ["mandate"] = null,
                ["multicapture"] = new JsonObject { ["status"] = "unavailable" },
                ["network"] = card["brand"]?.DeepClone(),
                ["network_token"] = new JsonObject { ["used"] = false },
                ["network_transaction_id"] = null,
                ["overcapture"] = new JsonObject { ["maximum_amount_capturable"] = amount, ["status"] = "unavailable" },
                ["regulated_status"] = card["regulated_status"]?.DeepClone(),
                ["three_d_secure"] = authenticated
                    ? new JsonObject
                    {
                        ["authentication_flow"] = "challenge",
                        ["electronic_commerce_indicator"] = "05",
                        ["exemption_indicator"] = null,
                        ["result"] = "authenticated",
                        ["result_reason"] = null,
                        ["transaction_id"] = Guid.NewGuid().ToString(),
                        ["version"] = "2.2.0",
                    }
                    : null,
                ["wallet"] = null,
            },
            ["type"] = "card",
        };
    }

    private static long JsonNumber(JsonNode? node) => Events.JsonNumber.Read(node);

    private static readonly string[] EvidenceFields =
    [
        "access_activity_log", "billing_address", "cancellation_policy", "cancellation_policy_disclosure",
        "cancellation_rebuttal", "customer_communication", "customer_email_address", "customer_name",
        "customer_purchase_ip", "customer_signature", "duplicate_charge_documentation", "duplicate_charge_explanation",
        "duplicate_charge_id", "product_description", "receipt", "refund_policy", "refund_policy_disclosure",
        "refund_refusal_explanation", "service_date", "service_documentation", "shipping_address", "shipping_carrier",
        "shipping_date", "shipping_documentation", "shipping_tracking_number", "uncategorized_file", "uncategorized_text",
    ];
}
