using System.Collections.Frozen;
using System.Text;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Accounts;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.StripeJs;

/// <summary>
/// The sandbox's Stripe.js. <c>GET /v3/stripe.js</c> (and <c>/v3/</c>, as <c>js.stripe.com/v3/</c>) is the script a
/// checkout page loads; it defines <c>Stripe(pk, { stripeAccount })</c> with the part of the real API Recur uses.
/// Everything that touches card or bank details runs in frames served from the sandbox's own origin, so the merchant
/// page never sees them: <c>/v3/elements/payment</c> is the Payment Element's form (it creates the PaymentMethod and
/// confirms the intent), and <c>/v3/controller</c> is a hidden frame for calls made without an element (retrieving an
/// intent, polling one during 3-D Secure). The frames call <c>/v1</c> with the publishable key, same-origin, and talk
/// to the merchant page by <c>postMessage</c>.
/// </summary>
public static class StripeJsEndpoints
{
    public static IEndpointRouteBuilder MapStripeJs(this IEndpointRouteBuilder app)
    {
        var v3 = app.MapGroup("/v3").ExcludeFromDescription();
        v3.MapGet("/", () => Asset("stripe.js"));
        v3.MapGet("/stripe.js", () => Asset("stripe.js"));
        v3.MapGet("/frame.js", () => Asset("frame.js"));
        v3.MapGet("/elements/payment.js", () => Asset("payment-element.js"));
        v3.MapGet("/elements/payment.css", () => Asset("payment-element.css"));
        v3.MapGet("/controller", ControllerFrame);
        v3.MapGet("/elements/payment", PaymentElementFrame);
        return app;
    }

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, byte[]> Assets = LoadAssets();

    private static FrozenDictionary<string, byte[]> LoadAssets()
    {
        var assembly = typeof(StripeJsEndpoints).Assembly;
        var assets = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("StripeJs/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            assets[name["StripeJs/".Length..]] = copy.ToArray();
        }

        return assets.ToFrozenDictionary();
    }

    private static IResult Asset(string name) => new AssetResult(Assets[name], ContentTypes[Path.GetExtension(name)]);

    /// <summary>A script or stylesheet: loadable from any page (as js.stripe.com is), revalidated on every use.</summary>
    private sealed class AssetResult(byte[] content, string contentType) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = "no-cache";
            httpContext.Response.Headers.AccessControlAllowOrigin = "*";
            httpContext.Response.ContentType = contentType;
            httpContext.Response.ContentLength = content.Length;
            return httpContext.Response.Body.WriteAsync(content, httpContext.RequestAborted).AsTask();
        }
    }

    private static IResult ControllerFrame(HttpContext http) => Frame(http, "Stripe sandbox controller", "", """
        <script src="/v3/frame.js"></script>
        """);

    /// <summary>
    /// The Payment Element's form. The query names the publishable key and connected account only so that the page
    /// can name the merchant in the BACS mandate; the client secret and the options arrive in the fragment, which
    /// never reaches a server.
    /// </summary>
    private static IResult PaymentElementFrame(HttpContext http, SandboxStore store, string? key = null, string? account = null)
    {
        var e = SandboxHtml.Encode;
        var merchant = MerchantName(store, key, account);
        return Frame(http, "Payment details", "<link rel=\"stylesheet\" href=\"/v3/elements/payment.css\">", $"""
            <div id="root" data-merchant="{e(merchant)}"><p class="loading">Loading…</p></div>
            <script src="/v3/frame.js"></script>
            <script src="/v3/elements/payment.js"></script>
            """);
    }

    private static IResult Frame(HttpContext http, string title, string head, string body)
    {
        http.Response.Headers.CacheControl = "no-store";
        // The frames may be embedded by any merchant page; they run only the sandbox's own scripts and call only
        // the sandbox's own API.
        http.Response.Headers.ContentSecurityPolicy =
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors *";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        var html = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(SandboxHtml.Encode(title)).Append("</title>\n").Append(head).Append("\n</head>\n<body>\n")
            .Append(body).Append("\n</body>\n</html>\n");
        return TypedResults.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8);
    }

    /// <summary>
    /// Who collects the payment, as the BACS mandate names them: the connected account's BACS display name, dashboard
    /// display name or business name; the platform's own name without <c>Stripe-Account</c>. A key that cannot reach
    /// the account learns nothing about it.
    /// </summary>
    internal static string MerchantName(SandboxStore store, string? key, string? account)
    {
        const string fallback = "the merchant";
        var apiKey = ApiKey.Parse(key);
        if (apiKey is null)
        {
            return fallback;
        }

        JsonObject data;
        if (string.IsNullOrEmpty(account))
        {
            data = AccountObjects.PlatformAccount(apiKey.Platform, 0);
        }
        else if (store.Find(account) is { Kind: "account" } stored && stored.Livemode == apiKey.Livemode
            && AccountAccess.IsConnected(stored, apiKey.Platform))
        {
            data = stored.Data;
        }
        else
        {
            return fallback;
        }

        return Text(data["settings"]?["bacs_debit_payments"]?["display_name"])
            ?? Text(data["settings"]?["dashboard"]?["display_name"])
            ?? Text(data["business_profile"]?["name"])
            ?? fallback;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.ToString() is { Length: > 0 } text ? text : null;
}
