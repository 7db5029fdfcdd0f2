using System.Net.Mail;
using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Catalog;
using Recur.Web.Data;
using Recur.Web.Integrations;
using Recur.Web.Stripe;
using Recur.Web.Subscriptions;
using Recur.Web.Tenants;
using Customer = Recur.Web.Subscriptions.Customer;
using Product = Recur.Web.Catalog.Product;
using StripeSubscription = global::Stripe.Subscription;
using Subscription = Recur.Web.Subscriptions.Subscription;

namespace Recur.Web.Checkout;

/// <summary>A published offer as its checkout page needs it.</summary>
public sealed record CheckoutOffer(Offer Offer, Product Product, Tenant Tenant, StripeConnection? Connection)
{
    public bool CanTakePayments => Offer.WhyNotPublishable(Connection) is null;

    /// <summary>The payment types the customer can choose, as Stripe names them.</summary>
    public IReadOnlyList<string> PaymentTypes =>
        [.. new[] { (Offer.AcceptsCard, "card"), (Offer.AcceptsBacs, "bacs_debit") }.Where(t => t.Item1).Select(t => t.Item2)];
}

/// <summary>Either the response for the page, or a problem to answer with.</summary>
public sealed record CheckoutResult(CheckoutResponse? Response, int Status, string? Title, string? Detail, IDictionary<string, string[]>? Errors)
{
    public static CheckoutResult Ok(CheckoutResponse response) => new(response, 200, null, null, null);

    public static CheckoutResult Problem(int status, string title, string detail) => new(null, status, title, detail, null);

    public static CheckoutResult Invalid(IDictionary<string, string[]> errors) =>
        new(null, 400, "Check your details.", "Some details are missing or not valid.", errors);
}

