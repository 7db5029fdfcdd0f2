using System.Text.Json.Nodes;
using Recur.StripeSandbox.Tests.Subscriptions;

namespace Recur.StripeSandbox.Tests.Infrastructure;

/// <summary>
/// Includable fields are absent unless asked for with <c>expand[]</c>, on an object, inside an expanded object, in
/// lists (<c>data.</c>) and never in event payloads. Sources: https://docs.stripe.com/api/invoices/object
/// (<c>confirmation_secret</c>, <c>payments</c>: "not included by default"), https://docs.stripe.com/upgrades#2022-11-15
/// (a charge's <c>refunds</c>), https://docs.stripe.com/api/expanding_objects (<c>data.</c> for lists).
/// </summary>
public sealed class IncludableFieldsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    /// <summary>Request (with {invoice}, {subscription}, {charge} filled in), where in the answer to look, and whether
    /// the field must be there.</summary>
    public static TheoryData<string, string, bool> Cases => new()
    {
        { "/v1/invoices/{invoice}", "confirmation_secret", false },
        { "/v1/invoices/{invoice}", "payments", false },
        { "/v1/invoices/{invoice}?expand[]=confirmation_secret", "confirmation_secret", true },
        { "/v1/invoices/{invoice}?expand[]=payments", "payments", true },
        { "/v1/invoices/{invoice}?expand[]=payments", "confirmation_secret", false },
        { "/v1/invoices?subscription={subscription}", "data.0.payments", false },
        { "/v1/invoices?subscription={subscription}&expand[]=data.payments", "data.0.payments", true },
        { "/v1/invoices?subscription={subscription}&expand[]=data.payments", "data.0.confirmation_secret", false },
        { "/v1/subscriptions/{subscription}?expand[]=latest_invoice", "latest_invoice.confirmation_secret", false },
        { "/v1/subscriptions/{subscription}?expand[]=latest_invoice.confirmation_secret", "latest_invoice.confirmation_secret", true },
        { "/v1/subscriptions/{subscription}?expand[]=latest_invoice.payments", "latest_invoice.payments", true },
        { "/v1/charges/{charge}", "refunds", false },
        { "/v1/charges/{charge}?expand[]=refunds", "refunds", true },
        { "/v1/payment_intents/{payment_intent}?expand[]=latest_charge", "latest_charge.refunds", false },
        { "/v1/payment_intents/{payment_intent}?expand[]=latest_charge.refunds", "latest_charge.refunds", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task An_includable_field_is_in_the_answer_only_when_expanded(string request, string location, bool present)
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, _, _, created, paid) = await shop.ActiveSubscriptionAsync();
        var path = request.Replace("{invoice}", created.LatestInvoiceId).Replace("{subscription}", created.Id)
            .Replace("{charge}", paid.LatestChargeId).Replace("{payment_intent}", paid.Id);

        var answer = await shop.GetJsonAsync(path);

        var segments = location.Split('.');
        var parent = segments[..^1].Aggregate((JsonNode?)answer,
            (node, segment) => int.TryParse(segment, out var index) ? node?[index] : node?[segment]) as JsonObject;
        Assert.NotNull(parent);
        Assert.Equal(present, parent.ContainsKey(segments[^1]));
    }

    [Theory]
    [InlineData("invoice.finalized")]
    [InlineData("invoice.paid")]
    [InlineData("invoice.payment_succeeded")]
    public async Task An_event_payload_never_carries_an_invoices_includable_fields(string type)
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, _, _, created, _) = await shop.ActiveSubscriptionAsync();

        var events = await shop.EventsJsonAsync(type, created.LatestInvoiceId);

        var invoice = Assert.Single(events)["data"]!["object"]!.AsObject();
        Assert.Equal("invoice", invoice["object"]!.ToString());
        Assert.False(invoice.ContainsKey("payments"));
        Assert.False(invoice.ContainsKey("confirmation_secret"));
    }

    [Fact]
    public async Task A_charge_event_payload_carries_no_refunds_list()
    {
        var shop = await BillingShop.OpenAsync(sandbox.NewPlatform());
        var (_, _, _, _, paid) = await shop.ActiveSubscriptionAsync();

        var events = await shop.EventsJsonAsync("charge.succeeded", paid.LatestChargeId);

        Assert.False(Assert.Single(events)["data"]!["object"]!.AsObject().ContainsKey("refunds"));
    }
}
