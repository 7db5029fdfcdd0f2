using System.Net;
using System.Text.Json.Nodes;
using Recur.Tests.Checkout;
using Recur.Tests.Infrastructure;
using Recur.Web.Stripe;
using Recur.Web.Webhooks;
using Stripe;

namespace Recur.Tests.Subscriptions;

public sealed class SubscriptionEventsTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_late_subscription_updated_event_saying_active_does_not_revive_a_canceled_subscription()
    {
        var tenant = await factory.SellingTenantAsync();
        var (_, checkout, email) = await factory.BuyWithCardAsync(tenant);
        var canceled = await tenant.Admin.ActAsync(await tenant.Admin.SubscriptionPageAsync(email), "CancelNow");
        Assert.Equal("canceled", canceled.TestId("stripe-status"));
        var subscriptionId = canceled.TestId("stripe-id")!.Split(' ')[0];

        var stale = Event("customer.subscription.updated", checkout.StripeAccount, DateTimeOffset.UtcNow.AddMinutes(-2), new JsonObject
        {
            ["id"] = subscriptionId,
            ["object"] = "subscription",
            ["status"] = "active",
            ["cancel_at_period_end"] = false,
        });
        await DeliverAsync(stale);

        var after = await tenant.Admin.SubscriptionPageAsync(email);
        Assert.Equal("canceled", after.TestId("stripe-status"));
        Assert.Equal("Ended", after.TestId("status"));
    }

    [Fact]
    public async Task A_mandate_updated_event_makes_the_mandate_inactive_and_an_older_one_changes_nothing()
    {
        var tenant = await factory.SellingTenantAsync(CheckoutFlows.BacsOffer("WhenMandateCreated"));
        using var customer = factory.NewBrowser();
        var open = await customer.OpenCheckoutAsync(tenant.CheckoutPath);
        var details = CheckoutFlows.Details(open.OrderId, paymentType: "bacs_debit");
        var checkout = await customer.PlaceOrderAsync(tenant.CheckoutPath, open, details);
        await factory.ConfirmBacsAsync(checkout);
        await customer.GetAsync(checkout.ReturnUrl);
        var detail = await tenant.Admin.SubscriptionPageAsync(details.Email!);
        var mandateId = detail.TestId("mandate")!.Split('(', ')')[1];
        var paymentMethod = detail.TestId("payment-method");

        await DeliverAsync(Event("mandate.updated", checkout.StripeAccount, DateTimeOffset.UtcNow.AddSeconds(5), Mandate(mandateId, "inactive")));
        await DeliverAsync(Event("mandate.updated", checkout.StripeAccount, DateTimeOffset.UtcNow.AddMinutes(-5), Mandate(mandateId, "active")));

        var after = await tenant.Admin.SubscriptionPageAsync(details.Email!);
        Assert.StartsWith("inactive", after.TestId("mandate"));
        Assert.Equal(paymentMethod, after.TestId("payment-method"));
    }

    private async Task DeliverAsync(string json)
    {
        var secret = factory.Service<WebhookSecrets>().Get(StripeEnvironment.Test)!;
        using var http = new HttpClient { BaseAddress = factory.ServerAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe/test") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", EventUtility.GenerateSignatureHeader(json, secret));
        using var response = await http.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await factory.Service<StripeEventProcessor>().RunOnceAsync(Cancel);
    }

    private static JsonObject Mandate(string id, string status) => new()
    {
        ["id"] = id,
        ["object"] = "mandate",
        ["status"] = status,
        ["type"] = "multi_use",
        ["livemode"] = false,
        ["payment_method"] = null,
    };

    private static string Event(string type, string account, DateTimeOffset created, JsonObject dataObject) => new JsonObject
    {
        ["id"] = "evt_" + Guid.NewGuid().ToString("N"),
        ["object"] = "event",
        ["api_version"] = WebhookEndpointRegistration.ApiVersion,
        ["created"] = created.ToUnixTimeSeconds(),
        ["livemode"] = false,
        ["type"] = type,
        ["account"] = account,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["data"] = new JsonObject { ["object"] = dataObject },
    }.ToJsonString();
}
