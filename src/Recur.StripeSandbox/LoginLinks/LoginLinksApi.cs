using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Accounts;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.LoginLinks;

/// <summary>
/// <c>POST /v1/accounts/{id}/login_links</c>: a single-use link into the Express Dashboard of an Express account that
/// has finished onboarding, and <c>GET /express/{token}</c>, the sandbox's small stand-in for that Dashboard. The
/// link is kept as an internal <c>login_link_session</c> named by its secret token.
/// </summary>
public static class LoginLinksApi
{
    public const string SessionKind = "login_link_session";

    /// <summary>How long a login link may wait before it is opened.</summary>
    public const long LifetimeSeconds = 300;

    public static IEndpointRouteBuilder MapLoginLinks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/accounts/{id}/login_links", Create);
        app.MapGet("/express/{token}", Open);
        return app;
    }

    private static IResult Create(StripeRequest request, string id)
    {
        if (request.Caller.StripeAccount is not null)
        {
            return AccountsApi.PlatformOnly();
        }

        var account = AccountsApi.Visible(request, id);
        if (account is null)
        {
            return AccountsApi.NoSuchAccount(request, id);
        }

        var unknown = request.Params.Unknown(null);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (account.Data["controller"]?["stripe_dashboard"]?["type"]?.ToString() != "express")
        {
            return StripeErrors.InvalidRequest(
                $"Login links can only be created for accounts that use the Express Dashboard; '{id}' does not (type: {account.Data["type"]}).",
                "account");
        }

        if (!AccountObjects.Flag(account.Data["details_submitted"]))
        {
            return StripeErrors.InvalidRequest(
                $"Cannot create a login link for an account that has not completed onboarding. Send '{id}' through an account link first.",
                "account");
        }

        var now = request.Now;
        var token = Ids.Secret("exl");
        var link = new JsonObject
        {
            ["object"] = "login_link",
            ["created"] = now,
            ["url"] = $"{request.BaseUrl}/express/{token}",
        };
        SingleUseLinks.Save(request, SessionKind, token, now, link,
            new JsonObject { ["account"] = id, ["expires_at"] = now + LifetimeSeconds, ["used"] = false });
        return request.Respond(link);
    }

    private static IResult Open(string token, HttpContext http, SandboxStore store, TimeProvider time)
    {
        http.Response.Headers.CacheControl = "no-store";
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        StoredObject? account;
        lock (store.Gate)
        {
            var session = store.Find(token);
            if (session is null || session.Kind != SessionKind)
            {
                return SandboxHtml.Result("Stripe sandbox — link not found", null,
                    "<p>This Express Dashboard link does not exist.</p>", StatusCodes.Status404NotFound);
            }

            account = store.Find(session.Meta["account"]!.ToString());
            if (SingleUseLinks.IsSpent(session, now) || account is null || !AccountAccess.IsConnected(account, session.Platform))
            {
                return SandboxHtml.Result("Stripe sandbox — link expired", session.Livemode,
                    "<p>This Express Dashboard link has expired or was already used. Go back to the platform to open the dashboard again.</p>",
                    StatusCodes.Status410Gone);
            }

            session.Meta["used"] = true;
            store.Save(session);
        }

        return SandboxHtml.Result($"Express dashboard — {account.Id}", account.Livemode, Dashboard(account.Data));
    }

    private static string Dashboard(JsonObject account)
    {
        string Text(JsonNode? node) => SandboxHtml.Encode(node?.ToString() is { Length: > 0 } text ? text : "—");
        string YesNo(JsonNode? node) => AccountObjects.Flag(node) ? "Yes" : "No";
        var currency = account["default_currency"]?.ToString() ?? "gbp";
        var bank = (account["external_accounts"]?["data"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
        var html = new StringBuilder();
        html.Append("<dl>")
            .Append("<dt>Business name</dt><dd>").Append(Text(account["business_profile"]?["name"])).Append("</dd>")
            .Append("<dt>Account</dt><dd>").Append(Text(account["id"])).Append("</dd>")
            .Append("<dt>Country</dt><dd>").Append(Text(account["country"])).Append("</dd>")
            .Append("<dt>Charges enabled</dt><dd>").Append(YesNo(account["charges_enabled"])).Append("</dd>")
            .Append("<dt>Payouts enabled</dt><dd>").Append(YesNo(account["payouts_enabled"])).Append("</dd>")
            .Append("<dt>Balance</dt><dd>").Append(SandboxHtml.Encode(0m.ToString("0.00", CultureInfo.InvariantCulture)))
            .Append(' ').Append(SandboxHtml.Encode(currency.ToUpperInvariant())).Append(" (the sandbox keeps no balance)</dd>")
            .Append("<dt>Payout account</dt><dd>")
            .Append(bank is null ? "—" : $"{Text(bank["bank_name"])} ••••{Text(bank["last4"])}")
            .Append("</dd></dl>");
        return html.ToString();
    }
}
