using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Recur.Tests.Infrastructure;

namespace Recur.Tests.Integrations;

public sealed class ConnectionApiTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Refreshing_a_connection_through_the_api_needs_the_pages_antiforgery_token()
    {
        var (browser, _) = await factory.SignUpTenantAsync();
        var (card, _) = await browser.ConnectExistingAccountAsync();
        var url = $"/api/integrations/stripe/connections/{card.ConnectionId()}/refresh";

        using var forged = await browser.Http.PostAsync(url, null, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var problem = await forged.Content.ReadFromJsonAsync<ProblemDetails>(Cancel);
        Assert.Equal("Reload the page.", problem!.Title);

        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Add("RequestVerificationToken", RecurBrowser.AntiforgeryToken(card));
        using var genuine = await browser.Http.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        Assert.Contains(card.TestId("account-id")!, await genuine.Content.ReadAsStringAsync(Cancel));
    }
}
