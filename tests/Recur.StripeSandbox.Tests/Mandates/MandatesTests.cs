using System.Net;
using Recur.StripeSandbox.Tests.Infrastructure;
using Recur.StripeSandbox.Tests.PaymentIntents;
using Stripe;

namespace Recur.StripeSandbox.Tests.Mandates;

/// <summary>Mandates as read through the API and at their hosted <c>url</c> (their lifecycle is in <c>BacsTests</c>).</summary>
public sealed class MandatesTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_mandate_is_read_on_its_account_and_its_url_shows_the_instruction()
    {
        var shop = await ConnectedShop.OpenAsync(sandbox.NewPlatform());
        var customer = await shop.CustomerAsync();
        var setup = await shop.SetUpBacsAsync(customer.Id);
        var bankId = setup.PaymentMethodId;

        var mandate = await shop.Server.V1.Mandates.GetAsync(setup.MandateId, requestOptions: shop.On(), cancellationToken: Ct);
        var onPlatform = await Assert.ThrowsAsync<StripeException>(() =>
            shop.Server.V1.Mandates.GetAsync(setup.MandateId, cancellationToken: Ct));
        using var http = new HttpClient();
        var page = await http.GetStringAsync(mandate.PaymentMethodDetails.BacsDebit.Url, Ct);

        Assert.Equal("multi_use", mandate.Type);
        Assert.Equal(bankId, mandate.PaymentMethodId);
        Assert.Equal("bacs_debit", mandate.PaymentMethodDetails.Type);
        Assert.False(string.IsNullOrEmpty(mandate.PaymentMethodDetails.BacsDebit.Reference));
        Assert.Equal(HttpStatusCode.NotFound, onPlatform.HttpStatusCode);
        Assert.Contains("10-88-00", page, StringComparison.Ordinal);
        Assert.Contains("2345", page, StringComparison.Ordinal);
        Assert.Contains(mandate.PaymentMethodDetails.BacsDebit.Reference, page, StringComparison.Ordinal);
        Assert.DoesNotContain("00012345", page, StringComparison.Ordinal);
    }
}
