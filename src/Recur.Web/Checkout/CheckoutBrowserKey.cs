using System.Security.Cryptography;
using System.Text;

namespace Recur.Web.Checkout;

/// <summary>
/// Binds open orders to the customer's browser: an HttpOnly cookie holds a random key, and each order keeps only the
/// key's SHA-256. An order id alone (from a shared link, a log, a screenshot) then shows no personal details and no
/// client secret: only the browser that placed the order can reopen or reuse it.
/// </summary>
public static class CheckoutBrowserKey
{
    public const string CookieName = "recur_checkout";

    /// <summary>The browser's key: the cookie's, or a new one set on the response.</summary>
    public static string GetOrIssue(HttpContext context)
    {
        if (Read(context) is { } existing)
        {
            return existing;
        }
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        context.Response.Cookies.Append(CookieName, key, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            Path = "/",
            MaxAge = TimeSpan.FromDays(1),
        });
        // Later reads in this request see it too.
        context.Items[CookieName] = key;
        return key;
    }

    public static string? Read(HttpContext context) =>
        context.Items.TryGetValue(CookieName, out var issued) && issued is string key ? key
        : context.Request.Cookies[CookieName] is { Length: >= 32 and <= 64 } cookie ? cookie
        : null;

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
