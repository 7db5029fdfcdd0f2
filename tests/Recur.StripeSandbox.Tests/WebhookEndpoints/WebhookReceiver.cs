using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Tests.WebhookEndpoints;

/// <summary>
/// A stand-in for Recur's webhook route: a minimal Kestrel app on a free loopback port that records every request
/// and answers with the statuses it was given, in order (then 200). A 3xx status answers with a redirect to itself.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _statuses;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();

    private WebhookReceiver(WebApplication app, IEnumerable<int> statuses)
    {
        _app = app;
        _statuses = new ConcurrentQueue<int>(statuses);
    }

    public string Url => _app.Urls.First() + "/webhooks";

    public IReadOnlyList<ReceivedWebhook> Received => _received.ToList();

    public static async Task<WebhookReceiver> StartAsync(params int[] statuses)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, statuses);
        app.MapPost("/webhooks", receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Waits (up to 10 s) until <paramref name="count"/> requests match, and returns them.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(Func<ReceivedWebhook, bool> match, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var matching = Received.Where(match).ToList();
            if (matching.Count >= count)
            {
                return matching;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Expected {count} matching webhook(s), got {matching.Count}; received: "
                    + string.Join(", ", Received.Select(r => r.Type)));
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(string type, string? account = null, int count = 1) =>
        WaitForAsync(r => r.Type == type && (account is null || r.Account == account), count);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        _received.Enqueue(new ReceivedWebhook(body, request.Headers["Stripe-Signature"].ToString(),
            request.ContentType, request.Headers.UserAgent.ToString()));
        var status = _statuses.TryDequeue(out var next) ? next : StatusCodes.Status200OK;
        return status is >= 300 and < 400 ? Results.Redirect(Url) : Results.StatusCode(status);
    }
}

public sealed record ReceivedWebhook(string Body, string Signature, string? ContentType, string UserAgent)
{
    public JsonNode Json => JsonNode.Parse(Body)!;

    public string Id => Json["id"]!.ToString();

    public string Type => Json["type"]!.ToString();

    public string? Account => Json["account"]?.ToString();

    /// <summary>The <c>t</c> of the <c>Stripe-Signature</c> header.</summary>
    public long Timestamp => long.Parse(Signature.Split(',').Single(p => p.StartsWith("t=", StringComparison.Ordinal))[2..],
        System.Globalization.CultureInfo.InvariantCulture);
}
