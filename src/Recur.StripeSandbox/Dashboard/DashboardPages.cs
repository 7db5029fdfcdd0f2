using System.Text;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Accounts;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.OAuth;

namespace Recur.StripeSandbox.Dashboard;

/// <summary>
/// <c>/dashboard/{acct}</c>: the sandbox's stand-in for a Standard account's Stripe Dashboard. It shows the account
/// and the platforms it is connected to, and lets the account holder disconnect an OAuth-connected platform, which
/// deauthorizes it exactly as <c>/oauth/deauthorize</c> would and sends <c>account.application.deauthorized</c>.
/// Its "Payment methods" section turns Bacs Direct Debit on for an account in GB, as a Standard account's holder does in
/// Stripe's Dashboard (Settings → Payment methods; https://docs.stripe.com/payments/bacs-debit): the
/// <c>bacs_debit_payments</c> capability is requested and is active once the account can take payments.
/// Like any dashboard link in the sandbox it needs no sign-in.
/// </summary>
public static class DashboardPages
{
    public static IEndpointRouteBuilder MapDashboardPages(this IEndpointRouteBuilder app)
    {
        var dashboard = app.MapGroup("/dashboard").ExcludeFromDescription();
        dashboard.MapGet("/{accountId}", Show);
        dashboard.MapPost("/{accountId}/disconnect", DisconnectAsync).DisableAntiforgery();
        dashboard.MapPost("/{accountId}/payment-methods/bacs-debit", TurnOnBacs).DisableAntiforgery();
        return app;
    }

