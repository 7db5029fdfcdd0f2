using global::Stripe;
using global::Stripe.Checkout;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Catalog;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Recur.Web.Subscriptions;
using Recur.Web.Webhooks;
using Customer = Recur.Web.Subscriptions.Customer;
using Subscription = Recur.Web.Subscriptions.Subscription;

namespace Recur.Web.Checkout;

/// <summary>
/// BACS Direct Debit with nothing to pay now (a free trial without a joining fee). Stripe collects a Bacs mandate
/// without a payment only through Checkout, never with a SetupIntent in the Payment Element, so Recur sends the
/// customer to a Checkout Session in <c>setup</c> mode on the connected account (the customer Recur already made,
/// <c>bacs_debit</c> only, GBP). Stripe returns the customer to Recur's confirmation page (<c>success_url</c>) or to
/// the checkout page (<c>cancel_url</c>). Once the session is complete, Recur creates the subscription itself with the
/// mandate's payment method as default, from whichever comes first: the confirmation page or the
/// <c>checkout.session.completed</c> webhook. Both run under the order's lock and the subscription's Stripe call is
/// keyed by the order, so it is created once.
/// </summary>
public sealed partial class BacsMandateCheckout(
    AppDbContext db,
    StripeClients clients,
    StripeCatalog catalog,
    RecurUrls urls,
    StripeWrites writes,
    TimeProvider time,
    ILogger<BacsMandateCheckout> logger)
{
    /// <summary>Whether an order goes through Checkout: BACS, recurring, and nothing due at sign-up.</summary>
    public static bool Applies(Offer offer, OfferPrices prices, Order order) =>
        order.PaymentType == "bacs_debit" && offer.IsRecurringPrice() && offer.TrialDays is > 0 && prices.JoiningFeePriceId is null;

    /// <summary>
    /// The hosted Checkout page to send the customer to: the order's open session, or a new one (also when the last
    /// one expired). Null when the session is already complete: the confirmation page has the rest.
    /// </summary>
    public async Task<string?> StartAsync(StripePlatform platform, Offer offer, Order order, Customer customer,
        CancellationToken cancellationToken)
    {
        var sessions = platform.Client.V1.Checkout.Sessions;
        string? replaces = null;
        if (order.StripeCheckoutSessionId is { } existingId)
        {
            var existing = await sessions.GetAsync(existingId, null, new RequestOptions { StripeAccount = order.StripeAccountId }, cancellationToken);
            switch (existing.Status)
            {
                case "open":
                    return existing.Url;
                case "complete":
                    return null;
            }
            replaces = existingId;
        }

        var key = order.IdempotencyKey(replaces is null ? "checkout-session" : $"checkout-session-after-{replaces}");
        var create = new SessionCreateOptions
        {
            Mode = "setup",
            Currency = offer.Currency,
            Customer = customer.StripeCustomerId,
            AllowedPaymentMethodTypes = ["bacs_debit"],
            SuccessUrl = urls.Absolute(CheckoutOrders.ReturnPath(offer, order.Id)),
            CancelUrl = urls.Absolute($"/checkout/{offer.Slug}?order={order.Id}"),
            Metadata = new Dictionary<string, string>
            {
                ["recur_order_id"] = order.Id.ToString(),
                ["recur_offer_id"] = offer.Id.ToString(),
            },
            SetupIntentData = new SessionSetupIntentDataOptions
            {
                Metadata = new Dictionary<string, string> { ["recur_order_id"] = order.Id.ToString() },
            },
        };
        var session = await writes.SendAsync(new RequestOptions { StripeAccount = order.StripeAccountId, IdempotencyKey = key },
            (options, token) => sessions.CreateAsync(create, options, token), cancellationToken);
        order.RecordCheckoutSession(session.Id);
        LogSessionCreated(logger, order.Id, session.Id);
        return session.Url;
    }

    /// <summary>
    /// Creates the order's subscription once its Checkout Session is complete; true when the order has its
    /// subscription (now or before), false while the customer has not finished on Stripe's page.
    /// </summary>
    public async Task<bool> CompleteAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var orderLock = CheckoutOrders.LockFor(orderId);
        await orderLock.WaitAsync(cancellationToken);
        try
        {
            var order = await db.Orders.IgnoreQueryFilters().SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
            if (order is null || order.StripeCheckoutSessionId is null)
            {
                return false;
            }
            if (order.StripeSubscriptionId is not null)
            {
                return true;
            }

            var platform = await clients.GetAsync(order.Environment, cancellationToken);
            var stripe = platform.Client.V1;
            var account = new RequestOptions { StripeAccount = order.StripeAccountId };
            var get = new SessionGetOptions();
            get.AddExpand("setup_intent");
            var session = await stripe.Checkout.Sessions.GetAsync(order.StripeCheckoutSessionId, get, account, cancellationToken);
            if (session.Status != "complete" || session.SetupIntent is not { Status: "succeeded", PaymentMethodId: { } paymentMethodId } setupIntent)
            {
                return false;
            }

            var offer = await db.Offers.IgnoreQueryFilters().SingleAsync(o => o.Id == order.OfferId, cancellationToken);
            var product = await db.Products.IgnoreQueryFilters().SingleAsync(p => p.Id == offer.ProductId, cancellationToken);
            var connection = await db.StripeConnections.IgnoreQueryFilters()
                .SingleAsync(c => c.TenantId == offer.TenantId && c.Environment == offer.Environment, cancellationToken);
            var mapping = await catalog.EnsureOnStripeAsync(offer, product, connection, cancellationToken);
            if (mapping.Prices is not { } prices)
            {
                return false;
            }

            var create = new SubscriptionCreateOptions
            {
                Customer = session.CustomerId ?? order.StripeCustomerId,
                Items = [new SubscriptionItemOptions { Price = prices.PriceId }],
                DefaultPaymentMethod = paymentMethodId,
                TrialPeriodDays = offer.TrialDays,
                PaymentSettings = new SubscriptionPaymentSettingsOptions
                {
                    PaymentMethodTypes = ["bacs_debit"],
                    SaveDefaultPaymentMethod = "on_subscription",
                },
                Metadata = new Dictionary<string, string>
                {
                    ["recur_order_id"] = order.Id.ToString(),
                    ["recur_offer_id"] = offer.Id.ToString(),
                },
                // The operator's application fee, as on every subscription checkout creates.
                ApplicationFeePercent = platform.SubscriptionFeePercent,
            };
            if (offer.FixedTermPeriods is { } periods)
            {
                create.CancelAt = CheckoutOrders.FixedTermEnd(order.CreatedAt, offer, periods).UtcDateTime;
            }
            var stripeSubscription = await writes.SendAsync(
                new RequestOptions { StripeAccount = order.StripeAccountId, IdempotencyKey = order.IdempotencyKey("subscription") },
                (options, token) => stripe.Subscriptions.CreateAsync(create, options, token), cancellationToken);

            var subscription = await db.Subscriptions.IgnoreQueryFilters().SingleOrDefaultAsync(
                s => s.StripeAccountId == order.StripeAccountId && s.StripeSubscriptionId == stripeSubscription.Id, cancellationToken);
            if (subscription is null)
            {
                Subscription.TryParseStatus(stripeSubscription.Status, out var status);
                subscription = new Subscription(order.TenantId, order.Environment, order.StripeAccountId, stripeSubscription.Id,
                    order.CustomerId!.Value, offer.Id, order.Id, order.PaymentType, status, time.GetUtcNow());
                var item = stripeSubscription.Items?.Data?.FirstOrDefault();
                subscription.ApplySchedule(time.GetUtcNow(), CheckoutOrders.Utc(item?.CurrentPeriodStart), CheckoutOrders.Utc(item?.CurrentPeriodEnd),
                    CheckoutOrders.Utc(stripeSubscription.TrialEnd), stripeSubscription.CancelAtPeriodEnd, CheckoutOrders.Utc(stripeSubscription.CancelAt),
                    CheckoutOrders.Utc(stripeSubscription.CanceledAt), CheckoutOrders.Utc(stripeSubscription.EndedAt));
                db.Subscriptions.Add(subscription);
            }
            order.RecordSubscription(subscription);
            order.RecordIntent(IntentKind.Setup, setupIntent.Id);
            await db.SaveChangesAsync(cancellationToken);
            LogSubscriptionCreated(logger, order.Id, session.Id, stripeSubscription.Id);
            return true;
        }
        finally
        {
            orderLock.Release();
        }
    }

    /// <summary><c>checkout.session.completed</c> for an order's session: completes the order if the customer never
    /// came back to the confirmation page.</summary>
    public async Task ApplyAsync(StripeEvent row, CancellationToken cancellationToken)
    {
        if (row.Type != "checkout.session.completed" || row.Account is not { } account)
        {
            return;
        }
        var stripeEvent = EventUtility.ParseEvent(row.Payload, throwOnApiVersionMismatch: false);
        if (stripeEvent.Data.Object is not Session session
            || session.Metadata?.GetValueOrDefault("recur_order_id") is not { } orderText || !Guid.TryParse(orderText, out var orderId))
        {
            return;
        }
        var known = await db.Orders.IgnoreQueryFilters().AsNoTracking()
            .AnyAsync(o => o.Id == orderId && o.StripeAccountId == account && o.StripeCheckoutSessionId == session.Id, cancellationToken);
        if (known)
        {
            await CompleteAsync(orderId, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: Checkout Session {SessionId} collects the BACS mandate")]
    private static partial void LogSessionCreated(ILogger logger, Guid orderId, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: Checkout Session {SessionId} complete, subscription {SubscriptionId}")]
    private static partial void LogSubscriptionCreated(ILogger logger, Guid orderId, string sessionId, string subscriptionId);
}
