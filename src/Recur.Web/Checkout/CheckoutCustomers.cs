using global::Stripe;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Integrations;
using Recur.Web.Stripe;
using Customer = Recur.Web.Subscriptions.Customer;

namespace Recur.Web.Checkout;

/// <summary>
/// Finds or makes an order's Stripe customer on the connected account: one per account and email, however many
/// orders for that email run at once. In this process, orders for one email wait for each other (a striped lock per
/// account and email); across processes the unique <see cref="CheckoutCustomerLink"/> row and its idempotency key
/// keep the create to one customer.
/// </summary>
public sealed partial class CheckoutCustomers(AppDbContext db, StripeWrites writes, TimeProvider time, ILogger<CheckoutCustomers> logger)
{
    private static readonly SemaphoreSlim[] EmailLocks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    private static SemaphoreSlim LockFor(string accountId, string email) =>
        EmailLocks[(StringComparer.Ordinal.GetHashCode($"{accountId}\n{email}") & int.MaxValue) % EmailLocks.Length];

    public async Task<Customer> EnsureAsync(StripePlatform platform, Order order, StripeConnection connection, CancellationToken cancellationToken)
    {
        if (order.CustomerId is { } customerId)
        {
            return await db.Customers.IgnoreQueryFilters().SingleAsync(c => c.Id == customerId, cancellationToken);
        }

        var emailLock = LockFor(order.StripeAccountId, order.Email);
        await emailLock.WaitAsync(cancellationToken);
        try
        {
            var known = await KnownAsync(order, cancellationToken);
            if (known is not null)
            {
                order.RecordCustomer(known);
                await db.SaveChangesAsync(cancellationToken);
                return known;
            }

            var stripeCustomer = await FindAtStripeAsync(platform, order, connection, cancellationToken)
                ?? await CreateAsync(platform, order, cancellationToken);
            var customer = await RowForAsync(order, stripeCustomer, cancellationToken);
            order.RecordCustomer(customer);
            await db.SaveChangesAsync(cancellationToken);
            return customer;
        }
        finally
        {
            emailLock.Release();
        }
    }

