using System.Text.Json.Nodes;
using Recur.StripeSandbox.Accounts;
using Recur.StripeSandbox.Customers;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.PaymentIntents;
using Recur.StripeSandbox.PaymentMethods;
using Recur.StripeSandbox.Prices;
using Recur.StripeSandbox.Scheduling;
using Recur.StripeSandbox.SetupIntents;
using Recur.StripeSandbox.Subscriptions;

namespace Recur.StripeSandbox.CheckoutSessions;

/// <summary>What the customer sent from the hosted page.</summary>
/// <param name="PaymentMethod">The PaymentMethod's parameters, exactly as <c>POST /v1/payment_methods</c> takes them.</param>
/// <param name="Acceptance">The mandate's online acceptance (BACS), read from the customer's browser.</param>
public sealed record CheckoutSubmission(StripeParams PaymentMethod, string Email, string? Name, JsonObject? Address,
    JsonObject Acceptance);

/// <summary>Where the hosted page goes next: <see cref="RedirectTo"/>, or the form again with <see cref="Error"/>.</summary>
public sealed record CheckoutStep(string? RedirectTo, string? Error);

/// <summary>
/// The Checkout Session lifecycle (https://docs.stripe.com/payments/checkout/how-checkout-works): <c>open</c> →
/// <c>complete</c> when the customer finishes the hosted page, or <c>expired</c> (the expire call, or
/// <c>expires_at</c>, 24 hours by default). What completing makes, as Stripe makes it:
/// <list type="bullet">
/// <item><c>setup</c> mode (https://docs.stripe.com/payments/save-and-reuse?platform=checkout): the session's
/// SetupIntent, created with the session, is confirmed with the new PaymentMethod, which is attached to the customer;
/// for bacs_debit this is the one place a SetupIntent may collect a mandate
/// (https://docs.stripe.com/payments/bacs-debit/save-bank-details).</item>
/// <item><c>subscription</c> mode (https://docs.stripe.com/payments/checkout/build-subscriptions): a customer when none
/// was given, the PaymentMethod saved (and its mandate), then the subscription with it as default payment method,
/// its first invoice paid (or its trial started).</item>
/// </list>
/// Events: <c>checkout.session.completed</c> after the objects' own events, <c>checkout.session.expired</c>.
/// </summary>
public sealed class CheckoutSessionFlow(SandboxStore store, SandboxEvents events, SandboxClock clock,
    SandboxSchedule schedule, SetupIntentFlow setupIntents, SubscriptionFlow subscriptions)
{
    public const string ExpiryWork = "checkout.session.expiry";

    /// <summary>"By default, this value is 24 hours from creation" (API reference, <c>expires_at</c>).</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(24);

    public (StoredObject? Session, IResult? Error) Create(ApiCaller caller, CheckoutSessionDraft draft, string baseUrl,
        string? idempotencyKey)
    {
        var error = CheckBacs(caller, draft);
        if (error is not null)
        {
            return (null, error);
        }

        var now = clock.UtcNow.ToUnixTimeSeconds();
        var expiresAt = draft.ExpiresAt ?? now + (long)DefaultLifetime.TotalSeconds;
        if (expiresAt < now + 30 * 60 || expiresAt > now + (long)DefaultLifetime.TotalSeconds)
        {
            return (null, StripeErrors.InvalidRequest(
                "Invalid expires_at: it must be from 30 minutes to 24 hours after the Checkout Session is created.",
                "expires_at"));
        }

        var currency = draft.Currency;
        long? subtotal = null, total = null;
        var lines = new JsonArray();
        if (draft.Mode == "subscription")
        {
            error = PriceLines(caller, draft, ref currency, lines, out var recurringSum, out var oneTimeSum);
            if (error is not null)
            {
                return (null, error);
            }

            subtotal = recurringSum + oneTimeSum;
            total = draft.TrialPeriodDays is > 0 ? oneTimeSum : subtotal;
        }

        if (draft.PaymentMethodTypes.Contains("bacs_debit") && currency != "gbp")
        {
            // Bacs Direct Debit takes GBP only (docs.stripe.com/payments/bacs-debit, "Payment method properties").
            return (null, StripeErrors.InvalidRequest(
                $"bacs_debit can only be used with the currency gbp, not {currency}.", "currency"));
        }

        string? setupIntentId = null;
        if (draft.Mode == "setup")
        {
            var setup = setupIntents.Create(caller, new SetupIntentDraft
            {
                Customer = draft.Customer,
                AllowedPaymentMethodTypes = draft.PaymentMethodTypes,
                Metadata = draft.SetupIntentMetadata.DeepClone().AsObject(),
                Description = draft.SetupIntentDescription,
            }, null, baseUrl, idempotencyKey);
            if (setup.Error is not null)
            {
                return (null, setup.Error);
            }

            setupIntentId = setup.Intent!.Id;
        }

        var id = Ids.New(caller.Livemode ? "cs_live" : "cs_test", 58);
        var data = CheckoutSessionObjects.Session(id, draft, $"{baseUrl}/c/pay/{id}", now, expiresAt, currency, subtotal,
            total, setupIntentId, caller.Livemode);
        var meta = new JsonObject
        {
            ["lines"] = lines,
            ["trial_period_days"] = draft.TrialPeriodDays,
            ["application_fee_percent"] = draft.ApplicationFeePercent?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["subscription_metadata"] = draft.SubscriptionMetadata.DeepClone(),
            ["subscription_description"] = draft.SubscriptionDescription,
            ["base_url"] = baseUrl,
        };
        StoredObject session;
        lock (store.Gate)
        {
            session = store.Save(caller.NewObject(CheckoutSessionObjects.Kind, id, now, data));
            session.Meta = meta;
            store.Save(session);
            if (setupIntentId is not null && store.Find(setupIntentId) is { } setupIntent)
            {
                // "You can't confirm or cancel the SetupIntent for a Checkout Session" (API reference).
                setupIntent.Meta["checkout_session"] = id;
                store.Save(setupIntent);
            }

            session = session.Copy();
        }

        schedule.Schedule(ExpiryWork, id, DateTimeOffset.FromUnixTimeSeconds(expiresAt));
        return (session, null);
    }

    /// <summary>Bacs Direct Debit in Checkout needs what it needs everywhere: a UK account whose
    /// <c>bacs_debit_payments</c> capability is active (<see cref="BacsAvailability"/>).</summary>
    public IResult? CheckBacs(ApiCaller caller, CheckoutSessionDraft draft) =>
        draft.PaymentMethodTypes.Contains("bacs_debit") && !BacsAvailability.IsAvailable(store, caller)
            ? BacsAvailability.Refusal(draft.TypesAllowedFilter ? "allowed_payment_method_types" : "payment_method_types")
            : null;

    private IResult? PriceLines(ApiCaller caller, CheckoutSessionDraft draft, ref string? currency, JsonArray lines,
        out long recurringSum, out long oneTimeSum)
    {
        recurringSum = oneTimeSum = 0;
        var recurring = 0;
        for (var i = 0; i < draft.LineItems.Count; i++)
        {
            var (priceId, quantity) = draft.LineItems[i];
            var param = $"line_items[{i}][price]";
            if (store.Find(priceId) is not { Kind: PricesApi.Kind } price || !caller.CanSee(price))
            {
                return PricesApi.NotFound(priceId, param);
            }

            if (price.Data["active"]?.GetValue<bool>() == false)
            {
                return StripeErrors.InvalidRequest($"The price specified is inactive: {priceId}.", param);
            }

            var priceCurrency = price.Data["currency"]!.ToString();
            if (currency is not null && currency != priceCurrency)
            {
                return StripeErrors.InvalidRequest(
                    $"The price {priceId} is in {priceCurrency}, not {currency}: every line item must be in the session's currency.",
                    param);
            }

            currency = priceCurrency;
            var amount = IntentSupport.Number(price.Data["unit_amount"]) * quantity;
            var isRecurring = price.Data["recurring"] is JsonObject;
            if (isRecurring)
            {
                recurring++;
                recurringSum += amount;
            }
            else
            {
                oneTimeSum += amount;
            }

            lines.Add(new JsonObject
            {
                ["price"] = priceId, ["quantity"] = quantity, ["recurring"] = isRecurring, ["amount"] = amount,
                ["name"] = store.Find(price.Data["product"]?.ToString() ?? "", price.Scope)?.Data["name"]?.ToString() ?? priceId,
                ["interval"] = price.Data["recurring"]?["interval"]?.ToString(),
                ["interval_count"] = price.Data["recurring"]?["interval_count"]?.DeepClone(),
            });
        }

        return recurring == 0
            ? StripeErrors.InvalidRequest("You must provide at least one recurring price in `subscription` mode when using prices.",
                "line_items")
            : null;
    }

    /// <summary>A session by id, whoever owns it; an open one past its <c>expires_at</c> is expired first.</summary>
    public StoredObject? Find(string id) =>
        store.Find(id) is { Kind: CheckoutSessionObjects.Kind } session ? ExpireIfPast(session) : null;

    public StoredObject ExpireIfPast(StoredObject session)
    {
        if (Status(session) == "open" && JsonNumber.Read(session.Data["expires_at"]) <= clock.UtcNow.ToUnixTimeSeconds())
        {
            Expire(session.Id, null);
            return store.Find(session.Id)!;
        }

        return session;
    }

    public static string Status(StoredObject session) => session.Data["status"]!.ToString();

    /// <summary>Expires an open session: its SetupIntent is canceled; <c>checkout.session.expired</c>.</summary>
    public (StoredObject? Session, IResult? Error) Expire(string id, string? idempotencyKey)
    {
        StoredObject session;
        lock (store.Gate)
        {
            if (store.Find(id) is not { Kind: CheckoutSessionObjects.Kind } found)
            {
                return (null, StripeErrors.NotFound("checkout.session", id));
            }

            if (Status(found) != "open" || found.Meta["completing"]?.GetValue<bool>() == true)
            {
                return (null, StripeErrors.InvalidRequest(
                    $"Only Checkout Sessions with a status in [\"open\"] can be expired. This session has a status of {Status(found)}.",
                    null, "checkout_session_unexpected_state"));
            }

            var data = found.Data.DeepClone().AsObject();
            data["status"] = "expired";
            data["url"] = null;
            found.Data = data;
            session = store.Save(found).Copy();
        }

        schedule.Cancel(ExpiryWork, id);
        foreach (var setupIntentId in new[] { session.Data["setup_intent"]?.ToString(), session.Meta["setup_intent"]?.ToString() })
        {
            if (setupIntentId is not null && setupIntents.Find(setupIntentId) is { } setupIntent
                && setupIntent.Data["status"]?.ToString() is "requires_payment_method" or "requires_confirmation" or "requires_action")
            {
                setupIntents.Cancel(IntentSupport.ScopeOf(setupIntent), setupIntentId, "abandoned", null);
            }
        }

        events.Publish(store, "checkout.session.expired", session, idempotencyKey: idempotencyKey);
        return (session, null);
    }

    internal void ExpireWhenDue(ScheduledWork work)
    {
        if (store.Find(work.TargetId) is { Kind: CheckoutSessionObjects.Kind } session && Status(session) == "open")
        {
            Expire(work.TargetId, null);
        }
    }

    /// <summary>
    /// The hosted page's submit: the PaymentMethod (with Stripe's own checks and test numbers), then its set-up, then
    /// the session's completion. A card that needs 3-D Secure goes to the challenge and comes back to
    /// <paramref name="returnUrl"/>.
    /// </summary>
    public CheckoutStep Submit(string sessionId, CheckoutSubmission submission, string returnUrl, string baseUrl)
    {
        var session = Find(sessionId);
        if (session is null || Status(session) != "open")
        {
            return new CheckoutStep(null, "This checkout is no longer open.");
        }

        var type = submission.PaymentMethod.String("type");
        if (type is null || !(session.Data["payment_method_types"] as JsonArray)!.Any(t => t!.ToString() == type))
        {
            return new CheckoutStep(null, "Choose one of the payment methods offered.");
        }

        // Created as Stripe.js creates it from the page: with the publishable key, in the session's account.
        var browser = new ApiCaller(new ApiKey(session.Platform, session.Livemode, IsSecret: false), session.Account);
        var error = PaymentMethodAttachments.Create(store, browser, submission.PaymentMethod, null,
            clock.UtcNow.ToUnixTimeSeconds(), out var paymentMethod);
        if (error is not null)
        {
            return new CheckoutStep(null, MessageOf(error));
        }

        var customerId = session.Data["customer"]?.ToString();
        if (customerId is null && session.Data["mode"]!.ToString() == "subscription")
        {
            customerId = NewCustomer(session, submission);
        }

        string setupIntentId;
        lock (store.Gate)
        {
            session.Meta["details"] = new JsonObject
            {
                ["email"] = submission.Email, ["name"] = submission.Name, ["address"] = submission.Address?.DeepClone(),
            };
            session.Meta["customer"] = customerId;
            store.Save(session);
        }

        if (session.Data["setup_intent"]?.ToString() is { } ownSetupIntent)
        {
            setupIntentId = ownSetupIntent;
        }
        else
        {
            // Subscription mode: the payment details are saved for the subscription first, as Checkout does.
            var created = setupIntents.Create(IntentSupport.ScopeOf(session), new SetupIntentDraft
            {
                Customer = customerId, AllowedPaymentMethodTypes = [type],
            }, null, baseUrl, null);
            if (created.Error is not null)
            {
                return new CheckoutStep(null, MessageOf(created.Error));
            }

            setupIntentId = created.Intent!.Id;
            lock (store.Gate)
            {
                session.Meta["setup_intent"] = setupIntentId;
                store.Save(session);
            }
        }

        var result = setupIntents.Confirm(IntentSupport.ScopeOf(session), setupIntentId, new ConfirmInput
        {
            PaymentMethod = paymentMethod!.Id,
            MandateAcceptance = submission.Acceptance,
            ReturnUrl = returnUrl,
            ThroughCheckout = true,
        }, baseUrl, null);
        if (result.Error is not null)
        {
            return new CheckoutStep(null, result.ErrorBody?["message"]?.ToString() ?? "The payment details were refused.");
        }

        return result.Intent!.Data["status"]?.ToString() switch
        {
            "requires_action" => new CheckoutStep(result.Intent.Data["next_action"]?["redirect_to_url"]?["url"]?.ToString(), null),
            "succeeded" => Complete(session.Id),
            _ => new CheckoutStep(null, "The payment details could not be saved. Try again."),
        };
    }

    /// <summary>After a 3-D Secure challenge: completes the session when the set-up succeeded.</summary>
    public CheckoutStep Resume(string sessionId)
    {
        var session = Find(sessionId);
        if (session is null || Status(session) != "open")
        {
            return new CheckoutStep(null, "This checkout is no longer open.");
        }

        var setupIntentId = session.Data["setup_intent"]?.ToString() ?? session.Meta["setup_intent"]?.ToString();
        var setupIntent = setupIntentId is null ? null : setupIntents.Find(setupIntentId);
        if (setupIntent?.Data["status"]?.ToString() == "succeeded")
        {
            return Complete(session.Id);
        }

        return new CheckoutStep(null, setupIntent?.Data["last_setup_error"]?["message"]?.ToString()
            ?? "The card was not confirmed. Try again.");
    }

    private string NewCustomer(StoredObject session, CheckoutSubmission submission)
    {
        var id = Ids.New("cus", 14);
        StoredObject customer;
        lock (store.Gate)
        {
            var data = CustomersApi.NewData(id, clock.UtcNow.ToUnixTimeSeconds(), session.Livemode, null);
            data["email"] = submission.Email;
            data["name"] = submission.Name;
            data["address"] = submission.Address?.DeepClone();
            customer = store.Save(session.NewInSameScope(CustomersApi.Kind, id, clock.UtcNow.ToUnixTimeSeconds(), data)).Copy();
        }

        events.Publish(store, "customer.created", customer);
        return id;
    }

    /// <summary>The set-up succeeded: the subscription (subscription mode), then the session is complete.</summary>
    private CheckoutStep Complete(string sessionId)
    {
        StoredObject session;
        lock (store.Gate)
        {
            session = store.Find(sessionId)!;
            if (Status(session) != "open" || session.Meta["completing"]?.GetValue<bool>() == true)
            {
                return Status(session) == "complete"
                    ? new CheckoutStep(SuccessUrl(session), null)
                    : new CheckoutStep(null, "This checkout is no longer open.");
            }

            session.Meta["completing"] = true;
            store.Save(session);
            session = session.Copy();
        }

        var setupIntentId = session.Data["setup_intent"]?.ToString() ?? session.Meta["setup_intent"]!.ToString();
        var setupIntent = setupIntents.Find(setupIntentId)!;
        var paymentMethodId = setupIntent.Data["payment_method"]!.ToString();
        var customerId = session.Data["customer"]?.ToString() ?? session.Meta["customer"]?.ToString();
        string? subscriptionId = null, invoiceId = null, paymentStatus = "no_payment_required";
        if (session.Data["mode"]!.ToString() == "subscription")
        {
            var (subscription, error) = Subscribe(session, customerId!, paymentMethodId);
            if (error is not null)
            {
                lock (store.Gate)
                {
                    var open = store.Find(sessionId)!;
                    open.Meta["completing"] = false;
                    store.Save(open);
                }

                return new CheckoutStep(null, MessageOf(error));
            }

            subscriptionId = subscription!.Id;
            invoiceId = subscription.Data["latest_invoice"]?.ToString();
            var invoice = invoiceId is null ? null : store.Find(invoiceId);
            paymentStatus = invoice?.Data["status"]?.ToString() == "paid"
                ? JsonNumber.Read(invoice.Data["amount_due"]) == 0 ? "no_payment_required" : "paid"
                : "unpaid";
        }

        lock (store.Gate)
        {
            var stored = store.Find(sessionId)!;
            var data = stored.Data.DeepClone().AsObject();
            var details = stored.Meta["details"];
            data["status"] = "complete";
            data["url"] = null;
            data["customer"] = customerId;
            data["customer_details"] = CheckoutSessionObjects.CustomerDetails(details?["email"]?.ToString(),
                details?["name"]?.ToString(), details?["address"] as JsonObject);
            data["subscription"] = subscriptionId;
            data["invoice"] = invoiceId;
            data["payment_status"] = paymentStatus;
            stored.Data = data;
            session = store.Save(stored).Copy();
        }

        schedule.Cancel(ExpiryWork, sessionId);
        events.Publish(store, "checkout.session.completed", session);
        return new CheckoutStep(SuccessUrl(session), null);
    }

    private (StoredObject? Subscription, IResult? Error) Subscribe(StoredObject session, string customerId, string paymentMethodId)
    {
        var lines = (session.Meta["lines"] as JsonArray ?? []).Select(l => l!.AsObject()).ToList();
        var draft = new SubscriptionDraft
        {
            Customer = customerId,
            Items = [.. lines.Where(l => l["recurring"]!.GetValue<bool>()).Select(Item)],
            AddInvoiceItems = [.. lines.Where(l => !l["recurring"]!.GetValue<bool>()).Select(Item)],
            DefaultPaymentMethod = paymentMethodId,
            PaymentMethodTypes = [.. (session.Data["payment_method_types"] as JsonArray)!.Select(t => t!.ToString())],
            TrialPeriodDays = session.Meta["trial_period_days"]?.GetValue<long>(),
            Metadata = session.Meta["subscription_metadata"]?.DeepClone().AsObject() ?? [],
            Description = session.Meta["subscription_description"]?.ToString(),
            ApplicationFeePercent = session.Meta["application_fee_percent"]?.ToString() is { } fee
                ? decimal.Parse(fee, System.Globalization.CultureInfo.InvariantCulture)
                : null,
        };
        return subscriptions.Create(IntentSupport.ScopeOf(session), draft, null);

        static SubscriptionItemDraft Item(JsonObject line) =>
            new(line["price"]!.ToString(), line["quantity"]!.GetValue<long>(), [], "line_items");
    }

    /// <summary>The success URL with <c>{CHECKOUT_SESSION_ID}</c> replaced by the session's id
    /// (docs.stripe.com/payments/checkout/custom-success-page).</summary>
    public static string SuccessUrl(StoredObject session) =>
        session.Data["success_url"]!.ToString().Replace("{CHECKOUT_SESSION_ID}", session.Id, StringComparison.Ordinal);

    private static string MessageOf(IResult error) =>
        (error as StripeJsonResult)?.Body["error"]?["message"]?.ToString() ?? "The payment details were refused.";
}
