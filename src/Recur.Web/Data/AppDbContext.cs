using System.Text.Json;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Recur.Web.Catalog;
using Recur.Web.Checkout;
using Recur.Web.Emails;
using Recur.Web.Simulation;
using Recur.Web.Subscriptions;
using Recur.Web.Integrations;
using Recur.Web.Reconciliation;
using Recur.Web.Stripe;
using Recur.Web.Tenants;
using Recur.Web.Webhooks;

namespace Recur.Web.Data;

/// <summary>
/// Recur's database. Provider-neutral: each provider has a subclass that owns its migrations
/// (<see cref="SqliteAppDbContext"/>). Every tenant-owned entity is filtered by the current tenant.
/// </summary>
public abstract class AppDbContext(DbContextOptions options, CurrentTenant currentTenant)
    : IdentityDbContext<AppUser>(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<StripeConnection> StripeConnections => Set<StripeConnection>();
    public DbSet<OAuthState> OAuthStates => Set<OAuthState>();
    public DbSet<StripeEvent> StripeEvents => Set<StripeEvent>();
    public DbSet<WrongModeEvent> WrongModeEvents => Set<WrongModeEvent>();
    public DbSet<RegisteredWebhookEndpoint> RegisteredWebhookEndpoints => Set<RegisteredWebhookEndpoint>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<Offer> Offers => Set<Offer>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<CustomerImport> CustomerImports => Set<CustomerImport>();
    public DbSet<SubscriptionSimulation> SubscriptionSimulations => Set<SubscriptionSimulation>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<CheckoutCustomerLink> CheckoutCustomerLinks => Set<CheckoutCustomerLink>();
    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<Mandate> Mandates => Set<Mandate>();
    public DbSet<ReconciliationRun> ReconciliationRuns => Set<ReconciliationRun>();
    public DbSet<OutboxEmail> OutboxEmails => Set<OutboxEmail>();
    public DbSet<Payments.Refund> Refunds => Set<Payments.Refund>();

    /// <summary>Read by the query filters on every query, so each context sees only its own tenant.</summary>
    private Guid? CurrentTenantId => currentTenant.TenantId;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Stored as a sortable number so that timestamps can be compared and ordered in queries on every provider.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<AppUser>(user =>
        {
            user.HasIndex(u => u.TenantId);
        });

        builder.Entity<Tenant>(tenant =>
        {
            tenant.Property(t => t.Name).HasMaxLength(200);
            tenant.Property(t => t.Email).HasMaxLength(256);
            tenant.Property(t => t.StripeEnvironment).HasConversion<string>().HasMaxLength(20);
            tenant.Property(t => t.StripeAccountType).HasConversion<string>().HasMaxLength(20);
            tenant.HasQueryFilter(t => t.Id == CurrentTenantId);
        });

        builder.Entity<StripeConnection>(connection =>
        {
            connection.HasIndex(c => new { c.TenantId, c.Environment }).IsUnique();
            connection.HasIndex(c => c.AccountId);
            // One Stripe account is linked to at most one tenant per environment (disconnected rows keep the id).
            connection.HasIndex(c => new { c.Environment, c.AccountId }).IsUnique()
                .HasFilter("\"DisconnectedAt\" IS NULL AND \"AccountId\" <> ''")
                .HasDatabaseName("IX_StripeConnections_LinkedAccount");
            connection.Property(c => c.Environment).HasConversion<string>().HasMaxLength(20);
            connection.Property(c => c.AccountType).HasConversion<string>().HasMaxLength(20);
            connection.Property(c => c.LinkMethod).HasConversion<string>().HasMaxLength(20);
            connection.Property(c => c.AccountId).HasMaxLength(255);
            connection.Property(c => c.Capabilities).HasConversion(
                value => JsonSerializer.Serialize(value, JsonSerializerOptions.Default),
                json => JsonSerializer.Deserialize<Dictionary<string, string>>(json, JsonSerializerOptions.Default) ?? new Dictionary<string, string>(),
                new ValueComparer<Dictionary<string, string>>(
                    (a, b) => a != null && b != null && a.Count == b.Count && !a.Except(b).Any(),
                    value => value.Aggregate(0, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value)),
                    value => new Dictionary<string, string>(value)));
            connection.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId);
            connection.HasQueryFilter(c => c.TenantId == CurrentTenantId);
        });

        builder.Entity<OAuthState>(state =>
        {
            state.HasIndex(s => s.StateHash).IsUnique();
            state.Property(s => s.StateHash).HasMaxLength(64);
            state.Property(s => s.Environment).HasConversion<string>().HasMaxLength(20);
            state.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId);
            state.HasQueryFilter(s => s.TenantId == CurrentTenantId);
        });

        builder.Entity<Product>(product =>
        {
            product.Property(p => p.Name).HasMaxLength(200);
            product.Property(p => p.Description).HasMaxLength(2000);
            product.Property(p => p.LinkedStripeProductId).HasMaxLength(255);
            product.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId);
            product.HasQueryFilter(p => p.TenantId == CurrentTenantId);
        });

        builder.Entity<Offer>(offer =>
        {
            offer.HasIndex(o => o.Slug).IsUnique();
            offer.HasIndex(o => new { o.TenantId, o.ProductId });
            offer.Property(o => o.Slug).HasMaxLength(80);
            offer.Property(o => o.Name).HasMaxLength(200);
            offer.Property(o => o.Currency).HasMaxLength(3);
            offer.Property(o => o.Billing).HasConversion<string>().HasMaxLength(30);
            offer.Property(o => o.Interval).HasConversion<string>().HasMaxLength(10);
            offer.Property(o => o.PaymentTypes).HasConversion<string>().HasMaxLength(30);
            offer.Property(o => o.BacsActivation).HasConversion<string>().HasMaxLength(30);
            offer.Property(o => o.Environment).HasConversion<string>().HasMaxLength(20);
            offer.Property(o => o.StripeAccountId).HasMaxLength(255);
            offer.Property(o => o.StripeProductId).HasMaxLength(255);
            offer.Property(o => o.StripePriceId).HasMaxLength(255);
            offer.Property(o => o.StripePriceFingerprint).HasMaxLength(100);
            offer.Property(o => o.StripeJoiningFeePriceId).HasMaxLength(255);
            offer.Property(o => o.StripeJoiningFeePriceFingerprint).HasMaxLength(100);
            offer.Ignore(o => o.Terms);
            offer.HasOne<Tenant>().WithMany().HasForeignKey(o => o.TenantId);
            offer.HasOne<Product>().WithMany().HasForeignKey(o => o.ProductId);
            offer.HasQueryFilter(o => o.TenantId == CurrentTenantId);
        });

        builder.Entity<Customer>(customer =>
        {
            customer.HasIndex(c => new { c.TenantId, c.Environment, c.StripeAccountId, c.StripeCustomerId }).IsUnique();
            customer.HasIndex(c => new { c.TenantId, c.Environment, c.StripeAccountId, c.Email });
            customer.Property(c => c.Environment).HasConversion<string>().HasMaxLength(20);
            customer.Property(c => c.StripeAccountId).HasMaxLength(255);
            customer.Property(c => c.StripeCustomerId).HasMaxLength(255);
            customer.Property(c => c.Email).HasMaxLength(256);
            customer.Property(c => c.Name).HasMaxLength(200);
            customer.Property(c => c.TestClockId).HasMaxLength(255);
            customer.OwnsOne(c => c.Address, Address);
            customer.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId);
            customer.HasQueryFilter(c => c.TenantId == CurrentTenantId);
        });

        builder.Entity<SubscriptionSimulation>(simulation =>
        {
            simulation.Property(x => x.Id).ValueGeneratedNever();
            simulation.HasIndex(x => x.SourceSubscriptionId);
            simulation.HasIndex(x => new { x.StripeAccountId, x.StripeClockId });
            simulation.Property(x => x.StripeAccountId).HasMaxLength(255);
            simulation.Property(x => x.StripeClockId).HasMaxLength(255);
            simulation.Property(x => x.StripeCustomerId).HasMaxLength(255);
            simulation.Property(x => x.StripeSubscriptionId).HasMaxLength(255);
            simulation.Property(x => x.StripePaymentMethodId).HasMaxLength(255);
            simulation.Property(x => x.Failure).HasMaxLength(1000);
            simulation.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId);
            simulation.HasQueryFilter(x => x.TenantId == CurrentTenantId);
        });

        builder.Entity<CustomerImport>(import =>
        {
            import.HasIndex(i => new { i.TenantId, i.Environment, i.StripeAccountId }).IsUnique();
            import.Property(i => i.Environment).HasConversion<string>().HasMaxLength(20);
            import.Property(i => i.StripeAccountId).HasMaxLength(255);
            import.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId);
            import.HasQueryFilter(i => i.TenantId == CurrentTenantId);
        });

        builder.Entity<Order>(order =>
        {
            order.Property(o => o.Id).ValueGeneratedNever();
            order.HasIndex(o => o.StripeSubscriptionId);
            order.HasIndex(o => o.StripeIntentId);
            order.Property(o => o.Environment).HasConversion<string>().HasMaxLength(20);
            order.Property(o => o.StripeAccountId).HasMaxLength(255);
            order.Property(o => o.Email).HasMaxLength(256);
            order.Property(o => o.Name).HasMaxLength(200);
            order.Property(o => o.PaymentType).HasMaxLength(30);
            order.Property(o => o.StripeCustomerId).HasMaxLength(255);
            order.Property(o => o.StripeSubscriptionId).HasMaxLength(255);
            order.Property(o => o.StripeIntentId).HasMaxLength(255);
            order.Property(o => o.BrowserKeyHash).HasMaxLength(64);
            order.Property(o => o.StripeCheckoutSessionId).HasMaxLength(255);
            order.HasIndex(o => o.StripeCheckoutSessionId);
            order.Property(o => o.IntentKind).HasConversion<string>().HasMaxLength(20);
            order.OwnsOne(o => o.Address, Address);
            order.HasOne<Tenant>().WithMany().HasForeignKey(o => o.TenantId);
            order.HasOne<Offer>().WithMany().HasForeignKey(o => o.OfferId);
            order.HasQueryFilter(o => o.TenantId == CurrentTenantId);
        });

        builder.Entity<CheckoutCustomerLink>(link =>
        {
            link.Property(l => l.Id).ValueGeneratedNever();
            // One link, so one Stripe customer made by checkout, per account and email (see CheckoutCustomers).
            link.HasIndex(l => new { l.TenantId, l.Environment, l.StripeAccountId, l.Email }).IsUnique();
            link.Property(l => l.Environment).HasConversion<string>().HasMaxLength(20);
            link.Property(l => l.StripeAccountId).HasMaxLength(255);
            link.Property(l => l.Email).HasMaxLength(256);
            link.Property(l => l.Name).HasMaxLength(200);
            link.Property(l => l.StripeCustomerId).HasMaxLength(255);
            link.OwnsOne(l => l.Address, Address);
            link.HasOne<Tenant>().WithMany().HasForeignKey(l => l.TenantId);
            link.HasQueryFilter(l => l.TenantId == CurrentTenantId);
        });

        builder.Entity<Subscription>(subscription =>
        {
            subscription.HasIndex(s => new { s.StripeAccountId, s.StripeSubscriptionId }).IsUnique();
            subscription.HasIndex(s => new { s.TenantId, s.CustomerId });
            subscription.Property(s => s.Environment).HasConversion<string>().HasMaxLength(20);
            subscription.Property(s => s.StripeAccountId).HasMaxLength(255);
            subscription.Property(s => s.StripeSubscriptionId).HasMaxLength(255);
            subscription.Property(s => s.PaymentType).HasMaxLength(30);
            subscription.Property(s => s.Status).HasConversion<string>().HasMaxLength(30);
            subscription.Property(s => s.StripeMandateId).HasMaxLength(255);
            subscription.Property(s => s.LatestPaymentStatus).HasMaxLength(50);
            subscription.Property(s => s.RemovedReason).HasMaxLength(300);
            subscription.OwnsOne(s => s.PaymentMethod, PaymentMethodColumns);
            subscription.OwnsOne(s => s.LastPaymentError, PaymentErrorColumns);
            subscription.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId);
            subscription.HasOne<Customer>().WithMany().HasForeignKey(s => s.CustomerId);
            subscription.HasOne<Offer>().WithMany().HasForeignKey(s => s.OfferId);
            subscription.HasQueryFilter(s => s.TenantId == CurrentTenantId);
        });

        builder.Entity<Payment>(payment =>
        {
            payment.HasIndex(p => new { p.StripeAccountId, p.StripeInvoiceId }).IsUnique();
            payment.HasIndex(p => p.SubscriptionId);
            payment.HasIndex(p => p.OrderId).IsUnique();
            payment.HasIndex(p => new { p.StripeAccountId, p.StripePaymentIntentId });
            payment.HasIndex(p => new { p.StripeAccountId, p.StripeChargeId });
            payment.HasIndex(p => new { p.TenantId, p.CreatedAt });
            payment.Property(p => p.Kind).HasConversion<string>().HasMaxLength(20);
            payment.Property(p => p.StripeChargeId).HasMaxLength(255);
            payment.OwnsOne(p => p.PaymentMethod, PaymentMethodColumns);
            payment.Property(p => p.Environment).HasConversion<string>().HasMaxLength(20);
            payment.Property(p => p.StripeAccountId).HasMaxLength(255);
            payment.Property(p => p.StripeInvoiceId).HasMaxLength(255);
            payment.Property(p => p.Number).HasMaxLength(100);
            payment.Property(p => p.Currency).HasMaxLength(3);
            payment.Property(p => p.BillingReason).HasMaxLength(50);
            payment.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            payment.Property(p => p.HostedInvoiceUrl).HasMaxLength(2000);
            payment.Property(p => p.StripePaymentIntentId).HasMaxLength(255);
            payment.Property(p => p.PaymentIntentStatus).HasMaxLength(50);
            payment.OwnsOne(p => p.LastError, PaymentErrorColumns);
            payment.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId);
            payment.HasOne<Subscription>().WithMany().HasForeignKey(p => p.SubscriptionId);
            payment.HasOne<Customer>().WithMany().HasForeignKey(p => p.CustomerId);
            payment.HasOne<Order>().WithMany().HasForeignKey(p => p.OrderId);
            payment.HasQueryFilter(p => p.TenantId == CurrentTenantId);
        });

        builder.Entity<Payments.Refund>(refund =>
        {
            refund.Property(r => r.Id).ValueGeneratedNever();
            refund.HasIndex(r => new { r.StripeAccountId, r.StripeRefundId }).IsUnique();
            refund.HasIndex(r => r.PaymentId);
            refund.Property(r => r.Environment).HasConversion<string>().HasMaxLength(20);
            refund.Property(r => r.StripeAccountId).HasMaxLength(255);
            refund.Property(r => r.StripeRefundId).HasMaxLength(255);
            refund.Property(r => r.Currency).HasMaxLength(3);
            refund.Property(r => r.Reason).HasMaxLength(50);
            refund.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            refund.Property(r => r.FailureReason).HasMaxLength(100);
            refund.Property(r => r.PendingReason).HasMaxLength(50);
            refund.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId);
            refund.HasOne<Payment>().WithMany().HasForeignKey(r => r.PaymentId);
            refund.HasQueryFilter(r => r.TenantId == CurrentTenantId);
        });

        builder.Entity<Mandate>(mandate =>
        {
            mandate.HasIndex(m => new { m.StripeAccountId, m.StripeMandateId }).IsUnique();
            mandate.HasIndex(m => m.StripePaymentMethodId);
            mandate.Property(m => m.Environment).HasConversion<string>().HasMaxLength(20);
            mandate.Property(m => m.StripeAccountId).HasMaxLength(255);
            mandate.Property(m => m.StripeMandateId).HasMaxLength(255);
            mandate.Property(m => m.StripePaymentMethodId).HasMaxLength(255);
            mandate.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
            mandate.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId);
            mandate.HasQueryFilter(m => m.TenantId == CurrentTenantId);
        });

        builder.Entity<ReconciliationRun>(run =>
        {
            run.Property(r => r.Id).ValueGeneratedNever();
            run.HasIndex(r => new { r.TenantId, r.StartedAt });
            run.Property(r => r.StartedBy).HasMaxLength(256);
            run.Ignore(r => r.IsComplete);
            run.Property(r => r.Findings).HasConversion(
                value => JsonSerializer.Serialize(value, FindingsJson),
                json => JsonSerializer.Deserialize<List<ReconciliationFinding>>(json, FindingsJson) ?? new List<ReconciliationFinding>(),
                new ValueComparer<List<ReconciliationFinding>>(
                    (a, b) => a != null && b != null && a.SequenceEqual(b),
                    value => value.Aggregate(0, (hash, finding) => HashCode.Combine(hash, finding)),
                    value => value.ToList()));
            run.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId);
            run.HasQueryFilter(r => r.TenantId == CurrentTenantId);
        });

        builder.Entity<OutboxEmail>(email =>
        {
            email.Property(e => e.Id).ValueGeneratedNever();
            // One email of a kind per Stripe event: duplicates and replays write nothing more.
            email.HasIndex(e => new { e.StripeEventId, e.Kind }).IsUnique();
            email.HasIndex(e => new { e.TenantId, e.CreatedAt });
            email.HasIndex(e => new { e.Status, e.NextAttemptAt });
            email.Property(e => e.Kind).HasConversion<string>().HasMaxLength(30);
            email.Property(e => e.Status).HasConversion<string>().HasMaxLength(20);
            email.Property(e => e.StripeEventId).HasMaxLength(255);
            email.Property(e => e.To).HasMaxLength(256);
            email.Property(e => e.FromName).HasMaxLength(200);
            email.Property(e => e.Subject).HasMaxLength(300);
            email.Property(e => e.LastError).HasMaxLength(500);
            email.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId);
            email.HasQueryFilter(e => e.TenantId == CurrentTenantId);
        });

        // The webhook inbox belongs to the platform, not to a tenant: no query filter.
        builder.Entity<StripeEvent>(stripeEvent =>
        {
            stripeEvent.HasKey(e => e.Id);
            stripeEvent.Property(e => e.Id).HasMaxLength(255);
            stripeEvent.Property(e => e.Environment).HasConversion<string>().HasMaxLength(20);
            stripeEvent.Property(e => e.Type).HasMaxLength(255);
            stripeEvent.Property(e => e.Account).HasMaxLength(255);
            stripeEvent.Property(e => e.ApiVersion).HasMaxLength(50);
            stripeEvent.Property(e => e.Status).HasConversion<string>().HasMaxLength(20);
            stripeEvent.Property(e => e.Source).HasConversion<string>().HasMaxLength(20);
            stripeEvent.Property(e => e.LastError).HasMaxLength(1000);
            stripeEvent.HasIndex(e => new { e.ProcessedAt, e.NextAttemptAt });
            stripeEvent.HasIndex(e => new { e.Status, e.ProcessedAt });
            stripeEvent.HasIndex(e => new { e.Environment, e.Account, e.CreatedAt });
        });

        // Counted, never applied: genuine events that reached the route of the other mode.
        builder.Entity<WrongModeEvent>(wrongMode =>
        {
            wrongMode.HasKey(e => new { e.Id, e.Route });
            wrongMode.Property(e => e.Id).HasMaxLength(255);
            wrongMode.Property(e => e.Route).HasConversion<string>().HasMaxLength(20);
            wrongMode.Property(e => e.Type).HasMaxLength(255);
            wrongMode.Property(e => e.Account).HasMaxLength(255);
            wrongMode.HasIndex(e => e.ReceivedAt);
        });

        // The platform's own endpoints, one per environment.
        builder.Entity<RegisteredWebhookEndpoint>(endpoint =>
        {
            endpoint.HasKey(e => e.Environment);
            endpoint.Property(e => e.Environment).HasConversion<string>().HasMaxLength(20);
            endpoint.Property(e => e.EndpointId).HasMaxLength(255);
            endpoint.Property(e => e.Url).HasMaxLength(2000);
            endpoint.Property(e => e.ApiVersion).HasMaxLength(50);
            endpoint.Property(e => e.ReplacedBecause).HasMaxLength(200);
        });
    }

    /// <summary>Findings kept as JSON, enums by name.</summary>
    private static readonly JsonSerializerOptions FindingsJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private static void Address<TOwner>(OwnedNavigationBuilder<TOwner, PostalAddress> address) where TOwner : class
    {
        address.Property(a => a.Line1).HasMaxLength(200);
        address.Property(a => a.Line2).HasMaxLength(200);
        address.Property(a => a.City).HasMaxLength(100);
        address.Property(a => a.PostalCode).HasMaxLength(20);
        address.Property(a => a.Country).HasMaxLength(2);
    }

    private static void PaymentMethodColumns<TOwner>(OwnedNavigationBuilder<TOwner, PaymentMethodSummary> method) where TOwner : class
    {
        method.Property(p => p.StripePaymentMethodId).HasMaxLength(255);
        method.Property(p => p.Type).HasMaxLength(30);
        method.Property(p => p.Brand).HasMaxLength(30);
        method.Property(p => p.Last4).HasMaxLength(4);
        method.Property(p => p.SortCode).HasMaxLength(6);
    }

    private static void PaymentErrorColumns<TOwner>(OwnedNavigationBuilder<TOwner, PaymentError> error) where TOwner : class
    {
        error.Property(e => e.Code).HasMaxLength(100);
        error.Property(e => e.DeclineCode).HasMaxLength(100);
        error.Property(e => e.Message).HasMaxLength(1000);
    }
}
