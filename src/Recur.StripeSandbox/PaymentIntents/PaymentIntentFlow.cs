using System.Text.Json.Nodes;
using Recur.StripeSandbox.Accounts;
using Recur.StripeSandbox.Customers;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Mandates;
using Recur.StripeSandbox.PaymentMethods;
using Recur.StripeSandbox.Prices;
using Recur.StripeSandbox.Scheduling;

namespace Recur.StripeSandbox.PaymentIntents;

/// <summary>A PaymentIntent to create: what <c>POST /v1/payment_intents</c> and invoices both give.</summary>
public sealed record PaymentIntentDraft
{
    public required long Amount { get; init; }

    public required string Currency { get; init; }

    public string? Customer { get; init; }

    /// <summary><c>allowed_payment_method_types</c>; null lets every type the sandbox supports that fits the payment.</summary>
    public IReadOnlyList<string>? AllowedPaymentMethodTypes { get; init; }

    public IReadOnlyList<string> ExcludedPaymentMethodTypes { get; init; } = [];

    public string? Description { get; init; }

    public JsonObject Metadata { get; init; } = [];

    /// <summary>A PaymentMethod id (or <c>pm_card_*</c>) to use.</summary>
    public string? PaymentMethod { get; init; }

    public string? SetupFutureUsage { get; init; }

    public string? ReceiptEmail { get; init; }

    public string? StatementDescriptor { get; init; }

    public string? StatementDescriptorSuffix { get; init; }

    public string CaptureMethod { get; init; } = "automatic";

    /// <summary>The platform's fee on a direct charge, in the smallest currency unit (Connect only).</summary>
    public long? ApplicationFeeAmount { get; init; }

    /// <summary>The invoice this PaymentIntent pays (kept by the sandbox; Stripe shows no such field since basil).</summary>
    public string? InvoiceId { get; init; }
}

/// <summary>What an invoice asks for when it needs paying. The PaymentIntent lives where the invoice lives.</summary>
/// <param name="Invoice">The stored invoice: its platform, mode and connected account scope the PaymentIntent.</param>
/// <param name="PaymentMethodTypes">The subscription's <c>payment_settings.payment_method_types</c>; null for all.</param>
/// <param name="SetupFutureUsage"><c>off_session</c> to save the PaymentMethod to the customer when it succeeds (a
/// subscription's first invoice with <c>save_default_payment_method=on_subscription</c>).</param>
public sealed record InvoicePaymentRequest(StoredObject Invoice, long Amount, string Currency, string? Customer,
    IReadOnlyList<string>? PaymentMethodTypes = null, string? Description = null, JsonObject? Metadata = null,
    string? SetupFutureUsage = null);

