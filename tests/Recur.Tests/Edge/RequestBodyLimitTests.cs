using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Recur.Tests.Infrastructure;

namespace Recur.Tests.Edge;

public sealed class RequestBodyLimitTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A body a little over the 1 MB limit: Kestrel answers 413 and closes the connection once it has read
    /// the limit, so the part it never reads must fit in the socket's buffers or the client fails writing it before it
    /// can read the answer (a broken pipe, not what a caller sees from a real proxy).</summary>
    private const int JustOverTheLimit = 1024 * 1024 + 16 * 1024;

    [Fact]
    public async Task A_30_megabyte_webhook_body_is_refused_with_413_problem_details()
    {
        using var http = new HttpClient { BaseAddress = factory.ServerAddress };
        var body = new string('x', 30 * 1024 * 1024);
        // As curl does for a large body: the headers first, the body only once the server says to go on.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe/test")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;

        using var response = await http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(Cancel);
        Assert.Equal("The request is too large.", problem!.Title);
    }

    [Fact]
    public async Task An_oversized_body_sent_without_a_declared_length_is_refused_with_413_not_500()
    {
        using var http = new HttpClient { BaseAddress = factory.ServerAddress };
        var content = new StreamContent(new MemoryStream(new byte[JustOverTheLimit]));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe/test") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_oversized_form_post_to_a_page_is_refused_with_413()
    {
        using var browser = factory.NewBrowser();
        var page = await browser.GetAsync("/signin");
        var form = page.FormWithField("Form.Password");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(page.Url, string.IsNullOrEmpty(form.Action) ? page.Url.PathAndQuery : form.Action))
        {
            Content = new FormUrlEncodedContent(form.With(new Dictionary<string, string>
            {
                ["Form.Email"] = "big@example.com",
                ["Form.Password"] = new string('p', 2 * 1024 * 1024),
            }, null)),
        };
        // The declared length is over the limit, so Kestrel answers before reading any of the body: as a browser
        // behind a proxy would, the client waits for the go-ahead instead of writing into a closed connection.
        await request.Content.LoadIntoBufferAsync(Cancel);
        request.Headers.ExpectContinue = true;

        using var response = await browser.Http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task An_oversized_checkout_order_is_refused_with_413()
    {
        using var http = new HttpClient { BaseAddress = factory.ServerAddress };

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/checkout/anything/orders")
        {
            Content = JsonContent.Create(new { name = new string('n', 2 * 1024 * 1024) }),
        };
        await request.Content.LoadIntoBufferAsync(Cancel);
        request.Headers.ExpectContinue = true;

        using var response = await http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(Cancel);
        Assert.Equal(413, problem!.Status);
    }
}
