using Recur.StripeSandbox.Tests.Infrastructure;
using Stripe;

namespace Recur.StripeSandbox.Tests.Subscriptions;

/// <summary>
/// <c>created</c> bounds on <c>GET /v1/subscriptions</c> and <c>GET /v1/invoices</c>, as Stripe takes them
/// (https://docs.stripe.com/api/subscriptions/list#list_subscriptions-created,
/// https://docs.stripe.com/api/invoices/list#list_invoices-created): what a reconciliation asks for.
/// </summary>
public sealed class CreatedFilterTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Subscriptions_and_invoices_are_listed_only_when_created_within_the_bounds()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, _, _, created, _) = await shop.ActiveSubscriptionAsync();
        var subscription = await shop.SubscriptionAsync(created.Id);
        var invoice = Assert.Single(await shop.InvoicesAsync(created.Id));

        var from = await shop.Server.V1.Subscriptions.ListAsync(new SubscriptionListOptions
        {
            Status = "all", Created = new DateRangeOptions { GreaterThanOrEqual = subscription.Created },
        }, shop.On(), Ct);
        var after = await shop.Server.V1.Subscriptions.ListAsync(new SubscriptionListOptions
        {
            Status = "all", Created = new DateRangeOptions { GreaterThan = subscription.Created },
        }, shop.On(), Ct);
        var invoicesFrom = await shop.Server.V1.Invoices.ListAsync(new InvoiceListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = invoice.Created },
        }, shop.On(), Ct);
        var invoicesBefore = await shop.Server.V1.Invoices.ListAsync(new InvoiceListOptions
        {
            Created = new DateRangeOptions { LessThan = invoice.Created },
        }, shop.On(), Ct);

        Assert.Equal(created.Id, Assert.Single(from.Data).Id);
        Assert.Empty(after.Data);
        Assert.Equal(invoice.Id, Assert.Single(invoicesFrom.Data).Id);
        Assert.Empty(invoicesBefore.Data);
    }

    [Fact]
    public async Task A_created_bound_that_is_not_a_timestamp_is_refused_as_stripe_does()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());

        var refused = await Assert.ThrowsAsync<StripeException>(() => shop.Server.V1.Subscriptions.ListAsync(new SubscriptionListOptions
        {
            ExtraParams = new Dictionary<string, object> { ["created"] = new Dictionary<string, object> { ["soon"] = "1" } },
        }, shop.On(), Ct));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.HttpStatusCode);
        Assert.Equal("created[soon]", refused.StripeError.Param);
    }
}