    private static IResult Show(string accountId, SandboxStore store, string? disconnected = null, string? bacs = null)
    {
        if (store.Find(accountId) is not { Kind: "account" } account)
        {
            return NotFound(accountId);
        }

        var e = SandboxHtml.Encode;
        var data = account.Data;
        var connections = new StringBuilder();
        foreach (var platform in AccountAccess.Platforms(account))
        {
            var clientId = $"ca_{platform}";
            connections.Append("<tr><td><strong>").Append(e(platform)).Append("</strong><br><code>")
                .Append(e(clientId)).Append("</code></td><td>");
            if (OAuthConnections.IsOAuthConnected(account, platform))
            {
                connections.Append($"""
                    <form method="post" action="/dashboard/{e(account.Id)}/disconnect">
                      <input type="hidden" name="client_id" value="{e(clientId)}">
                      <button type="submit">Disconnect</button>
                    </form>
                    """);
            }
            else
            {
                connections.Append("<span class=\"hint\">Controls this account; it cannot be disconnected here.</span>");
            }

            connections.Append("</td></tr>");
        }

        var notice = disconnected is null ? "" : $"<p role=\"status\">Disconnected from {e(disconnected)}.</p>";
        if (bacs == "on")
        {
            notice += "<p role=\"status\">Bacs Direct Debit requested.</p>";
        }

        var bacsStatus = Capabilities.Status(account, Capabilities.Bacs);
        var bacsRow = Capabilities.UnavailableIn(Capabilities.Bacs, Text(data["country"])) is { } unavailable
            ? $"<span class=\"hint\">{e(unavailable)}</span>"
            : bacsStatus == "unrequested"
                ? $"""
                  <form method="post" action="/dashboard/{e(account.Id)}/payment-methods/bacs-debit">
                    <label for="statement_descriptor">Statement descriptor on customers' bank statements (5 to 22 characters)</label>
                    <input id="statement_descriptor" name="statement_descriptor" type="text" value="{e(Text(data["settings"]?["payments"]?["statement_descriptor"]) ?? AccountObjects.StatementDescriptor(Text(data["business_profile"]?["name"]) ?? ""))}">
                    <p class="hint">By turning it on you accept the Bacs Direct Debit terms (sandbox): your business gives customers advance notice of every debit and honours the Direct Debit Guarantee.</p>
                    <button type="submit">Turn on Bacs Direct Debit</button>
                  </form>
                  """
                : $"<span data-testid=\"bacs-status\">{e(bacsStatus)}</span>{(bacsStatus == "active" ? "" : " <span class=\"hint\">(active once the account can take payments)</span>")}";
        var platforms = connections.Length == 0
            ? "<p class=\"hint\">No platform is connected to this account.</p>"
            : $"<table>{connections}</table>";
        var body = $"""
            {notice}
            <dl>
              <dt>Account</dt><dd><code>{e(account.Id)}</code></dd>
              <dt>Business name</dt><dd>{e(Text(data["business_profile"]?["name"]) ?? "—")}</dd>
              <dt>Email</dt><dd>{e(Text(data["email"]) ?? "—")}</dd>
              <dt>Country</dt><dd>{e(Text(data["country"]) ?? "—")}</dd>
              <dt>Charges enabled</dt><dd>{YesNo(data["charges_enabled"])}</dd>
              <dt>Payouts enabled</dt><dd>{YesNo(data["payouts_enabled"])}</dd>
            </dl>
            <h2>Payment methods</h2>
            <table><tr><td><strong>Bacs Direct Debit</strong></td><td>{bacsRow}</td></tr></table>
            <h2>Connected platforms</h2>
            {platforms}
            """;
        return SandboxHtml.Result($"Stripe sandbox — dashboard of {Text(data["business_profile"]?["name"]) ?? account.Id}",
            account.Livemode, body);
    }

    private static async Task<IResult> DisconnectAsync(string accountId, HttpRequest http, SandboxStore store,
        OAuthConnections oauth, CancellationToken cancellationToken)
    {
        if (store.Find(accountId) is not { Kind: "account" } account)
        {
            return NotFound(accountId);
        }

        var form = http.HasFormContentType ? await http.ReadStripeFormAsync(cancellationToken) : null;
        var clientId = form?["client_id"].ToString();
        var platform = OAuthConnections.PlatformOf(clientId);
        if (platform is null || !oauth.Disconnect(account.Id, platform))
        {
            return SandboxHtml.Result("Stripe sandbox — cannot disconnect", account.Livemode,
                $"""
                <p class="errors">{SandboxHtml.Encode(clientId ?? "(no client_id)")} is not connected to this account through OAuth.</p>
                <p><a href="/dashboard/{SandboxHtml.Encode(account.Id)}">Back to the dashboard</a></p>
                """, StatusCodes.Status400BadRequest);
        }

        return TypedResults.Redirect($"/dashboard/{Uri.EscapeDataString(account.Id)}?disconnected={Uri.EscapeDataString(clientId!)}");
    }

    /// <summary>
    /// Turns Bacs on: the capability is requested, the statement descriptor kept, and the press of the button is the
    /// holder's acceptance of the Bacs terms (<see cref="AccountRequirements.BacsDue"/>).
    /// </summary>
    private static async Task<IResult> TurnOnBacs(string accountId, HttpContext http, SandboxStore store, SandboxEvents events,
        TimeProvider time)
    {
        if (store.Find(accountId) is not { Kind: "account" })
        {
            return NotFound(accountId);
        }

        var form = http.Request.HasFormContentType ? await http.Request.ReadStripeFormAsync(http.RequestAborted) : FormCollection.Empty;
        var descriptor = form["statement_descriptor"].FirstOrDefault()?.Trim() ?? "";
        if (descriptor != "" && StatementDescriptors.Problem(descriptor) is { } problem)
        {
            return SandboxHtml.Result("Stripe sandbox — Bacs Direct Debit not turned on", null,
                $"""
                <p class="errors">{SandboxHtml.Encode(problem)}</p>
                <p><a href="/dashboard/{SandboxHtml.Encode(accountId)}">Back to the dashboard</a></p>
                """, StatusCodes.Status400BadRequest);
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var outcome = AccountChanges.Apply(store, events, accountId, working =>
        {
            var error = AccountInput.SetRequested(working, Capabilities.Bacs, true, now);
            if (error is null)
            {
                if (descriptor != "")
                {
                    working.Data["settings"]!["payments"]!["statement_descriptor"] = descriptor;
                }

                working.Meta["bacs_terms"] = new JsonObject { ["date"] = now, ["ip"] = http.Connection.RemoteIpAddress?.ToString(), ["user_agent"] = http.Request.Headers.UserAgent.FirstOrDefault() };
            }

            return error;
        });
        if (outcome.Error is not null)
        {
            return SandboxHtml.Result("Stripe sandbox — Bacs Direct Debit unavailable", null,
                $"""
                <p class="errors">Bacs Direct Debit is only available to businesses in the United Kingdom (GB).</p>
                <p><a href="/dashboard/{SandboxHtml.Encode(accountId)}">Back to the dashboard</a></p>
                """, StatusCodes.Status400BadRequest);
        }

        return TypedResults.Redirect($"/dashboard/{Uri.EscapeDataString(accountId)}?bacs=on");
    }

    private static IResult NotFound(string accountId) =>
        SandboxHtml.Result("Stripe sandbox — no such account", null,
            $"<p>There is no sandbox account <code>{SandboxHtml.Encode(accountId)}</code>.</p>",
            StatusCodes.Status404NotFound);

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.ToString() is { Length: > 0 } text ? text : null;

    private static string YesNo(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<bool>(out var flag) && flag ? "Yes" : "No";
}