/// <summary>
/// Places checkout orders: matches the customer by email or creates it on the connected account
/// (<see cref="CheckoutCustomers"/>: one per account and email; in real time, in Test exactly as in Production: no
/// test clock), then creates the subscription there with <c>payment_behavior=default_incomplete</c> (or a
/// PaymentIntent for a one-off offer), every create keyed by the order id so that a repeat creates nothing new.
/// Card and bank details never pass through here: the browser sends them to Stripe.
/// </summary>
public sealed partial class CheckoutOrders(
    AppDbContext db,
    StripeClients clients,
    StripeCatalog catalog,
    RecurUrls urls,
    BacsMandateCheckout mandateCheckout,
    CheckoutCustomers customers,
    RepeatSubscriptions repeats,
    StripeWrites writes,
    TimeProvider time,
    ILogger<CheckoutOrders> logger)
{
    private static readonly SemaphoreSlim[] OrderLocks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>The in-process lock an order is placed under; <see cref="Subscriptions.CustomerEvents"/> takes it too,
    /// so the <c>customer.created</c> event of a customer this order is making waits for the order's own row.</summary>
    public static SemaphoreSlim LockFor(Guid orderId) => OrderLocks[(orderId.GetHashCode() & int.MaxValue) % OrderLocks.Length];

    public async Task<CheckoutOffer?> FindOfferAsync(string key, CancellationToken cancellationToken)
    {
        var offers = db.Offers.IgnoreQueryFilters().Where(o => o.IsPublished);
        var offer = Guid.TryParse(key, out var id)
            ? await offers.SingleOrDefaultAsync(o => o.Id == id, cancellationToken)
            : await offers.SingleOrDefaultAsync(o => o.Slug == key, cancellationToken);
        if (offer is null)
        {
            return null;
        }
        var product = await db.Products.IgnoreQueryFilters().SingleAsync(p => p.Id == offer.ProductId, cancellationToken);
        var tenant = await db.Tenants.IgnoreQueryFilters().SingleAsync(t => t.Id == offer.TenantId, cancellationToken);
        var connection = await db.StripeConnections.IgnoreQueryFilters()
            .SingleOrDefaultAsync(c => c.TenantId == offer.TenantId && c.Environment == offer.Environment, cancellationToken);
        return new CheckoutOffer(offer, product, tenant, connection);
    }

    public static string ReturnPath(Offer offer, Guid orderId) => $"/checkout/{offer.Slug}/complete?order={orderId}";

    /// <param name="browserKeyHash">The placing browser's key (<see cref="CheckoutBrowserKey"/>): an order is reused only
    /// by the browser that placed it, so an order id alone never returns its client secret.</param>
    public async Task<CheckoutResult> PlaceAsync(string offerKey, CheckoutRequest request, string browserKeyHash, CancellationToken cancellationToken)
    {
        var checkout = await FindOfferAsync(offerKey, cancellationToken);
        if (checkout is null)
        {
            return CheckoutResult.Problem(404, "No such offer.", "This offer does not exist or is no longer on sale.");
        }
        var (details, errors) = Validate(checkout, request);
        if (details is null)
        {
            return CheckoutResult.Invalid(errors);
        }
        if (!checkout.CanTakePayments)
        {
            return CheckoutResult.Problem(503, "Payments are not available.", $"{checkout.Tenant.Name} cannot take payments for this offer right now. Please try again later.");
        }
        if (!checkout.Offer.AllowsRepeatSubscriptions && await repeats.ExistAsync(checkout.Offer, details.Email, request.OrderId, cancellationToken))
        {
            LogRepeatRefused(logger, checkout.Offer.Id);
            return CheckoutResult.Problem(409, "You already subscribe to this.",
                $"{details.Email} already has an active subscription to {checkout.Offer.Name} from {checkout.Tenant.Name}, so nothing has been charged. "
                + $"To change or cancel it, contact {checkout.Tenant.Name}; to buy it for someone else, use their email address.");
        }

        var orderLock = LockFor(request.OrderId ?? Guid.NewGuid());
        await orderLock.WaitAsync(cancellationToken);
        try
        {
            var order = await OrderForAsync(checkout, request.OrderId, details, browserKeyHash, cancellationToken);
            var mapping = await catalog.EnsureOnStripeAsync(checkout.Offer, checkout.Product, checkout.Connection!, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            if (mapping.Prices is not { } prices)
            {
                LogMappingFailed(logger, checkout.Offer.Id);
                return CheckoutResult.Problem(502, "Payments are not available.", "The payment provider did not accept this offer. Please try again later.");
            }

            var platform = await clients.GetAsync(order.Environment, cancellationToken);
            var customer = await customers.EnsureAsync(platform, order, checkout.Connection!, cancellationToken);
            if (BacsMandateCheckout.Applies(checkout.Offer, prices, order))
            {
                var returnUrl = urls.Absolute(ReturnPath(checkout.Offer, order.Id));
                var hostedPage = await mandateCheckout.StartAsync(platform, checkout.Offer, order, customer, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                return CheckoutResult.Ok(new CheckoutResponse(order.Id, "checkout", null, order.PaymentType, platform.PublishableKey,
                    order.StripeAccountId, returnUrl, hostedPage ?? returnUrl));
            }
            var (kind, clientSecret) = checkout.Offer.IsRecurringPrice()
                ? await EnsureSubscriptionAsync(platform, checkout.Offer, prices, order, customer, cancellationToken)
                : await EnsureOneOffPaymentAsync(platform, checkout.Offer, order, customer, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            LogOrderPlaced(logger, order.Id, checkout.Offer.Id, order.StripeSubscriptionId, order.StripeIntentId);

            return CheckoutResult.Ok(new CheckoutResponse(
                order.Id,
                kind switch { IntentKind.Payment => "payment", IntentKind.Setup => "setup", _ => "none" },
                clientSecret,
                order.PaymentType,
                platform.PublishableKey,
                order.StripeAccountId,
                urls.Absolute(ReturnPath(checkout.Offer, order.Id))));
        }
        catch (Exception exception) when (exception is StripeWriteFailedException or HttpRequestException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Stripe kept answering 429/5xx/409 in use, or did not answer: every attempt used the order's keys, so
            // pressing Pay again later resumes this order without creating anything twice.
            LogStripeUnavailable(logger, checkout.Offer.Id, (exception as StripeWriteFailedException)?.LastAnswer ?? "network error");
            return CheckoutResult.Problem(502, "The payment provider is not answering.",
                "Stripe did not respond in time, so nothing has been charged yet. Please press Pay again in a minute: your order is kept and will not be placed twice.");
        }
        catch (StripeException exception)
        {
            LogStripeRefused(logger, checkout.Offer.Id, exception.StripeError?.Type, exception.StripeError?.Code);
            var message = exception.StripeError?.Type == "card_error" ? exception.StripeError.Message : null;
            return CheckoutResult.Problem(502, "The payment could not be started.",
                message ?? "The payment provider refused the request. Please try again in a moment.");
        }
        finally
        {
            orderLock.Release();
        }
    }

    private static (CustomerDetails? Details, Dictionary<string, string[]> Errors) Validate(CheckoutOffer checkout, CheckoutRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var email = request.Email?.Trim() ?? "";
        if (email.Length == 0)
        {
            errors["email"] = ["Enter your email address."];
        }
        else if (email.Length > 256 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !email.Contains('.', StringComparison.Ordinal))
        {
            errors["email"] = ["Enter a valid email address, like name@example.com."];
        }
        var name = request.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors["name"] = ["Enter your name."];
        }
        else if (name.Length > 200)
        {
            errors["name"] = ["Your name can have at most 200 characters."];
        }

        var types = checkout.PaymentTypes;
        var paymentType = string.IsNullOrWhiteSpace(request.PaymentType) && types.Count == 1 ? types[0] : request.PaymentType?.Trim();
        if (paymentType is null || !types.Contains(paymentType))
        {
            errors["paymentType"] = [types.Count > 1 ? "Choose how to pay: card or Direct Debit." : "This offer cannot be paid that way."];
        }

        PostalAddress? address = null;
        if (request.Address is { } a && new[] { a.Line1, a.Line2, a.City, a.PostalCode, a.Country }.Any(p => !string.IsNullOrWhiteSpace(p)))
        {
            address = new PostalAddress(Clean(a.Line1), Clean(a.Line2), Clean(a.City), Clean(a.PostalCode)?.ToUpperInvariant(), Clean(a.Country)?.ToUpperInvariant());
            if (address.Country is { } country && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
            {
                errors["address.country"] = ["Enter the country as a two-letter code, like GB."];
            }
        }
        if (paymentType == "bacs_debit" && address is not { IsComplete: true })
        {
            errors["address"] = ["Direct Debit needs your billing address: enter the first line, town or city, postcode and country."];
        }
        return errors.Count > 0 ? (null, errors) : (new CustomerDetails(email, name, address, paymentType!), errors);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim()[..Math.Min(value.Trim().Length, 200)];

    /// <summary>The order to use: the one the page sent if it is this offer's, still open and for the same details;
    /// otherwise a new one.</summary>
    private async Task<Order> OrderForAsync(CheckoutOffer checkout, Guid? requestedId, CustomerDetails details, string browserKeyHash, CancellationToken cancellationToken)
    {
        if (requestedId is { } id)
        {
            var existing = await db.Orders.IgnoreQueryFilters().SingleOrDefaultAsync(o => o.Id == id, cancellationToken);
            if (existing is not null && existing.IsHeldBy(browserKeyHash) && existing.OfferId == checkout.Offer.Id && existing.CompletedAt is null
                && existing.StripeAccountId == checkout.Connection!.AccountId && existing.Matches(details))
            {
                return existing;
            }
            if (existing is null)
            {
                return await AddOrderAsync(id, checkout, details, browserKeyHash, cancellationToken);
            }
        }
        return await AddOrderAsync(Guid.NewGuid(), checkout, details, browserKeyHash, cancellationToken);
    }

    private async Task<Order> AddOrderAsync(Guid id, CheckoutOffer checkout, CustomerDetails details, string browserKeyHash, CancellationToken cancellationToken)
    {
        var order = new Order(id, checkout.Offer.TenantId, checkout.Offer.Id, checkout.Offer.Environment, checkout.Connection!.AccountId, details, time.GetUtcNow());
        order.BindToBrowser(browserKeyHash);
        db.Orders.Add(order);
        await db.SaveChangesAsync(cancellationToken);
        return order;
    }

    private async Task<(IntentKind? Kind, string? ClientSecret)> EnsureSubscriptionAsync(StripePlatform platform, Offer offer, OfferPrices prices,
        Order order, Customer customer, CancellationToken cancellationToken)
    {
        var stripe = platform.Client.V1;
        StripeSubscription stripeSubscription;
        if (order.StripeSubscriptionId is { } existingId)
        {
            var get = new SubscriptionGetOptions();
            get.AddExpand("latest_invoice.confirmation_secret");
            get.AddExpand("pending_setup_intent");
            stripeSubscription = await stripe.Subscriptions.GetAsync(existingId, get, new RequestOptions { StripeAccount = order.StripeAccountId }, cancellationToken);
        }
        else
        {
            var create = new SubscriptionCreateOptions
            {
                Customer = customer.StripeCustomerId,
                Items = [new SubscriptionItemOptions { Price = prices.PriceId }],
                PaymentBehavior = "default_incomplete",
                PaymentSettings = new SubscriptionPaymentSettingsOptions
                {
                    PaymentMethodTypes = [order.PaymentType],
                    SaveDefaultPaymentMethod = "on_subscription",
                },
                TrialPeriodDays = offer.TrialDays,
                Metadata = new Dictionary<string, string>
                {
                    ["recur_order_id"] = order.Id.ToString(),
                    ["recur_offer_id"] = offer.Id.ToString(),
                },
            };
            if (platform.SubscriptionFeePercent is { } feePercent)
            {
                // Only when there is a fee: Stripe.net sends a property set to null as an empty value.
                create.ApplicationFeePercent = feePercent;
            }
            if (prices.JoiningFeePriceId is { } fee)
            {
                create.AddInvoiceItems = [new SubscriptionAddInvoiceItemOptions { Price = fee }];
            }
            if (offer.FixedTermPeriods is { } periods)
            {
                create.CancelAt = FixedTermEnd(order.CreatedAt, offer, periods).UtcDateTime;
            }
            create.AddExpand("latest_invoice.confirmation_secret");
            create.AddExpand("pending_setup_intent");
            stripeSubscription = await writes.SendAsync(Options(order, "subscription"),
                (options, token) => stripe.Subscriptions.CreateAsync(create, options, token), cancellationToken);
        }

        IntentKind? kind = null;
        string? secret = null;
        if (stripeSubscription.LatestInvoice is { AmountDue: > 0, ConfirmationSecret.ClientSecret: { } invoiceSecret })
        {
            kind = IntentKind.Payment;
            secret = invoiceSecret;
            order.RecordIntent(IntentKind.Payment, IntentIdFromSecret(invoiceSecret));
        }
        else if (stripeSubscription.PendingSetupIntent is { ClientSecret: { } setupSecret } setupIntent)
        {
            kind = IntentKind.Setup;
            secret = setupSecret;
            order.RecordIntent(IntentKind.Setup, setupIntent.Id);
        }

        var subscription = await db.Subscriptions.IgnoreQueryFilters().SingleOrDefaultAsync(
            s => s.StripeAccountId == order.StripeAccountId && s.StripeSubscriptionId == stripeSubscription.Id, cancellationToken);
        if (subscription is null)
        {
            Subscription.TryParseStatus(stripeSubscription.Status, out var status);
            subscription = new Subscription(order.TenantId, order.Environment, order.StripeAccountId, stripeSubscription.Id,
                customer.Id, offer.Id, order.Id, order.PaymentType, status, time.GetUtcNow());
            var item = stripeSubscription.Items?.Data?.FirstOrDefault();
            subscription.ApplySchedule(time.GetUtcNow(), Utc(item?.CurrentPeriodStart), Utc(item?.CurrentPeriodEnd), Utc(stripeSubscription.TrialEnd),
                stripeSubscription.CancelAtPeriodEnd, Utc(stripeSubscription.CancelAt), Utc(stripeSubscription.CanceledAt), Utc(stripeSubscription.EndedAt));
            db.Subscriptions.Add(subscription);
        }
        order.RecordSubscription(subscription);
        return (kind, secret);
    }

    private async Task<(IntentKind? Kind, string? ClientSecret)> EnsureOneOffPaymentAsync(StripePlatform platform, Offer offer, Order order,
        Customer customer, CancellationToken cancellationToken)
    {
        var stripe = platform.Client.V1;
        var options = new RequestOptions { StripeAccount = order.StripeAccountId };
        PaymentIntent intent;
        if (order.StripeIntentId is { } existing)
        {
            intent = await stripe.PaymentIntents.GetAsync(existing, null, options, cancellationToken);
        }
        else
        {
            var create = new PaymentIntentCreateOptions
            {
                Amount = offer.AmountMinor,
                Currency = offer.Currency,
                Customer = customer.StripeCustomerId,
                AllowedPaymentMethodTypes = [order.PaymentType],
                Description = offer.Name,
                Metadata = new Dictionary<string, string>
                {
                    ["recur_order_id"] = order.Id.ToString(),
                    ["recur_offer_id"] = offer.Id.ToString(),
                },
            };
            if (platform.PaymentFeeAmount(offer.AmountMinor) is { } feeAmount)
            {
                create.ApplicationFeeAmount = feeAmount;
            }
            intent = await writes.SendAsync(Options(order, "payment"),
                (options, token) => stripe.PaymentIntents.CreateAsync(create, options, token), cancellationToken);
        }
        order.RecordIntent(IntentKind.Payment, intent.Id);
        return (IntentKind.Payment, intent.ClientSecret);
    }

    /// <summary>When a fixed term ends: after the trial (if any) and the given number of billing periods.</summary>
    public static DateTimeOffset FixedTermEnd(DateTimeOffset start, Offer offer, int periods)
    {
        var end = start.AddDays(offer.TrialDays ?? 0);
        var count = periods * offer.IntervalCount;
        return offer.Interval switch
        {
            BillingInterval.Day => end.AddDays(count),
            BillingInterval.Week => end.AddDays(7 * count),
            BillingInterval.Month => end.AddMonths(count),
            _ => end.AddYears(count),
        };
    }

    /// <summary>A PaymentIntent's client secret is <c>{id}_secret_{…}</c>.</summary>
    public static string IntentIdFromSecret(string clientSecret)
    {
        var index = clientSecret.IndexOf("_secret_", StringComparison.Ordinal);
        return index > 0 ? clientSecret[..index] : clientSecret;
    }

    internal static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v && v > DateTime.UnixEpoch ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private static RequestOptions Options(Order order, string step) =>
        new() { StripeAccount = order.StripeAccountId, IdempotencyKey = order.IdempotencyKey(step) };

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} for offer {OfferId}: subscription {SubscriptionId}, intent {IntentId}")]
    private static partial void LogOrderPlaced(ILogger logger, Guid orderId, Guid offerId, string? subscriptionId, string? intentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offer {OfferId}: checkout refused by Stripe ({Type}, {Code})")]
    private static partial void LogStripeRefused(ILogger logger, Guid offerId, string? type, string? code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Offer {OfferId}: a second live subscription for one email refused")]
    private static partial void LogRepeatRefused(ILogger logger, Guid offerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offer {OfferId}: checkout gave up, Stripe unavailable ({Answer})")]
    private static partial void LogStripeUnavailable(ILogger logger, Guid offerId, string answer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offer {OfferId}: could not be mapped to Stripe at checkout")]
    private static partial void LogMappingFailed(ILogger logger, Guid offerId);
}
