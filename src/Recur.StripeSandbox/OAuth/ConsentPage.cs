using System.Text;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.OAuth;

/// <summary>
/// The hosted page behind <c>/oauth/authorize</c>: the Stripe user signs in to a sandbox Stripe account (by email; a
/// new email makes a new, fully onboarded Standard account) and connects it to the platform, or denies access.
/// Its field names are fixed, since Recur's tests post the form without a browser: hidden <c>client_id</c>,
/// <c>response_type</c>, <c>redirect_uri</c>, <c>scope</c>, <c>state</c>; text <c>email</c>,
/// <c>business_name</c>, <c>country</c>; buttons <c>decision=allow</c> and <c>decision=deny</c>.
/// </summary>
public static class ConsentPage
{
    public sealed record Prefill(string? Email, string? BusinessName, string Country);

    public static IResult Render(AuthorizeRequest request, Prefill prefill, IEnumerable<string> knownEmails,
        string? error = null)
    {
        var e = SandboxHtml.Encode;
        var access = request.Scope == "read_write"
            ? "read and write access to your Stripe account: it will be able to create customers, products, "
              + "subscriptions and payments on your behalf"
            : "read-only access to your Stripe account";
        var datalist = new StringBuilder();
        foreach (var email in knownEmails)
        {
            datalist.Append("<option value=\"").Append(e(email)).Append("\"></option>");
        }

        var body = $"""
            <p><strong>{e(request.Platform)}</strong> (<code>{e(request.ClientId)}</code>) asks for {access}.</p>
            {(error is null ? "" : $"<div class=\"errors\" role=\"alert\"><p>{e(error)}</p></div>")}
            <form method="post" action="/oauth/authorize">
              <input type="hidden" name="client_id" value="{e(request.ClientId)}">
              <input type="hidden" name="response_type" value="code">
              <input type="hidden" name="redirect_uri" value="{e(request.RedirectUri)}">
              <input type="hidden" name="scope" value="{e(request.Scope)}">
              <input type="hidden" name="state" value="{e(request.State)}">
              <label for="email">Email of your Stripe account</label>
              <input type="email" id="email" name="email" value="{e(prefill.Email)}" list="sandbox-accounts" autocomplete="off">
              <datalist id="sandbox-accounts">{datalist}</datalist>
              <p class="hint">An email of an existing sandbox account signs in to it; a new email (or none) creates a
              new Standard account, already fully onboarded.</p>
              <label for="business_name">Business name</label>
              <input type="text" id="business_name" name="business_name" value="{e(prefill.BusinessName)}">
              <label for="country">Country</label>
              <input type="text" id="country" name="country" value="{e(prefill.Country)}" maxlength="2">
              <div class="actions">
                <button type="submit" name="decision" value="allow" class="primary">Connect my Stripe account</button>
                <button type="submit" name="decision" value="deny">Deny access</button>
              </div>
            </form>
            <p class="hint">Test or live mode: one client id serves both here, so the account is connected in the mode
            of the secret key that redeems the authorization code.</p>
            """;
        return SandboxHtml.Result($"Stripe sandbox — connect your Stripe account to {request.Platform}", null, body,
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }
}
