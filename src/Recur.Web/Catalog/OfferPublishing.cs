using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Integrations;

namespace Recur.Web.Catalog;

/// <summary>Publishes an offer: only with a usable connection in its environment, and only once its Stripe product
/// and prices exist on the connected account (so the first checkout does not have to create them).</summary>
public sealed class OfferPublishing(AppDbContext db, StripeCatalog catalog, ConnectedAccounts accounts, TimeProvider time)
{
    /// <summary>Null when published; otherwise why not.</summary>
    public async Task<string?> PublishAsync(Offer offer, CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync(offer, cancellationToken);
        if (offer.AcceptsBacs && connection is { IsLinked: true } && BacsAvailability.WhyUnavailable(connection) is not null)
        {
            // The merchant may just have turned Bacs on in the Stripe Dashboard: ask Stripe before refusing.
            await accounts.ReadAccountAsync(connection, cancellationToken);
        }
        if (offer.WhyNotPublishable(connection) is { } reason)
        {
            return reason;
        }
        var product = await db.Products.IgnoreQueryFilters().SingleAsync(p => p.Id == offer.ProductId && p.TenantId == offer.TenantId, cancellationToken);
        var mapping = await catalog.EnsureOnStripeAsync(offer, product, connection!, cancellationToken);
        if (!mapping.Succeeded)
        {
            await db.SaveChangesAsync(cancellationToken);
            return mapping.Error;
        }
        offer.Publish(connection, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>After a published offer changed, maps the changed prices at once (a changed price is a new Stripe
    /// Price). Null when fine; otherwise Stripe's reason.</summary>
    public async Task<string?> RemapAsync(Offer offer, CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync(offer, cancellationToken);
        if (!offer.IsPublished || connection is not { IsLinked: true })
        {
            return null;
        }
        var product = await db.Products.IgnoreQueryFilters().SingleAsync(p => p.Id == offer.ProductId && p.TenantId == offer.TenantId, cancellationToken);
        var mapping = await catalog.EnsureOnStripeAsync(offer, product, connection, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return mapping.Error;
    }

    public Task<StripeConnection?> ConnectionAsync(Offer offer, CancellationToken cancellationToken) =>
        db.StripeConnections.IgnoreQueryFilters()
            .SingleOrDefaultAsync(c => c.TenantId == offer.TenantId && c.Environment == offer.Environment, cancellationToken);
}
