using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.PaymentIntents;

namespace Recur.StripeSandbox.Refunds;

/// <summary>
/// The <c>refund</c> object (https://docs.stripe.com/api/refunds/object) and what a refund changes on its charge:
/// <c>amount_refunded</c>, <c>refunded</c> and the includable <c>refunds</c> list
/// (https://docs.stripe.com/api/charges/object). A refund counts against its charge from the moment it is made until
/// it fails or is canceled, when the amount becomes refundable again.
/// </summary>
public static class RefundObjects
{
    public const string Kind = "refund";

    /// <summary>Statuses that hold part of the charge: the money is, or is on its way, back to the customer.</summary>
    private static readonly string[] Holding = ["pending", "requires_action", "succeeded"];

    public static JsonObject New(string id, StoredObject charge, long amount, string? reason, JsonObject metadata,
        string status, string? pendingReason, long now) => new()
    {
        ["id"] = id,
        ["object"] = "refund",
        ["amount"] = amount,
        ["balance_transaction"] = pendingReason == "charge_pending" ? null : Ids.New("txn"),
        ["charge"] = charge.Id,
        ["created"] = now,
        ["currency"] = charge.Data["currency"]?.DeepClone(),
        ["destination_details"] = DestinationDetails(charge),
        ["metadata"] = metadata,
        ["payment_intent"] = charge.Data["payment_intent"]?.DeepClone(),
        ["pending_reason"] = pendingReason,
        ["reason"] = reason,
        ["receipt_number"] = null,
        ["source_transfer_reversal"] = null,
        ["status"] = status,
        ["transfer_reversal"] = null,
    };

    public static string Status(StoredObject refund) => refund.Data["status"]!.ToString();

    public static long Amount(StoredObject refund) => JsonNumber.Read(refund.Data["amount"]);

    public static bool HoldsCharge(string status) => Holding.Contains(status);

    /// <summary>What is still refundable on a charge: its amount less what refunds (and a released hold) took.</summary>
    public static long Refundable(StoredObject charge) =>
        JsonNumber.Read(charge.Data["amount"]) - JsonNumber.Read(charge.Data["amount_refunded"]);

    /// <summary>
    /// Under the gate: the charge after <paramref name="change"/> more (or, negative, less) is refunded, with its
    /// <c>refunds</c> list rebuilt from the store. <c>refunded</c> is true once the whole amount is refunded.
    /// </summary>
    public static void UpdateCharge(SandboxStore store, StoredObject charge, long change)
    {
        var data = charge.Data.DeepClone().AsObject();
        var refunded = JsonNumber.Read(data["amount_refunded"]) + change;
        data["amount_refunded"] = refunded;
        data["refunded"] = refunded >= JsonNumber.Read(data["amount"]);
        var list = store.All(Kind, r => r.Data["charge"]?.ToString() == charge.Id && r.Livemode == charge.Livemode);
        data["refunds"] = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. list.Select(r => (JsonNode)r.Data.DeepClone())]),
            ["has_more"] = false,
            ["url"] = $"/v1/charges/{charge.Id}/refunds",
        };
        charge.Data = data;
        store.Save(charge);
    }

    /// <summary>
    /// Under the gate: a refund moves to <paramref name="status"/>; failing or being canceled gives its amount back to
    /// the charge. Adds <c>refund.updated</c> (and <c>refund.failed</c>) and <c>charge.refund.updated</c>
    /// (https://docs.stripe.com/api/events/types).
    /// </summary>
    public static void Move(SandboxStore store, StoredObject refund, string status, string? failureReason, ObjectEventBatch events)
    {
        var before = refund.Data;
        var data = before.DeepClone().AsObject();
        data["status"] = status;
        data["pending_reason"] = status == "pending" ? before["pending_reason"]?.DeepClone() : null;
        data["balance_transaction"] ??= Ids.New("txn");
        if (status is "failed" or "canceled")
        {
            data["failure_reason"] = failureReason;
            data["failure_balance_transaction"] = Ids.New("txn");
        }

        refund.Data = data;
        store.Save(refund);
        var charge = store.Find(data["charge"]!.ToString());
        var released = HoldsCharge(before["status"]!.ToString()) && !HoldsCharge(status);
        if (charge is { Kind: Charges.Kind })
        {
            UpdateCharge(store, charge, released ? -Amount(refund) : 0);
        }

        events.Add("refund.updated", refund, ObjectEvents.PreviousAttributes(before, data));
        if (status == "failed")
        {
            events.Add("refund.failed", refund);
        }

        events.Add("charge.refund.updated", refund);
    }

    private static JsonObject DestinationDetails(StoredObject charge)
    {
        var type = charge.Data["payment_method_details"]?["type"]?.ToString() ?? "card";
        return type == "card"
            ? new JsonObject
            {
                ["card"] = new JsonObject { ["reference_status"] = "pending", ["reference_type"] = "acquirer_reference_number", ["type"] = "refund" },
                ["type"] = "card",
            }
            : new JsonObject { [type] = new JsonObject(), ["type"] = type };
    }
}
