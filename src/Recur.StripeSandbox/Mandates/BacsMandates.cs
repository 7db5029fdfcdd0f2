using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.PaymentIntents;
using Recur.StripeSandbox.PaymentMethods;
using Recur.StripeSandbox.Scheduling;

namespace Recur.StripeSandbox.Mandates;

/// <summary>A mandate's status changed: <paramref name="PreviousStatus"/> → the mandate's <c>status</c>.</summary>
public sealed record MandateChange(StoredObject Mandate, string PreviousStatus)
{
    public string Status => Mandate.Data["status"]!.ToString();

    public string PaymentMethodId => Mandate.Data["payment_method"]!.ToString();
}

/// <summary>Subscribe to hear when a BACS mandate becomes active or inactive (after <c>mandate.updated</c>).</summary>
public sealed class MandateOutcomes(ILogger<MandateOutcomes> logger) : OutcomeHooks<MandateChange>(logger);

/// <summary>
/// BACS Direct Debit mandates. A mandate is made when a bacs_debit PaymentMethod is first confirmed on a SetupIntent
/// or PaymentIntent (from <c>mandate_data</c>, or offline acceptance when none is given) and starts <c>pending</c>.
/// After the sandbox's settlement delay the bank decides: <c>active</c> (<c>network_status=accepted</c>), or
/// <c>inactive</c> (<c>refused</c>) for account <c>00033333</c>. A debit that fails with
/// <c>debit_not_authorized</c> revokes it (<c>inactive</c>, <c>revoked</c>). Each change sends <c>mandate.updated</c>.
/// The PaymentMethod keeps its mandate, which later debits reuse.
/// </summary>
public sealed class BacsMandates(SandboxStore store, SandboxEvents events, SandboxSchedule schedule, SandboxClock clock,
    SandboxOptions options, MandateOutcomes outcomes)
{
    public const string Kind = "mandate";
    public const string DecisionWork = "mandate.bacs_decision";

    /// <summary>The mandate a PaymentMethod has, if any.</summary>
    public StoredObject? Of(StoredObject paymentMethod) =>
        paymentMethod.Meta["mandate"]?.ToString() is { } id && store.Find(id) is { Kind: Kind } mandate ? mandate : null;

    public static string Status(StoredObject mandate) => mandate.Data["status"]!.ToString();

    /// <summary>
    /// Under the gate: a new pending mandate for <paramref name="paymentMethod"/>, its bank decision scheduled on the
    /// customer's clock.
    /// </summary>
    public StoredObject Create(StoredObject paymentMethod, JsonObject customerAcceptance, string? customerId, string baseUrl)
    {
        var id = Ids.New("mandate");
        var data = new JsonObject
        {
            ["id"] = id,
            ["object"] = "mandate",
            ["customer_acceptance"] = customerAcceptance,
            ["livemode"] = paymentMethod.Livemode,
            ["multi_use"] = new JsonObject(),
            ["on_behalf_of"] = null,
            ["payment_method"] = paymentMethod.Id,
            ["payment_method_details"] = new JsonObject
            {
                ["bacs_debit"] = new JsonObject
                {
                    ["display_name"] = null,
                    ["network_status"] = "pending",
                    ["reference"] = Ids.New("X", 12)[2..].ToUpperInvariant(),
                    ["revocation_reason"] = null,
                    ["service_user_number"] = null,
                    ["url"] = $"{baseUrl}/bacs/mandates/{id}",
                },
                ["type"] = "bacs_debit",
            },
            ["status"] = "pending",
            ["type"] = "multi_use",
        };
        var now = clock.NowFor(customerId);
        var mandate = store.Save(paymentMethod.NewInSameScope(Kind, id, now.ToUnixTimeSeconds(), data));
        var meta = paymentMethod.Meta.DeepClone().AsObject();
        meta["mandate"] = id;
        paymentMethod.Meta = meta;
        store.Save(paymentMethod);
        schedule.Schedule(DecisionWork, id, now + options.BacsSettlementDelay, clock.TestClockOf(customerId));
        return mandate;
    }

    /// <summary>Under the gate: the bank's decision on a pending mandate; nothing when it was already decided.</summary>
    public void Decide(StoredObject mandate, PaymentStep step)
    {
        if (Status(mandate) != "pending")
        {
            return;
        }

        var paymentMethod = store.Find(mandate.Data["payment_method"]!.ToString());
        var refused = paymentMethod is not null
            && PaymentMethodAttachments.BacsAccountOf(paymentMethod).Outcome == BacsOutcome.MandateRefused;
        Change(mandate, refused ? "inactive" : "active", refused ? "refused" : "accepted", null, step);
        schedule.Cancel(DecisionWork, mandate.Id);
    }

    /// <summary>Under the gate: the bank revoked the mandate (e.g. a debit was reported as not authorised).</summary>
    public void Revoke(StoredObject mandate, string reason, PaymentStep step)
    {
        if (Status(mandate) == "inactive")
        {
            return;
        }

        schedule.Cancel(DecisionWork, mandate.Id);
        Change(mandate, "inactive", "revoked", reason, step);
    }

    /// <summary>The scheduled bank decision.</summary>
    internal void RunDecision(ScheduledWork work)
    {
        var step = new PaymentStep();
        lock (store.Gate)
        {
            if (store.Find(work.TargetId) is { Kind: Kind } mandate)
            {
                Decide(mandate, step);
            }
        }

        step.Finish(events, store);
    }

    private void Change(StoredObject mandate, string status, string networkStatus, string? revocationReason, PaymentStep step)
    {
        var before = mandate.Data;
        var data = before.DeepClone().AsObject();
        data["status"] = status;
        var bacs = data["payment_method_details"]!["bacs_debit"]!;
        bacs["network_status"] = networkStatus;
        bacs["revocation_reason"] = revocationReason;
        mandate.Data = data;
        store.Save(mandate);
        step.Events.Add("mandate.updated", mandate, ObjectEvents.PreviousAttributes(before, data));
        var change = new MandateChange(mandate.Copy(), before["status"]!.ToString());
        step.Notify(() => outcomes.Raise(change));
    }

    /// <summary>
    /// <c>mandate_data[customer_acceptance]</c>: <c>type</c> online (with <c>ip_address</c> and <c>user_agent</c>, or
    /// <c>infer_from_client=true</c> as Stripe.js sends, which reads them from the request) or offline.
    /// </summary>
    public static IResult? ParseAcceptance(StripeParams parameters, string path, HttpContext http, long now,
        out JsonObject? acceptance)
    {
        acceptance = null;
        var name = StripeParams.BracketName(path);
        var unknown = parameters.Unknown(path, "customer_acceptance");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var accept = $"{path}.customer_acceptance";
        if (!parameters.Has(accept))
        {
            return StripeErrors.MissingParameter($"{name}[customer_acceptance]");
        }

        unknown = parameters.Unknown(accept, "type", "accepted_at", "online", "offline");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var type = parameters.String($"{accept}.type");
        if (type is not ("online" or "offline"))
        {
            return type is null
                ? StripeErrors.MissingParameter($"{name}[customer_acceptance][type]")
                : StripeErrors.InvalidRequest($"Invalid {name}[customer_acceptance][type]: must be one of offline or online",
                    $"{name}[customer_acceptance][type]");
        }

        if (!parameters.TryLong($"{accept}.accepted_at", out var acceptedAt))
        {
            return StripeErrors.InvalidRequest($"Invalid integer: {parameters.String($"{accept}.accepted_at")}",
                $"{name}[customer_acceptance][accepted_at]", "parameter_invalid_integer");
        }

        JsonObject? online = null;
        if (type == "online")
        {
            var onlinePath = $"{accept}.online";
            unknown = parameters.Unknown(onlinePath, "ip_address", "user_agent", "infer_from_client");
            if (unknown is not null)
            {
                return StripeErrors.UnknownParameter(unknown);
            }

            if (parameters.String($"{onlinePath}.infer_from_client") == "true")
            {
                online = new JsonObject
                {
                    ["ip_address"] = http.Connection.RemoteIpAddress?.MapToIPv4().ToString() ?? IPAddress.Loopback.ToString(),
                    ["user_agent"] = http.Request.Headers.UserAgent.FirstOrDefault() ?? "",
                };
            }
            else
            {
                var ip = parameters.String($"{onlinePath}.ip_address");
                var agent = parameters.String($"{onlinePath}.user_agent");
                if (string.IsNullOrEmpty(ip))
                {
                    return StripeErrors.MissingParameter($"{name}[customer_acceptance][online][ip_address]");
                }

                if (!IPAddress.TryParse(ip, out _))
                {
                    return StripeErrors.InvalidRequest($"Invalid IP address: {ip}",
                        $"{name}[customer_acceptance][online][ip_address]");
                }

                if (string.IsNullOrEmpty(agent))
                {
                    return StripeErrors.MissingParameter($"{name}[customer_acceptance][online][user_agent]");
                }

                online = new JsonObject { ["ip_address"] = ip, ["user_agent"] = agent };
            }
        }

        acceptance = new JsonObject
        {
            ["accepted_at"] = acceptedAt ?? now,
            ["offline"] = type == "offline" ? new JsonObject() : null,
            ["online"] = online,
            ["type"] = type,
        };
        return null;
    }

    /// <summary>Acceptance recorded when a debit is confirmed without <c>mandate_data</c> (e.g. by the merchant).</summary>
    public static JsonObject OfflineAcceptance(long now) => new()
    {
        ["accepted_at"] = now,
        ["offline"] = new JsonObject(),
        ["online"] = null,
        ["type"] = "offline",
    };

    /// <summary>The hosted page at the mandate's <c>url</c>: the Direct Debit Instruction as the customer signed it.</summary>
    internal IResult Page(string id)
    {
        if (store.Find(id) is not { Kind: Kind } mandate)
        {
            return SandboxHtml.Result("Mandate not found", null, "<p>There is no such mandate.</p>", StatusCodes.Status404NotFound);
        }

        var paymentMethod = store.Find(mandate.Data["payment_method"]!.ToString());
        var bacs = paymentMethod?.Data["bacs_debit"];
        var billing = paymentMethod?.Data["billing_details"];
        var details = mandate.Data["payment_method_details"]!["bacs_debit"]!;
        var accepted = DateTimeOffset.FromUnixTimeSeconds(JsonNumber.Read(mandate.Data["customer_acceptance"]!["accepted_at"]))
            .ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
        var body = $"""
            <p>Instruction to your bank or building society to pay by Direct Debit.</p>
            <dl>
            <dt>Account holder</dt><dd>{SandboxHtml.Encode(billing?["name"]?.ToString())}</dd>
            <dt>Sort code</dt><dd>{SandboxHtml.Encode(FormatSortCode(bacs?["sort_code"]?.ToString()))}</dd>
            <dt>Account number</dt><dd>••••{SandboxHtml.Encode(bacs?["last4"]?.ToString())}</dd>
            <dt>Reference</dt><dd>{SandboxHtml.Encode(details["reference"]?.ToString())}</dd>
            <dt>Accepted</dt><dd>{SandboxHtml.Encode(accepted)}</dd>
            <dt>Status</dt><dd>{SandboxHtml.Encode(Status(mandate))}</dd>
            </dl>
            """;
        return SandboxHtml.Result("Direct Debit Instruction", mandate.Livemode, body);
    }

    private static string FormatSortCode(string? sortCode) =>
        sortCode is { Length: 6 } ? $"{sortCode[..2]}-{sortCode[2..4]}-{sortCode[4..]}" : sortCode ?? "";
}