    /// <summary>Recur's own (live, not simulated) customer with the order's email on the account.</summary>
    private Task<Customer?> KnownAsync(Order order, CancellationToken cancellationToken) =>
        db.Customers.IgnoreQueryFilters()
            .Where(c => c.TenantId == order.TenantId && c.Environment == order.Environment && c.StripeAccountId == order.StripeAccountId
                && c.Email == order.Email && c.DeletedAt == null && !c.IsSimulation)
            .OrderBy(c => c.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Recur's customer list is complete for the account once its existing customers have been imported
    /// (CustomerImporter, run when the account is connected); from then on customer.* webhooks keep it complete, so an
    /// email Recur does not know is a new customer and Stripe need not be asked. Until the import has finished (or
    /// while it runs again after the account was reconnected), a customer made before may be missing: ask Stripe, so
    /// the answer never depends on whether the import has run yet.
    /// </summary>
    private async Task<global::Stripe.Customer?> FindAtStripeAsync(StripePlatform platform, Order order, StripeConnection connection,
        CancellationToken cancellationToken)
    {
        var import = await db.CustomerImports.IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(
            i => i.TenantId == order.TenantId && i.Environment == order.Environment && i.StripeAccountId == order.StripeAccountId, cancellationToken);
        if (import is not null && import.CoversConnection(connection.ConnectedAt))
        {
            return null;
        }
        var found = await platform.Client.V1.Customers.ListAsync(new CustomerListOptions { Email = order.Email, Limit = 1 },
            new RequestOptions { StripeAccount = order.StripeAccountId }, cancellationToken);
        return found.Data.FirstOrDefault();
    }

    /// <summary>Creates the customer with the account and email's link: its key and its details, whichever order
    /// (or process) sends it.</summary>
    private async Task<global::Stripe.Customer> CreateAsync(StripePlatform platform, Order order, CancellationToken cancellationToken)
    {
        var link = await LinkAsync(order, cancellationToken);
        if (link.StripeCustomerId is { } linked && await db.Customers.IgnoreQueryFilters().AnyAsync(
                c => c.TenantId == order.TenantId && c.StripeAccountId == order.StripeAccountId && c.StripeCustomerId == linked && c.DeletedAt != null,
                cancellationToken))
        {
            // Deleted on Stripe since: the key's stored answer is that customer, so the next one needs a key of its own.
            link.StartOver(linked);
        }

        var create = new CustomerCreateOptions
        {
            Email = link.Email,
            Name = link.Name,
            Address = link.Address is { } a
                ? new AddressOptions { Line1 = a.Line1, Line2 = a.Line2, City = a.City, PostalCode = a.PostalCode, Country = a.Country }
                : null,
            Metadata = new Dictionary<string, string> { ["recur_order_id"] = link.OrderId.ToString() },
        };
        var stripe = platform.Client.V1;
        var customer = await writes.SendAsync(new RequestOptions { StripeAccount = order.StripeAccountId, IdempotencyKey = link.IdempotencyKey },
            (options, token) => stripe.Customers.CreateAsync(create, options, token), cancellationToken);
        link.RecordCustomer(customer.Id);
        LogCreated(logger, order.Id, link.Id, customer.Id);
        return customer;
    }

    /// <summary>The account and email's link: inserted by this order, or read back when another order (here or in
    /// another process) inserted it first — the unique index decides.</summary>
    private async Task<CheckoutCustomerLink> LinkAsync(Order order, CancellationToken cancellationToken)
    {
        var existing = await FindLinkAsync(order, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }
        var link = new CheckoutCustomerLink(order, time.GetUtcNow());
        db.CheckoutCustomerLinks.Add(link);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return link;
        }
        catch (DbUpdateException)
        {
            db.Entry(link).State = EntityState.Detached;
            return await FindLinkAsync(order, cancellationToken)
                ?? throw new InvalidOperationException($"Order {order.Id}: the customer link could neither be added nor read.");
        }
    }

    private Task<CheckoutCustomerLink?> FindLinkAsync(Order order, CancellationToken cancellationToken) =>
        db.CheckoutCustomerLinks.IgnoreQueryFilters().SingleOrDefaultAsync(
            l => l.TenantId == order.TenantId && l.Environment == order.Environment && l.StripeAccountId == order.StripeAccountId && l.Email == order.Email,
            cancellationToken);

    /// <summary>Recur's row for the Stripe customer: the one a <c>customer.created</c> webhook may have added a moment
    /// ago, or a new one.</summary>
    private async Task<Customer> RowForAsync(Order order, global::Stripe.Customer stripeCustomer, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.IgnoreQueryFilters().SingleOrDefaultAsync(
            c => c.TenantId == order.TenantId && c.StripeAccountId == order.StripeAccountId && c.StripeCustomerId == stripeCustomer.Id, cancellationToken);
        if (customer is not null)
        {
            return customer;
        }
        customer = new Customer(order.TenantId, order.Environment, order.StripeAccountId, stripeCustomer.Id, order.Email,
            stripeCustomer.Name ?? order.Name, order.Address, stripeCustomer.TestClockId, time.GetUtcNow());
        db.Customers.Add(customer);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return customer;
        }
        catch (DbUpdateException)
        {
            // The customer.created webhook (or another process) added the same customer a moment ago: use that row.
            db.Entry(customer).State = EntityState.Detached;
            return await db.Customers.IgnoreQueryFilters().SingleAsync(
                c => c.TenantId == order.TenantId && c.StripeAccountId == order.StripeAccountId && c.StripeCustomerId == stripeCustomer.Id, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: customer {StripeCustomerId} made through link {LinkId}")]
    private static partial void LogCreated(ILogger logger, Guid orderId, Guid linkId, string stripeCustomerId);
}
