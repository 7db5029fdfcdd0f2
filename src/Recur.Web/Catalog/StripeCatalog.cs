using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Integrations;
using Recur.Web.Stripe;

namespace Recur.Web.Catalog;

/// <summary>The Stripe prices an order uses; <see cref="JoiningFeePriceId"/> only for offers with a joining fee.</summary>
public sealed record OfferPrices(string ProductId, string PriceId, string? JoiningFeePriceId);

/// <summary>The outcome of mapping an offer to Stripe: the prices, or Stripe's reason why not.</summary>
public sealed record OfferMapping(OfferPrices? Prices, string? Error)
{
    public bool Succeeded => Prices is not null;
}

/// <summary>
/// Maps offers to a Stripe Product and Prices on the tenant's connected account (direct, with
/// <c>Stripe-Account</c>), on demand. Costs no request when the offer's stored prices still match; reuses a
/// sibling offer's product and an identical price; otherwise creates them with idempotency keys derived from
/// Recur's ids. A product linked to a <c>prod_…</c> is used as it is. Does not save.
/// </summary>
public sealed partial class StripeCatalog(AppDbContext db, StripeClients clients, StripeWrites writes, ILogger<StripeCatalog> logger)
{
    public async Task<OfferMapping> EnsureOnStripeAsync(Offer offer, Product product, StripeConnection connection, CancellationToken cancellationToken)
    {
        var account = connection.AccountId;
        offer.UseAccount(account);
        if (offer.IsMappedTo(account) && (product.LinkedStripeProductId is null || product.LinkedStripeProductId == offer.StripeProductId))
        {
            return Mapped(offer);
        }

        var platform = await clients.GetAsync(offer.Environment, cancellationToken);
        var stripe = platform.Client.V1;
        try
        {
            var siblings = await db.Offers.IgnoreQueryFilters()
                .Where(o => o.TenantId == offer.TenantId && o.ProductId == product.Id && o.Id != offer.Id && o.StripeAccountId == account && o.StripeProductId != null)
                .ToListAsync(cancellationToken);

            var productId = product.LinkedStripeProductId
                ?? offer.StripeProductId
                ?? siblings.Select(o => o.StripeProductId).FirstOrDefault();
            if (productId is null)
            {
                var create = new ProductCreateOptions
                {
                    Name = product.Name,
                    Description = product.Description,
                    Metadata = new Dictionary<string, string> { ["recur_product_id"] = product.Id.ToString() },
                };
                var created = await writes.SendAsync(Options(account, $"product-{product.Id:N}-{account}"),
                    (options, token) => stripe.Products.CreateAsync(create, options, token), cancellationToken);
                productId = created.Id;
                LogProductCreated(logger, product.Id, productId, account);
            }
            offer.MapProduct(productId);

            if (offer.StripePriceId is null || offer.StripePriceFingerprint != offer.PriceFingerprint)
            {
                var reused = siblings.FirstOrDefault(o => o.StripeProductId == productId && o.StripePriceFingerprint == offer.PriceFingerprint);
                var priceId = reused?.StripePriceId ?? await CreatePriceAsync(stripe, offer, productId, offer.AmountMinor, offer.IsRecurringPrice(), offer.PriceFingerprint, account, cancellationToken);
                offer.MapPrice(priceId, offer.PriceFingerprint);
            }
            if (offer.JoiningFeeFingerprint is { } feeFingerprint
                && (offer.StripeJoiningFeePriceId is null || offer.StripeJoiningFeePriceFingerprint != feeFingerprint))
            {
                var reused = siblings.FirstOrDefault(o => o.StripeProductId == productId && o.StripeJoiningFeePriceFingerprint == feeFingerprint);
                var feeId = reused?.StripeJoiningFeePriceId ?? await CreatePriceAsync(stripe, offer, productId, offer.JoiningFeeMinor!.Value, recurring: false, feeFingerprint, account, cancellationToken);
                offer.MapJoiningFeePrice(feeId, feeFingerprint);
            }
            return Mapped(offer);
        }
        catch (StripeWriteFailedException exception)
        {
            LogMappingFailed(logger, offer.Id, account, exception.LastAnswer);
            return new OfferMapping(null, "Stripe is not answering right now (" + exception.LastAnswer + "). Try again in a minute.");
        }
        catch (StripeException exception)
        {
            LogMappingFailed(logger, offer.Id, account, exception.StripeError?.Code);
            var message = exception.StripeError?.Code == "resource_missing" && product.LinkedStripeProductId is not null
                ? $"The linked Stripe product {product.LinkedStripeProductId} does not exist on the connected account {account}. Check the product's Stripe product id."
                : "Stripe refused to create the offer's price: " + (exception.StripeError?.Message ?? exception.Message);
            return new OfferMapping(null, message);
        }
    }

    private async Task<string> CreatePriceAsync(V1Services stripe, Offer offer, string productId, long amount, bool recurring,
        string fingerprint, string account, CancellationToken cancellationToken)
    {
        var options = new PriceCreateOptions
        {
            Product = productId,
            Currency = offer.Currency,
            UnitAmount = amount,
            Nickname = recurring ? offer.Name : offer.Name + (offer.Billing == BillingKind.JoiningFeeAndRecurring ? " (joining fee)" : ""),
            Metadata = new Dictionary<string, string> { ["recur_offer_id"] = offer.Id.ToString() },
        };
        if (recurring)
        {
            options.Recurring = new PriceRecurringOptions
            {
                Interval = offer.Interval.ToString().ToLowerInvariant(),
                IntervalCount = offer.IntervalCount,
            };
        }
        var price = await writes.SendAsync(Options(account, $"price-{offer.Id:N}-{productId}-{fingerprint}"),
            (request, token) => stripe.Prices.CreateAsync(options, request, token), cancellationToken);
        LogPriceCreated(logger, offer.Id, price.Id, account);
        return price.Id;
    }

    private static OfferMapping Mapped(Offer offer) =>
        new(new OfferPrices(offer.StripeProductId!, offer.StripePriceId!, offer.StripeJoiningFeePriceId), null);

    private static RequestOptions Options(string account, string idempotencyKey) =>
        new() { StripeAccount = account, IdempotencyKey = idempotencyKey };

    [LoggerMessage(Level = LogLevel.Information, Message = "Product {ProductId} created on Stripe as {StripeProductId} on {AccountId}")]
    private static partial void LogProductCreated(ILogger logger, Guid productId, string stripeProductId, string accountId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Offer {OfferId}: price {StripePriceId} created on {AccountId}")]
    private static partial void LogPriceCreated(ILogger logger, Guid offerId, string stripePriceId, string accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offer {OfferId}: mapping to Stripe on {AccountId} failed ({Code})")]
    private static partial void LogMappingFailed(ILogger logger, Guid offerId, string accountId, string? code);
}