/// <summary>
/// The PaymentIntent status machine, as Stripe runs it:
/// <c>requires_payment_method</c> → <c>requires_confirmation</c> → (<c>requires_action</c> for 3-D Secure, ended on the
/// hosted challenge page) → <c>processing</c> (BACS, until the scheduled settlement) → <c>succeeded</c>, or back to
/// <c>requires_payment_method</c> with <c>last_payment_error</c>; <c>canceled</c> from any unfinished status.
/// Test cards behave as <see cref="TestCards"/> says and BACS accounts as <see cref="BacsTestAccounts"/> says. Each
/// attempt that reaches the network makes a <c>charge</c> (<c>latest_charge</c>). Events:
/// <c>payment_intent.created|requires_action|processing|succeeded|payment_failed|canceled</c>,
/// <c>charge.pending|succeeded|failed</c>, <c>charge.dispute.created</c>, <c>payment_method.attached</c>.
/// Every status change is also raised on <see cref="PaymentIntentOutcomes"/>.
/// <para>For invoices and subscriptions: <see cref="CreateForInvoice"/>, <see cref="ConfirmForInvoice"/>,
/// <see cref="CancelForInvoice"/> and <see cref="Find"/>.</para>
/// </summary>
public sealed class PaymentIntentFlow(SandboxStore store, SandboxEvents events, SandboxSchedule schedule, SandboxClock clock,
    BacsMandates mandates, PaymentIntentOutcomes outcomes, SandboxOptions options, SandboxOrigin origin)
{
    public const string Kind = "payment_intent";
    public const string SettlementWork = "payment_intent.bacs_settlement";

    private static readonly string[] Confirmable = ["requires_payment_method", "requires_confirmation", "requires_action"];
    private static readonly string[] Cancelable = ["requires_payment_method", "requires_confirmation", "requires_action"];

    // ---- For invoices and subscriptions -------------------------------------------------------------------------

    /// <summary>
    /// Creates the PaymentIntent that pays an invoice: <c>requires_payment_method</c>, on the invoice's account,
    /// linked to the invoice (see <see cref="PaymentIntentOutcome.InvoiceId"/>). Sends <c>payment_intent.created</c>.
    /// Fails as the API would for an amount under the currency's minimum, a type that cannot take the currency, or an
    /// unknown customer.
    /// </summary>
    public IntentResult CreateForInvoice(InvoicePaymentRequest request)
    {
        var draft = new PaymentIntentDraft
        {
            Amount = request.Amount,
            Currency = request.Currency,
            Customer = request.Customer,
            AllowedPaymentMethodTypes = request.PaymentMethodTypes,
            Description = request.Description,
            Metadata = request.Metadata?.DeepClone().AsObject() ?? [],
            SetupFutureUsage = request.SetupFutureUsage,
            InvoiceId = request.Invoice.Id,
        };
        return Create(IntentSupport.ScopeOf(request.Invoice), draft, null, origin.Url, null);
    }

    /// <summary>
    /// Confirms an invoice's PaymentIntent without the customer (a renewal, a retry): with
    /// <paramref name="paymentMethodId"/>, else the PaymentIntent's own, else the customer's
    /// <c>invoice_settings.default_payment_method</c>. As Stripe Billing does, a card that needs 3-D Secure leaves it
    /// <c>requires_action</c> (not a decline), for the customer to authenticate later; a decline returns the 402
    /// card error; BACS goes <c>processing</c>. The result is also raised on <see cref="PaymentIntentOutcomes"/>.
    /// </summary>
    public IntentResult ConfirmForInvoice(string paymentIntentId, string? paymentMethodId = null)
    {
        if (store.Find(paymentIntentId) is not { Kind: Kind } paymentIntent)
        {
            return new IntentResult(null, StripeErrors.NotFound("payment_intent", paymentIntentId));
        }

        var customer = paymentIntent.Data["customer"]?.ToString();
        paymentMethodId ??= paymentIntent.Data["payment_method"]?.ToString()
            ?? (customer is not null && store.Find(customer) is { Kind: CustomersApi.Kind } stored
                ? CustomersApi.DefaultPaymentMethod(stored)
                : null);
        return Confirm(IntentSupport.ScopeOf(paymentIntent), paymentIntentId,
            new ConfirmInput { PaymentMethod = paymentMethodId, Billing = true }, origin.Url, null);
    }

    /// <summary>Cancels an invoice's PaymentIntent (the invoice was voided): reason <c>void_invoice</c> by default.</summary>
    public IntentResult CancelForInvoice(string paymentIntentId, string reason = "void_invoice") =>
        store.Find(paymentIntentId) is { Kind: Kind } paymentIntent
            ? Cancel(IntentSupport.ScopeOf(paymentIntent), paymentIntentId, reason, null)
            : new IntentResult(null, StripeErrors.NotFound("payment_intent", paymentIntentId));

    /// <summary>A PaymentIntent by id, whoever owns it; null when there is none.</summary>
    public StoredObject? Find(string paymentIntentId) => store.Find(paymentIntentId) is { Kind: Kind } found ? found : null;

    // ---- The API's operations -----------------------------------------------------------------------------------

    /// <summary>Stripe's checks on <c>amount</c> for a currency: at least the minimum charge, at most 8 digits.</summary>
    public static IResult? CheckAmount(long amount, string currency)
    {
        if (amount < 1)
        {
            return StripeErrors.InvalidRequest("This value must be greater than or equal to 1.", "amount");
        }

        var minimum = Currencies.MinimumCharge(currency);
        if (amount < minimum)
        {
            return StripeErrors.InvalidRequest($"Amount must be at least {Currencies.Format(minimum, currency)} {currency}",
                "amount", "amount_too_small");
        }

        return amount > Currencies.MaximumAmount
            ? StripeErrors.InvalidRequest(
                $"Amount must be no more than {Currencies.Format(Currencies.MaximumAmount, currency)} {currency}",
                "amount", "amount_too_large")
            : null;
    }

    /// <summary>Creates a PaymentIntent in the caller's scope and, with <paramref name="confirm"/>, confirms it.</summary>
    public IntentResult Create(ApiCaller caller, PaymentIntentDraft draft, ConfirmInput? confirm, string baseUrl,
        string? idempotencyKey)
    {
        var currency = Currencies.Normalize(draft.Currency);
        if (currency is null)
        {
            return new IntentResult(null, StripeErrors.InvalidRequest(Currencies.InvalidMessage(draft.Currency), "currency"));
        }

        var error = CheckAmount(draft.Amount, currency);
        if (error is not null)
        {
            return new IntentResult(null, error);
        }

        error = IntentSupport.PaymentMethodTypes(draft.AllowedPaymentMethodTypes, draft.ExcludedPaymentMethodTypes,
            draft.Amount, currency, out var types);
        if (error is not null)
        {
            return new IntentResult(null, error);
        }

        // Bacs only where the account can take it (BacsAvailability): asked for by name, it is refused; among the
        // default types, it is left out.
        if (types.Any(t => t?.ToString() == "bacs_debit") && !BacsAvailability.IsAvailable(store, caller))
        {
            if (draft.AllowedPaymentMethodTypes?.Contains("bacs_debit") == true || types.Count == 1)
            {
                return new IntentResult(null, BacsAvailability.Refusal("allowed_payment_method_types"));
            }

            types.Remove(types.First(t => t?.ToString() == "bacs_debit"));
        }

        var step = new PaymentStep();
        IntentResult result;
        lock (store.Gate)
        {
            if (draft.Customer is not null && CustomersApi.FindUsable(store, caller, draft.Customer) is null)
            {
                return new IntentResult(null, CustomersApi.NotFound(draft.Customer, "customer"));
            }

            var now = clock.NowFor(draft.Customer).ToUnixTimeSeconds();
            var id = Ids.New("pi");
            var data = new JsonObject
            {
                ["id"] = id,
                ["object"] = "payment_intent",
                ["allowed_payment_method_types"] = draft.AllowedPaymentMethodTypes is null
                    ? null
                    : new JsonArray(draft.AllowedPaymentMethodTypes.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
                ["amount"] = draft.Amount,
                ["amount_capturable"] = 0,
                ["amount_details"] = new JsonObject { ["tip"] = new JsonObject() },
                ["amount_received"] = 0,
                ["application"] = null,
                ["application_fee_amount"] = draft.ApplicationFeeAmount,
                ["automatic_payment_methods"] = draft.AllowedPaymentMethodTypes is null
                    ? new JsonObject { ["allow_redirects"] = "always", ["enabled"] = true }
                    : null,
                ["canceled_at"] = null,
                ["cancellation_reason"] = null,
                ["capture_method"] = draft.CaptureMethod,
                ["client_secret"] = IntentSupport.ClientSecret(id),
                ["confirmation_method"] = "automatic",
                ["created"] = now,
                ["currency"] = currency,
                ["customer"] = draft.Customer,
                ["customer_account"] = null,
                ["description"] = draft.Description,
                ["excluded_payment_method_types"] = draft.ExcludedPaymentMethodTypes.Count == 0
                    ? null
                    : new JsonArray(draft.ExcludedPaymentMethodTypes.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
                ["last_payment_error"] = null,
                ["latest_charge"] = null,
                ["livemode"] = caller.Livemode,
                ["metadata"] = draft.Metadata.DeepClone(),
                ["next_action"] = null,
                ["on_behalf_of"] = null,
                ["payment_method"] = null,
                ["payment_method_configuration_details"] = null,
                ["payment_method_options"] = IntentSupport.PaymentMethodOptions(types),
                ["payment_method_types"] = types,
                ["processing"] = null,
                ["receipt_email"] = draft.ReceiptEmail,
                ["review"] = null,
                ["setup_future_usage"] = draft.SetupFutureUsage,
                ["shipping"] = null,
                ["source"] = null,
                ["statement_descriptor"] = draft.StatementDescriptor,
                ["statement_descriptor_suffix"] = draft.StatementDescriptorSuffix,
                ["status"] = "requires_payment_method",
                ["transfer_data"] = null,
                ["transfer_group"] = null,
            };
            if (draft.PaymentMethod is not null)
            {
                error = IntentSupport.PaymentMethodFor(store, caller, data, draft.PaymentMethod, now, "PaymentIntent",
                    out var paymentMethod);
                if (error is not null)
                {
                    return new IntentResult(null, error);
                }

                data["payment_method"] = paymentMethod!.Id;
                data["status"] = "requires_confirmation";
            }

            var paymentIntent = caller.NewObject(Kind, id, now, data);
            if (draft.InvoiceId is not null)
            {
                paymentIntent.Meta["invoice"] = draft.InvoiceId;
            }

            store.Save(paymentIntent);
            step.Events.Add("payment_intent.created", paymentIntent);
            result = confirm is null
                ? new IntentResult(paymentIntent, null)
                : ConfirmLocked(caller, paymentIntent, confirm, baseUrl, step);
            result = result.Frozen();
        }

        step.Finish(events, store, idempotencyKey);
        return result;
    }

    /// <summary>Confirms a PaymentIntent: the attempt's outcome, or the error that stopped it.</summary>
    public IntentResult Confirm(ApiCaller caller, string id, ConfirmInput input, string baseUrl, string? idempotencyKey) =>
        IntentConfirmation.Confirm(store, events, caller, id, Kind, idempotencyKey,
            (paymentIntent, step) => ConfirmLocked(caller, paymentIntent, input, baseUrl, step));

    /// <summary>Cancels a PaymentIntent that is not finished or processing.</summary>
    public IntentResult Cancel(ApiCaller caller, string id, string? reason, string? idempotencyKey)
    {
        var step = new PaymentStep();
        StoredObject? paymentIntent;
        lock (store.Gate)
        {
            paymentIntent = store.Find(id);
            if (paymentIntent is not { Kind: Kind } || !caller.CanSee(paymentIntent))
            {
                return new IntentResult(null, StripeErrors.NotFound("payment_intent", id));
            }

            var status = paymentIntent.Data["status"]!.ToString();
            if (!Cancelable.Contains(status))
            {
                return new IntentResult(paymentIntent, UnexpectedState(paymentIntent, "cancel",
                    "requires_payment_method, requires_capture, requires_confirmation, requires_action, processing"));
            }

            IntentSupport.DropChallenge(store, paymentIntent);
            var data = paymentIntent.Data.DeepClone().AsObject();
            data["status"] = "canceled";
            data["canceled_at"] = clock.NowFor(data["customer"]?.ToString()).ToUnixTimeSeconds();
            data["cancellation_reason"] = reason;
            data["next_action"] = null;
            paymentIntent.Data = data;
            store.Save(paymentIntent);
            step.Events.Add("payment_intent.canceled", paymentIntent);
            Raise(step, PaymentIntentOutcomeKind.Canceled, paymentIntent);
            paymentIntent = paymentIntent.Copy();
        }

        step.Finish(events, store, idempotencyKey);
        return new IntentResult(paymentIntent, null);
    }

    /// <summary>
    /// Ends a 3-D Secure challenge from the hosted page: completed goes on to the card's outcome, failed returns to
    /// <c>requires_payment_method</c> with <c>payment_intent_authentication_failure</c>. Returns the intent, or null
    /// when it no longer waits for this challenge.
    /// </summary>
    internal StoredObject? CompleteChallenge(StoredObject challenge, bool authenticated)
    {
        var step = new PaymentStep();
        StoredObject? paymentIntent;
        lock (store.Gate)
        {
            if (IntentConfirmation.EndChallenge(store, challenge, Kind) is not { } ended)
            {
                return null;
            }

            (paymentIntent, var data, var paymentMethod) = ended;

            if (!authenticated)
            {
                data["status"] = "requires_payment_method";
                data["payment_method"] = null;
                data["last_payment_error"] = IntentSupport.Error("invalid_request_error",
                    "payment_intent_authentication_failure", null,
                    "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
                    paymentMethod, null);
                paymentIntent.Data = data;
                store.Save(paymentIntent);
                step.Events.Add("payment_intent.payment_failed", paymentIntent);
                Raise(step, PaymentIntentOutcomeKind.Failed, paymentIntent);
            }
            else
            {
                var offSession = paymentIntent.Meta["off_session"]?.GetValue<bool>() == true;
                var decision = TestCards.Decide(PaymentMethodAttachments.CardOf(paymentMethod)!, new CardAttempt(
                    Setup: false, OffSession: offSession, PaymentMethodAttachments.SetUpForOffSession(paymentMethod),
                    Authenticated: true, PaymentMethodAttachments.CvcGiven(paymentMethod), paymentIntent.Livemode));
                if (decision.Kind == CardDecisionKind.Declined)
                {
                    Decline(paymentIntent, data, paymentMethod, decision.Decline!, authenticated: true, step);
                }
                else
                {
                    Approve(paymentIntent, data, paymentMethod, authenticated: true, step);
                }
            }
        }

        step.Finish(events, store);
        return paymentIntent;
    }

    /// <summary>The scheduled end of a BACS debit: succeeded, or failed as the test account says.</summary>
    internal void Settle(ScheduledWork work)
    {
        var step = new PaymentStep();
        lock (store.Gate)
        {
            if (store.Find(work.TargetId) is not { Kind: Kind } paymentIntent
                || paymentIntent.Data["status"]?.ToString() != "processing")
            {
                return;
            }

            var data = paymentIntent.Data.DeepClone().AsObject();
            var paymentMethod = store.Find(data["payment_method"]?.ToString() ?? "");
            var charge = store.Find(data["latest_charge"]?.ToString() ?? "");
            if (paymentMethod is null || charge is null)
            {
                return;
            }

            var account = PaymentMethodAttachments.BacsAccountOf(paymentMethod);
            var mandate = mandates.Of(paymentMethod);
            if (mandate is not null)
            {
                mandates.Decide(mandate, step);
            }

            var refused = mandate is not null && BacsMandates.Status(mandate) == "inactive";
            var now = work.DueAt.ToUnixTimeSeconds();
            if (refused || account.Outcome is BacsOutcome.FailsDebitNotAuthorized or BacsOutcome.FailsInsufficientFunds)
            {
                var code = account.FailureCode ?? "debit_not_authorized";
                var failure = new CardDecline(code, null, BacsTestAccounts.FailureMessage(code));
                Charges.Settle(store, charge, failure);
                data["status"] = "requires_payment_method";
                data["payment_method"] = null;
                data["last_payment_error"] = IntentSupport.Error("card_error", code, null, failure.Message, paymentMethod,
                    charge.Id);
                paymentIntent.Data = data;
                store.Save(paymentIntent);
                step.Events.Add("charge.failed", charge);
                step.Events.Add("payment_intent.payment_failed", paymentIntent);
                Raise(step, PaymentIntentOutcomeKind.Failed, paymentIntent);
                if (account.Outcome == BacsOutcome.FailsDebitNotAuthorized && mandate is not null)
                {
                    mandates.Revoke(mandate, "debit_not_authorized", step);
                }
            }
            else
            {
                Charges.Settle(store, charge, null);
                data["status"] = "succeeded";
                data["amount_received"] = data["amount"]?.DeepClone();
                paymentIntent.Data = data;
                store.Save(paymentIntent);
                step.Events.Add("charge.succeeded", charge);
                step.Events.Add("payment_intent.succeeded", paymentIntent);
                Raise(step, PaymentIntentOutcomeKind.Succeeded, paymentIntent);
                if (account.Outcome == BacsOutcome.SucceedsThenDisputed)
                {
                    step.Events.Add("charge.dispute.created", Charges.Dispute(store, charge, now));
                }
            }
        }

        step.Finish(events, store);
    }

    // ---- The attempt --------------------------------------------------------------------------------------------

    private IntentResult ConfirmLocked(ApiCaller caller, StoredObject paymentIntent, ConfirmInput input, string baseUrl,
        PaymentStep step)
    {
        var status = paymentIntent.Data["status"]!.ToString();
        if (!Confirmable.Contains(status))
        {
            return new IntentResult(paymentIntent, UnexpectedState(paymentIntent, "confirm",
                "requires_confirmation, requires_payment_method, requires_action"));
        }

        var data = paymentIntent.Data.DeepClone().AsObject();
        var customer = data["customer"]?.ToString();
        var now = clock.NowFor(customer).ToUnixTimeSeconds();
        var error = IntentSupport.PaymentMethodFor(store, caller, data, input.PaymentMethod, now, "PaymentIntent",
            out var paymentMethod);
        if (error is not null)
        {
            return new IntentResult(paymentIntent, error);
        }

        IntentSupport.DropChallenge(store, paymentIntent);
        data["payment_method"] = paymentMethod!.Id;
        data["last_payment_error"] = null;
        data["next_action"] = null;
        if (input.SetupFutureUsage is not null)
        {
            data["setup_future_usage"] = input.SetupFutureUsage == "" ? null : input.SetupFutureUsage;
        }

        if (input.ReceiptEmail is not null)
        {
            data["receipt_email"] = input.ReceiptEmail == "" ? null : input.ReceiptEmail;
        }

        var meta = paymentIntent.Meta.DeepClone().AsObject();
        meta["off_session"] = input.OffSession || input.Billing;
        paymentIntent.Meta = meta;

        if (paymentMethod.Data["type"]?.ToString() == "bacs_debit")
        {
            return DebitBacs(paymentIntent, data, paymentMethod, input, baseUrl, now, step);
        }

        var card = PaymentMethodAttachments.CardOf(paymentMethod)!;
        var decision = TestCards.Decide(card, new CardAttempt(Setup: false, OffSession: input.OffSession || input.Billing,
            PaymentMethodAttachments.SetUpForOffSession(paymentMethod), Authenticated: false,
            PaymentMethodAttachments.CvcGiven(paymentMethod), paymentIntent.Livemode));
        if (input.Billing && decision.Decline == TestCards.AuthenticationRequired)
        {
            decision = CardDecision.Challenge;
        }

        if (decision.Kind == CardDecisionKind.Challenge && input.ErrorOnRequiresAction)
        {
            decision = CardDecision.Declined(TestCards.AuthenticationRequired);
        }

        switch (decision.Kind)
        {
            case CardDecisionKind.Challenge:
                data["status"] = "requires_action";
                data["next_action"] = IntentSupport.CreateChallenge(store, paymentIntent, input.ReturnUrl, baseUrl, now);
                paymentIntent.Data = data;
                store.Save(paymentIntent);
                step.Events.Add("payment_intent.requires_action", paymentIntent);
                Raise(step, PaymentIntentOutcomeKind.RequiresAction, paymentIntent);
                return new IntentResult(paymentIntent, null);
            case CardDecisionKind.Declined:
                return Decline(paymentIntent, data, paymentMethod, decision.Decline!, authenticated: false, step);
            default:
                return Approve(paymentIntent, data, paymentMethod, authenticated: false, step);
        }
    }

    private IntentResult Approve(StoredObject paymentIntent, JsonObject data, StoredObject paymentMethod, bool authenticated,
        PaymentStep step)
    {
        var customer = data["customer"]?.ToString();
        var now = clock.NowFor(customer).ToUnixTimeSeconds();
        Save(paymentMethod, data, step);
        var charge = Charges.Create(store, paymentIntent, data, paymentMethod, now, "succeeded", null, authenticated, null);
        data["latest_charge"] = charge.Id;
        if (data["capture_method"]?.ToString() == "manual")
        {
            ManualCapture.Authorize(data, charge.Data);
            store.Save(charge);
            paymentIntent.Data = data;
            store.Save(paymentIntent);
            step.Events.Add("charge.succeeded", charge);
            step.Events.Add("payment_intent.amount_capturable_updated", paymentIntent);
            return new IntentResult(paymentIntent, null);
        }

        data["status"] = "succeeded";
        data["amount_received"] = data["amount"]?.DeepClone();
        paymentIntent.Data = data;
        store.Save(paymentIntent);
        step.Events.Add("charge.succeeded", charge);
        step.Events.Add("payment_intent.succeeded", paymentIntent);
        Raise(step, PaymentIntentOutcomeKind.Succeeded, paymentIntent);
        if (PaymentMethodAttachments.CardOf(paymentMethod)?.Behaviour == CardBehaviour.SucceedsThenDisputed)
        {
            step.Events.Add("charge.dispute.created", Charges.Dispute(store, charge, now));
        }

        return new IntentResult(paymentIntent, null);
    }

    private IntentResult Decline(StoredObject paymentIntent, JsonObject data, StoredObject paymentMethod, CardDecline decline,
        bool authenticated, PaymentStep step)
    {
        var now = clock.NowFor(data["customer"]?.ToString()).ToUnixTimeSeconds();
        var charge = Charges.Create(store, paymentIntent, data, paymentMethod, now, "failed", decline, authenticated, null);
        data["status"] = "requires_payment_method";
        data["payment_method"] = null;
        data["latest_charge"] = charge.Id;
        data["last_payment_error"] = IntentSupport.Error("card_error", decline.Code, decline.DeclineCode, decline.Message,
            paymentMethod, charge.Id);
        paymentIntent.Data = data;
        store.Save(paymentIntent);
        step.Events.Add("charge.failed", charge);
        step.Events.Add("payment_intent.payment_failed", paymentIntent);
        Raise(step, PaymentIntentOutcomeKind.Failed, paymentIntent);
        return new IntentResult(paymentIntent, IntentSupport.ErrorResponse(StatusCodes.Status402PaymentRequired,
            data["last_payment_error"]!.AsObject(), "payment_intent", data));
    }

    private IntentResult DebitBacs(StoredObject paymentIntent, JsonObject data, StoredObject paymentMethod, ConfirmInput input,
        string baseUrl, long now, PaymentStep step)
    {
        if (data["currency"]?.ToString() != "gbp" || IntentSupport.Number(data["amount"]) > IntentSupport.BacsMaximumAmount)
        {
            return new IntentResult(paymentIntent, StripeErrors.InvalidRequest(
                $"bacs_debit payments must be in gbp and at most {Currencies.Format(IntentSupport.BacsMaximumAmount, "gbp")}.",
                "payment_method", "payment_intent_invalid_parameter"));
        }

        var customer = data["customer"]?.ToString();
        var mandate = mandates.Of(paymentMethod);
        if (mandate is not null && BacsMandates.Status(mandate) == "inactive")
        {
            data["status"] = "requires_payment_method";
            data["payment_method"] = null;
            data["last_payment_error"] = IntentSupport.Error("invalid_request_error", "payment_method_unexpected_state", null,
                "The mandate for this Bacs Direct Debit account is no longer active, so it can't be debited. Collect the customer's bank details again to make a new mandate.",
                paymentMethod, null);
            paymentIntent.Data = data;
            store.Save(paymentIntent);
            step.Events.Add("payment_intent.payment_failed", paymentIntent);
            Raise(step, PaymentIntentOutcomeKind.Failed, paymentIntent);
            return new IntentResult(paymentIntent, IntentSupport.ErrorResponse(StatusCodes.Status400BadRequest,
                data["last_payment_error"]!.AsObject(), "payment_intent", data));
        }

        mandate ??= mandates.Create(paymentMethod, input.MandateAcceptance ?? BacsMandates.OfflineAcceptance(now), customer,
            baseUrl);
        Save(paymentMethod, data, step);
        var charge = Charges.Create(store, paymentIntent, data, paymentMethod, now, "pending", null, false, mandate.Id);
        data["status"] = "processing";
        data["latest_charge"] = charge.Id;
        paymentIntent.Data = data;
        store.Save(paymentIntent);
        var delay = PaymentMethodAttachments.BacsAccountOf(paymentMethod).AfterThreeMinutes
            ? BacsTestAccounts.ThreeMinutes
            : options.BacsSettlementDelay;
        schedule.Schedule(SettlementWork, paymentIntent.Id, DateTimeOffset.FromUnixTimeSeconds(now) + delay,
            clock.TestClockOf(customer));
        step.Events.Add("charge.pending", charge);
        step.Events.Add("payment_intent.processing", paymentIntent);
        Raise(step, PaymentIntentOutcomeKind.Processing, paymentIntent);
        return new IntentResult(paymentIntent, null);
    }

    /// <summary>With <c>setup_future_usage</c> and a customer, the PaymentMethod is saved to the customer (and a card
    /// counts as set up for off-session payments).</summary>
    private void Save(StoredObject paymentMethod, JsonObject data, PaymentStep step)
    {
        var usage = data["setup_future_usage"]?.ToString();
        var customerId = data["customer"]?.ToString();
        if (usage is null || customerId is null || store.Find(customerId) is not { Kind: CustomersApi.Kind } customer
            || CustomersApi.IsDeleted(customer))
        {
            return;
        }

        PaymentMethodAttachments.Attach(store, paymentMethod, customer, step.Events, withMandate: true);
        if (usage == "off_session")
        {
            PaymentMethodAttachments.MarkSetUpForOffSession(store, paymentMethod);
        }
    }

    private void Raise(PaymentStep step, PaymentIntentOutcomeKind kind, StoredObject paymentIntent)
    {
        var outcome = new PaymentIntentOutcome(kind, paymentIntent.Copy());
        step.Notify(() => outcomes.Raise(outcome));
    }

    private static IResult UnexpectedState(StoredObject paymentIntent, string verb, string allowed) =>
        StripeErrors.Create(StatusCodes.Status400BadRequest, "invalid_request_error",
            $"You cannot {verb} this PaymentIntent because it has a status of {paymentIntent.Data["status"]}. Only a PaymentIntent with one of the following statuses may be {(verb == "cancel" ? "canceled" : "confirmed")}: {allowed}.",
            "payment_intent_unexpected_state", null, new JsonObject { ["payment_intent"] = paymentIntent.Data.DeepClone() });
}
