using System.Text.Json.Nodes;
using Recur.StripeSandbox.Customers;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Mandates;
using Recur.StripeSandbox.PaymentIntents;
using Recur.StripeSandbox.PaymentMethods;
using Recur.StripeSandbox.Scheduling;

namespace Recur.StripeSandbox.SetupIntents;

public enum SetupIntentOutcomeKind
{
    Succeeded,

    /// <summary>The set-up failed (decline, failed authentication): <c>requires_payment_method</c> with
    /// <c>last_setup_error</c>.</summary>
    Failed,

    RequiresAction,

    Canceled,
}

/// <summary>A SetupIntent changed status. <see cref="SetupIntent"/> is a copy taken at that moment.</summary>
public sealed record SetupIntentOutcome(SetupIntentOutcomeKind Kind, StoredObject SetupIntent)
{
    public string? PaymentMethodId => SetupIntent.Data["payment_method"]?.ToString();
}

/// <summary>Subscribe here to react to set-ups (a trial subscription's <c>pending_setup_intent</c> does).</summary>
public sealed class SetupIntentOutcomes(ILogger<SetupIntentOutcomes> logger) : OutcomeHooks<SetupIntentOutcome>(logger);

/// <summary>A SetupIntent to create.</summary>
public sealed record SetupIntentDraft
{
    public string? Customer { get; init; }

    public IReadOnlyList<string>? AllowedPaymentMethodTypes { get; init; }

    public IReadOnlyList<string> ExcludedPaymentMethodTypes { get; init; } = [];

    public string? Description { get; init; }

    public JsonObject Metadata { get; init; } = [];

    public string? PaymentMethod { get; init; }

    /// <summary><c>off_session</c> (Stripe's default) or <c>on_session</c>.</summary>
    public string Usage { get; init; } = "off_session";
}

