using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Catalog;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Subscriptions;
using Recur.Web.Telemetry;
using Subscription = Recur.Web.Subscriptions.Subscription;

namespace Recur.Web.Checkout;

/// <summary>Where a checkout stands, as the confirmation page tells the customer.</summary>
public enum CompletionState
{
    Active,
    TrialStarted,
    Processing,
    NeedsAuthentication,
    Failed,
    NotPaid,
    Expired,
}

/// <summary>The confirmation page's truth: the state, Stripe's customer-safe message when a payment failed, and
/// whether trying again can reuse the order (same subscription, another payment method) or needs a fresh one.</summary>
public sealed record CheckoutOutcome(CompletionState State, string Headline, string Detail, string? StripeMessage, bool CanRetryOrder, bool CanStartOver);

/// <summary>Reads the order's intent and subscription from Stripe (never from the redirect's query string, which the
/// browser controls) and says what happened.</summary>
public sealed partial class CheckoutCompletion(AppDbContext db, StripeClients clients, SubscriptionSync sync, BacsMandateCheckout mandateCheckout,
    Payments.OneOffPayments oneOffPayments, TimeProvider time, RecurTelemetry telemetry, ILogger<CheckoutCompletion> logger)
{
    public async Task<CheckoutOutcome?> ReadAsync(Offer offer, Guid orderId, CancellationToken cancellationToken)
    {
        var order = await db.Orders.IgnoreQueryFilters().SingleOrDefaultAsync(o => o.Id == orderId && o.OfferId == offer.Id, cancellationToken);
        if (order is { StripeCheckoutSessionId: not null, StripeSubscriptionId: null })
        {
            // Back from Stripe's hosted Checkout: the subscription is created here unless the webhook was first.
            try
            {
                if (!await mandateCheckout.CompleteAsync(order.Id, cancellationToken))
                {
                    return MandateNotCollected;
                }
            }
            catch (Exception exception) when (exception is StripeException or StripeWriteFailedException)
            {
                // Stripe refused or failed for now (StripeWrites gave up on its retries): the webhook (retried) completes the order; the page can be reloaded.
                return MandateNotCollected;
            }
            db.ChangeTracker.Clear();
            order = await db.Orders.IgnoreQueryFilters().SingleAsync(o => o.Id == orderId, cancellationToken);
        }
        if (order?.StripeIntentId is null)
        {
            return null;
        }
        var stripe = (await clients.GetAsync(order.Environment, cancellationToken)).Client.V1;
        var account = new RequestOptions { StripeAccount = order.StripeAccountId };

        Subscription? subscription = null;
        if (order.SubscriptionId is { } subscriptionId)
        {
            subscription = await db.Subscriptions.IgnoreQueryFilters().SingleAsync(s => s.Id == subscriptionId, cancellationToken);
            subscription = await sync.SyncAsync(subscription, cancellationToken);
            order = await db.Orders.IgnoreQueryFilters().SingleAsync(o => o.Id == orderId, cancellationToken);
        }

        string status;
        StripeError? error;
        if (order.IntentKind == IntentKind.Setup)
        {
            var intent = await stripe.SetupIntents.GetAsync(order.StripeIntentId, null, account, cancellationToken);
            (status, error) = (intent.Status, intent.LastSetupError);
        }
        else
        {
            var intent = await stripe.PaymentIntents.GetAsync(order.StripeIntentId, null, account, cancellationToken);
            (status, error) = (intent.Status, intent.LastPaymentError);
        }

        if (subscription is null && order.IntentKind == IntentKind.Payment && (status is "succeeded" or "processing" || error is not null))
        {
            await RecordOneOffAsync(order, cancellationToken);
        }

        var outcome = Decide(offer, order, subscription, status, error);
        if (outcome.State is CompletionState.Active or CompletionState.TrialStarted or CompletionState.Processing)
        {
            if (order.CompletedAt is null)
            {
                telemetry.CheckoutOutcome(outcome.State.ToString(), order.PaymentType);
            }
            order.MarkCompleted(time.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
        }
        else
        {
            telemetry.CheckoutOutcome(outcome.State.ToString(), order.PaymentType);
        }
        return outcome;
    }

    /// <summary>A one-off purchase appears in Payments as soon as the customer is back; should Stripe not answer now,
    /// the <c>payment_intent.*</c> webhook records it.</summary>
    private async Task RecordOneOffAsync(Order order, CancellationToken cancellationToken)
    {
        try
        {
            await oneOffPayments.RecordAsync(order, cancellationToken);
        }
        catch (StripeException exception)
        {
            LogOneOffNotRecorded(logger, order.Id, exception.StripeError?.Code);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}: the one-off payment is left to its webhook ({Code})")]
    private static partial void LogOneOffNotRecorded(ILogger logger, Guid orderId, string? code);

    /// <summary>The customer left Stripe's Checkout page before the Direct Debit was set up.</summary>
    public static readonly CheckoutOutcome MandateNotCollected = new(CompletionState.NotPaid, "Your Direct Debit is not set up yet",
        "Nothing has been charged. Continue to enter your bank details and accept the Direct Debit.", null, true, false);

    public static CheckoutOutcome Decide(Offer offer, Order order, Subscription? subscription, string intentStatus, StripeError? error)
    {
        var bacs = order.PaymentType == "bacs_debit";
        if (subscription is { Status: SubscriptionStatus.IncompleteExpired or SubscriptionStatus.Canceled })
        {
            return new(CompletionState.Expired, "This checkout has expired",
                "The payment was not completed in time, so nothing was charged. Start again to subscribe.", null, false, true);
        }
        switch (intentStatus)
        {
            case "succeeded" when order.IntentKind == IntentKind.Setup:
                return new(CompletionState.TrialStarted, "Your free trial has started",
                    $"Your {(bacs ? "Direct Debit" : "card")} is saved. The first payment is taken when the trial ends"
                    + (subscription?.TrialEnd is { } trialEnd ? $" on {trialEnd:d MMMM yyyy}." : ".")
                    + (bacs ? " Your bank confirms your new Direct Debit within a few days; each Direct Debit payment takes about 4 business days to confirm." : ""),
                    null, false, false);
            case "succeeded":
                return new(CompletionState.Active, subscription is null ? "Thank you, your payment is complete" : "Thank you, your subscription is active",
                    subscription?.CurrentPeriodEnd is { } periodEnd ? $"Paid. Your next renewal is on {periodEnd:d MMMM yyyy}." : "Paid. A receipt is on its way.",
                    null, false, false);
            case "processing" when bacs:
                var activeNow = offer.BacsActivation == BacsActivation.WhenMandateCreated;
                return new(activeNow ? CompletionState.Active : CompletionState.Processing,
                    activeNow ? "Thank you, your subscription is active" : "Your Direct Debit is being set up",
                    activeNow
                        ? "Your Direct Debit mandate is set up. The first payment is being processed: with a new Direct Debit it takes up to 7 business days to confirm."
                        : "Your first Direct Debit payment is processing. With a new Direct Debit it takes up to 7 business days to confirm; your subscription starts once it has.",
                    null, false, false);
            case "processing":
                return new(CompletionState.Processing, "Your payment is processing", "We will confirm your subscription as soon as the payment completes.", null, false, false);
            case "requires_action":
                return new(CompletionState.NeedsAuthentication, "Your bank needs you to confirm this payment",
                    "The payment is waiting for authentication (3-D Secure). Continue to confirm it with your bank.", null, true, false);
            case "requires_payment_method" when error is not null:
                return new(CompletionState.Failed, "Your payment failed",
                    bacs ? "The Direct Debit could not be set up. Try again with other bank details, or start again." : "Nothing was charged. Try again with another card, or start again.",
                    error.Message, true, true);
            case "canceled":
                return new(CompletionState.Expired, "This checkout has expired", "Nothing was charged. Start again to subscribe.", null, false, true);
            default:
                return new(CompletionState.NotPaid, "Your payment is not complete",
                    "No payment details were confirmed yet. Continue to enter them.", null, true, false);
        }
    }
}