/// <summary>
/// The SetupIntent status machine: <c>requires_payment_method</c> → <c>requires_confirmation</c> →
/// (<c>requires_action</c> for 3-D Secure) → <c>succeeded</c> (the PaymentMethod is saved to the customer, and a card
/// counts as set up for off-session payments), or back to <c>requires_payment_method</c> with
/// <c>last_setup_error</c>; <c>canceled</c>. A bacs_debit set-up is possible only from a Checkout Session's hosted
/// page (<see cref="ConfirmInput.ThroughCheckout"/>): it succeeds at once with a <c>pending</c> mandate
/// (<c>mandate</c>), which the bank decides later; anywhere else Stripe's refusal. Each confirmation records a <c>setup_attempt</c>
/// (<c>latest_attempt</c>). Events: <c>setup_intent.created|requires_action|succeeded|setup_failed|canceled</c>,
/// <c>payment_method.attached</c>. Status changes are raised on <see cref="SetupIntentOutcomes"/>.
/// <para>For subscriptions: <see cref="CreateFor"/> makes a subscription's <c>pending_setup_intent</c>.</para>
/// </summary>
public sealed class SetupIntentFlow(SandboxStore store, SandboxEvents events, SandboxClock clock, BacsMandates mandates,
    SetupIntentOutcomes outcomes, SandboxOrigin origin)
{
    public const string Kind = "setup_intent";
    public const string AttemptKind = "setup_attempt";

    private static readonly string[] Confirmable = ["requires_payment_method", "requires_confirmation", "requires_action"];

    /// <summary>
    /// Creates a SetupIntent where <paramref name="owner"/> lives (e.g. a trial subscription's
    /// <c>pending_setup_intent</c>): <c>requires_payment_method</c>, usage off_session. Sends <c>setup_intent.created</c>.
    /// </summary>
    public IntentResult CreateFor(StoredObject owner, string? customer, IReadOnlyList<string>? paymentMethodTypes,
        JsonObject? metadata = null, string? description = null) =>
        Create(IntentSupport.ScopeOf(owner), new SetupIntentDraft
        {
            Customer = customer,
            AllowedPaymentMethodTypes = paymentMethodTypes,
            Metadata = metadata?.DeepClone().AsObject() ?? [],
            Description = description,
        }, null, origin.Url, null);

    /// <summary>A SetupIntent by id, whoever owns it; null when there is none.</summary>
    public StoredObject? Find(string setupIntentId) => store.Find(setupIntentId) is { Kind: Kind } found ? found : null;

    public IntentResult Create(ApiCaller caller, SetupIntentDraft draft, ConfirmInput? confirm, string baseUrl,
        string? idempotencyKey)
    {
        var error = IntentSupport.PaymentMethodTypes(draft.AllowedPaymentMethodTypes, draft.ExcludedPaymentMethodTypes, 0,
            null, out var types);
        if (error is not null)
        {
            return new IntentResult(null, error);
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
            var id = Ids.New("seti");
            var data = new JsonObject
            {
                ["id"] = id,
                ["object"] = "setup_intent",
                ["allowed_payment_method_types"] = draft.AllowedPaymentMethodTypes is null
                    ? null
                    : new JsonArray(draft.AllowedPaymentMethodTypes.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
                ["application"] = null,
                ["automatic_payment_methods"] = draft.AllowedPaymentMethodTypes is null
                    ? new JsonObject { ["allow_redirects"] = "always", ["enabled"] = true }
                    : null,
                ["cancellation_reason"] = null,
                ["client_secret"] = IntentSupport.ClientSecret(id),
                ["created"] = now,
                ["customer"] = draft.Customer,
                ["customer_account"] = null,
                ["description"] = draft.Description,
                ["excluded_payment_method_types"] = draft.ExcludedPaymentMethodTypes.Count == 0
                    ? null
                    : new JsonArray(draft.ExcludedPaymentMethodTypes.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
                ["flow_directions"] = null,
                ["last_setup_error"] = null,
                ["latest_attempt"] = null,
                ["livemode"] = caller.Livemode,
                ["mandate"] = null,
                ["metadata"] = draft.Metadata.DeepClone(),
                ["next_action"] = null,
                ["on_behalf_of"] = null,
                ["payment_method"] = null,
                ["payment_method_configuration_details"] = null,
                ["payment_method_options"] = IntentSupport.PaymentMethodOptions(types),
                ["payment_method_types"] = types,
                ["single_use_mandate"] = null,
                ["status"] = "requires_payment_method",
                ["usage"] = draft.Usage,
            };
            if (draft.PaymentMethod is not null)
            {
                error = IntentSupport.PaymentMethodFor(store, caller, data, draft.PaymentMethod, now, "SetupIntent",
                    out var paymentMethod);
                if (error is not null)
                {
                    return new IntentResult(null, error);
                }

                data["payment_method"] = paymentMethod!.Id;
                data["status"] = "requires_confirmation";
            }

            var setupIntent = store.Save(caller.NewObject(Kind, id, now, data));
            step.Events.Add("setup_intent.created", setupIntent);
            result = confirm is null
                ? new IntentResult(setupIntent, null)
                : ConfirmLocked(caller, setupIntent, confirm, baseUrl, step);
            result = result.Frozen();
        }

        step.Finish(events, store, idempotencyKey);
        return result;
    }

    public IntentResult Confirm(ApiCaller caller, string id, ConfirmInput input, string baseUrl, string? idempotencyKey) =>
        IntentConfirmation.Confirm(store, events, caller, id, Kind, idempotencyKey,
            (setupIntent, step) => ConfirmLocked(caller, setupIntent, input, baseUrl, step));

    public IntentResult Cancel(ApiCaller caller, string id, string? reason, string? idempotencyKey)
    {
        var step = new PaymentStep();
        StoredObject? setupIntent;
        lock (store.Gate)
        {
            setupIntent = store.Find(id);
            if (setupIntent is not { Kind: Kind } || !caller.CanSee(setupIntent))
            {
                return new IntentResult(null, StripeErrors.NotFound("setup_intent", id));
            }

            if (!Confirmable.Contains(setupIntent.Data["status"]!.ToString()))
            {
                return new IntentResult(setupIntent, UnexpectedState(setupIntent, "cancel"));
            }

            IntentSupport.DropChallenge(store, setupIntent);
            var data = setupIntent.Data.DeepClone().AsObject();
            data["status"] = "canceled";
            data["cancellation_reason"] = reason;
            data["next_action"] = null;
            setupIntent.Data = data;
            store.Save(setupIntent);
            step.Events.Add("setup_intent.canceled", setupIntent);
            Raise(step, SetupIntentOutcomeKind.Canceled, setupIntent);
            setupIntent = setupIntent.Copy();
        }

        step.Finish(events, store, idempotencyKey);
        return new IntentResult(setupIntent, null);
    }

    /// <summary>Ends a 3-D Secure challenge from the hosted page; null when the intent no longer waits for it.</summary>
    internal StoredObject? CompleteChallenge(StoredObject challenge, bool authenticated)
    {
        var step = new PaymentStep();
        StoredObject? setupIntent;
        lock (store.Gate)
        {
            if (IntentConfirmation.EndChallenge(store, challenge, Kind) is not { } ended)
            {
                return null;
            }

            (setupIntent, var data, var paymentMethod) = ended;

            if (!authenticated)
            {
                Fail(setupIntent, data, paymentMethod, IntentSupport.Error("invalid_request_error",
                    "setup_intent_authentication_failure", null,
                    "The latest attempt to set up the payment method has failed because authentication failed.",
                    paymentMethod, null), step);
            }
            else
            {
                var decision = TestCards.Decide(PaymentMethodAttachments.CardOf(paymentMethod)!, new CardAttempt(
                    Setup: true, OffSession: false, PaymentMethodAttachments.SetUpForOffSession(paymentMethod),
                    Authenticated: true, PaymentMethodAttachments.CvcGiven(paymentMethod), setupIntent.Livemode));
                if (decision.Kind == CardDecisionKind.Declined)
                {
                    Fail(setupIntent, data, paymentMethod, DeclineError(decision.Decline!, paymentMethod), step);
                }
                else
                {
                    Succeed(setupIntent, data, paymentMethod, authenticated: true, step);
                }
            }
        }

        step.Finish(events, store);
        return setupIntent;
    }

    private IntentResult ConfirmLocked(ApiCaller caller, StoredObject setupIntent, ConfirmInput input, string baseUrl,
        PaymentStep step)
    {
        if (!Confirmable.Contains(setupIntent.Data["status"]!.ToString()))
        {
            return new IntentResult(setupIntent, UnexpectedState(setupIntent, "confirm"));
        }

        var data = setupIntent.Data.DeepClone().AsObject();
        var customer = data["customer"]?.ToString();
        var now = clock.NowFor(customer).ToUnixTimeSeconds();
        var error = IntentSupport.PaymentMethodFor(store, caller, data, input.PaymentMethod, now, "SetupIntent",
            out var paymentMethod);
        if (error is not null)
        {
            return new IntentResult(setupIntent, error);
        }

        IntentSupport.DropChallenge(store, setupIntent);
        data["payment_method"] = paymentMethod!.Id;
        data["last_setup_error"] = null;
        data["next_action"] = null;

        if (paymentMethod.Data["type"]?.ToString() == "bacs_debit")
        {
            if (!input.ThroughCheckout)
            {
                return new IntentResult(setupIntent, BacsOutsideCheckout("payment_method"));
            }

            var mandate = mandates.Of(paymentMethod);
            if (mandate is not null && BacsMandates.Status(mandate) == "inactive")
            {
                var lastError = IntentSupport.Error("invalid_request_error", "payment_method_unexpected_state", null,
                    "The mandate for this Bacs Direct Debit account is no longer active. Collect the customer's bank details again to make a new mandate.",
                    paymentMethod, null);
                Fail(setupIntent, data, paymentMethod, lastError, step);
                return new IntentResult(setupIntent,
                    IntentSupport.ErrorResponse(StatusCodes.Status400BadRequest, lastError, "setup_intent", setupIntent.Data));
            }

            mandate ??= mandates.Create(paymentMethod, input.MandateAcceptance ?? BacsMandates.OfflineAcceptance(now),
                customer, baseUrl);
            data["mandate"] = mandate.Id;
            Succeed(setupIntent, data, paymentMethod, authenticated: false, step);
            return new IntentResult(setupIntent, null);
        }

        var decision = TestCards.Decide(PaymentMethodAttachments.CardOf(paymentMethod)!, new CardAttempt(Setup: true,
            OffSession: false, PaymentMethodAttachments.SetUpForOffSession(paymentMethod), Authenticated: false,
            PaymentMethodAttachments.CvcGiven(paymentMethod), setupIntent.Livemode));
        switch (decision.Kind)
        {
            case CardDecisionKind.Challenge:
                data["status"] = "requires_action";
                data["next_action"] = IntentSupport.CreateChallenge(store, setupIntent, input.ReturnUrl, baseUrl, now);
                data["latest_attempt"] = Attempt(setupIntent, data, paymentMethod, "requires_action", null, now).Id;
                setupIntent.Data = data;
                store.Save(setupIntent);
                step.Events.Add("setup_intent.requires_action", setupIntent);
                Raise(step, SetupIntentOutcomeKind.RequiresAction, setupIntent);
                return new IntentResult(setupIntent, null);
            case CardDecisionKind.Declined:
                var lastError = DeclineError(decision.Decline!, paymentMethod);
                Fail(setupIntent, data, paymentMethod, lastError, step);
                return new IntentResult(setupIntent,
                    IntentSupport.ErrorResponse(StatusCodes.Status402PaymentRequired, lastError, "setup_intent", setupIntent.Data));
            default:
                Succeed(setupIntent, data, paymentMethod, authenticated: false, step);
                return new IntentResult(setupIntent, null);
        }
    }

    private void Succeed(StoredObject setupIntent, JsonObject data, StoredObject paymentMethod, bool authenticated,
        PaymentStep step)
    {
        var customerId = data["customer"]?.ToString();
        var now = clock.NowFor(customerId).ToUnixTimeSeconds();
        if (customerId is not null && store.Find(customerId) is { Kind: CustomersApi.Kind } customer
            && !CustomersApi.IsDeleted(customer))
        {
            PaymentMethodAttachments.Attach(store, paymentMethod, customer, step.Events, withMandate: true);
        }

        if (data["usage"]?.ToString() == "off_session")
        {
            PaymentMethodAttachments.MarkSetUpForOffSession(store, paymentMethod);
        }

        data["status"] = "succeeded";
        data["latest_attempt"] = ReuseOrAttempt(setupIntent, data, paymentMethod, "succeeded", null, now, authenticated).Id;
        setupIntent.Data = data;
        store.Save(setupIntent);
        step.Events.Add("setup_intent.succeeded", setupIntent);
        Raise(step, SetupIntentOutcomeKind.Succeeded, setupIntent);
    }

    private void Fail(StoredObject setupIntent, JsonObject data, StoredObject paymentMethod, JsonObject lastError,
        PaymentStep step)
    {
        var now = clock.NowFor(data["customer"]?.ToString()).ToUnixTimeSeconds();
        data["status"] = "requires_payment_method";
        data["payment_method"] = null;
        data["last_setup_error"] = lastError;
        data["latest_attempt"] = ReuseOrAttempt(setupIntent, data, paymentMethod, "failed", lastError, now, false).Id;
        setupIntent.Data = data;
        store.Save(setupIntent);
        step.Events.Add("setup_intent.setup_failed", setupIntent);
        Raise(step, SetupIntentOutcomeKind.Failed, setupIntent);
    }

    private static JsonObject DeclineError(CardDecline decline, StoredObject paymentMethod) =>
        IntentSupport.Error("card_error", decline.Code, decline.DeclineCode, decline.Message, paymentMethod, null);

    /// <summary>The attempt a challenge left open is finished; otherwise a new attempt is recorded.</summary>
    private StoredObject ReuseOrAttempt(StoredObject setupIntent, JsonObject data, StoredObject paymentMethod, string status,
        JsonObject? error, long now, bool authenticated)
    {
        if (store.Find(data["latest_attempt"]?.ToString() ?? "") is { Kind: AttemptKind } open
            && open.Data["status"]?.ToString() == "requires_action")
        {
            var changed = open.Data.DeepClone().AsObject();
            changed["status"] = status;
            changed["setup_error"] = error?.DeepClone();
            if (authenticated && changed["payment_method_details"]?["card"] is JsonObject card)
            {
                card["three_d_secure"] = new JsonObject
                {
                    ["authentication_flow"] = "challenge", ["electronic_commerce_indicator"] = "05",
                    ["result"] = "authenticated", ["result_reason"] = null,
                    ["transaction_id"] = Guid.NewGuid().ToString(), ["version"] = "2.2.0",
                };
            }

            open.Data = changed;
            return store.Save(open);
        }

        return Attempt(setupIntent, data, paymentMethod, status, error, now);
    }

    /// <summary>A <c>setup_attempt</c>: one confirmation of a SetupIntent with one PaymentMethod.</summary>
    private StoredObject Attempt(StoredObject setupIntent, JsonObject data, StoredObject paymentMethod, string status,
        JsonObject? error, long now)
    {
        var id = Ids.New("setatt");
        var type = paymentMethod.Data["type"]!.ToString();
        JsonObject details;
        if (type == "card")
        {
            var card = paymentMethod.Data["card"]!;
            details = new JsonObject
            {
                ["card"] = new JsonObject
                {
                    ["brand"] = card["brand"]?.DeepClone(),
                    ["checks"] = card["checks"]?.DeepClone(),
                    ["country"] = card["country"]?.DeepClone(),
                    ["exp_month"] = card["exp_month"]?.DeepClone(),
                    ["exp_year"] = card["exp_year"]?.DeepClone(),
                    ["fingerprint"] = card["fingerprint"]?.DeepClone(),
                    ["funding"] = card["funding"]?.DeepClone(),
                    ["last4"] = card["last4"]?.DeepClone(),
                    ["network"] = card["brand"]?.DeepClone(),
                    ["three_d_secure"] = null,
                    ["wallet"] = null,
                },
                ["type"] = "card",
            };
        }
        else
        {
            details = new JsonObject { ["bacs_debit"] = new JsonObject(), ["type"] = type };
        }

        return store.Save(setupIntent.NewInSameScope(AttemptKind, id, now, new JsonObject
        {
            ["id"] = id,
            ["object"] = "setup_attempt",
            ["application"] = null,
            ["attach_to_self"] = false,
            ["created"] = now,
            ["customer"] = data["customer"]?.DeepClone(),
            ["customer_account"] = null,
            ["flow_directions"] = null,
            ["livemode"] = setupIntent.Livemode,
            ["on_behalf_of"] = null,
            ["payment_method"] = paymentMethod.Id,
            ["payment_method_details"] = details,
            ["setup_error"] = error?.DeepClone(),
            ["setup_intent"] = setupIntent.Id,
            ["status"] = status,
            ["usage"] = data["usage"]?.DeepClone(),
        }));
    }

    private void Raise(PaymentStep step, SetupIntentOutcomeKind kind, StoredObject setupIntent)
    {
        var outcome = new SetupIntentOutcome(kind, setupIntent.Copy());
        step.Notify(() => outcomes.Raise(outcome));
    }

    /// <summary>
    /// Stripe collects BACS mandates for SetupIntents only through Checkout (Stripe docs, "Bacs Direct Debit
    /// payments" lists SetupIntents with the Payment Element as unsupported and saves Bacs details with Checkout in
    /// setup mode; an account that tries gets this error, as reported in woocommerce/woocommerce-gateway-stripe#3798
    /// and craftcms/commerce-stripe#265). Confirming one directly or through the Payment Element is refused.
    /// </summary>
    public static IResult BacsOutsideCheckout(string param) =>
        StripeErrors.InvalidRequest(
            "Your account isn't configured to directly use SetupIntents to create Mandates for Bacs Direct Debits. See https://stripe.com/docs/payments/payment-methods/bacs-debit to learn more, or contact us through https://support.stripe.com/contact/.",
            param);

    private static IResult UnexpectedState(StoredObject setupIntent, string verb) =>
        StripeErrors.Create(StatusCodes.Status400BadRequest, "invalid_request_error",
            $"You cannot {verb} this SetupIntent because it has a status of {setupIntent.Data["status"]}. Only a SetupIntent with one of the following statuses may be {(verb == "cancel" ? "canceled" : "confirmed")}: requires_payment_method, requires_confirmation, requires_action.",
            "setup_intent_unexpected_state", null, new JsonObject { ["setup_intent"] = setupIntent.Data.DeepClone() });
}
