using System.Text;
using Recur.StripeSandbox.Dashboard;

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
        var e = HostedPage.Encode;
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
            <h1>Connect your Stripe account to {e(request.Platform)}</h1>
            <p><strong>{e(request.Platform)}</strong> (<code>{e(request.ClientId)}</code>) asks for {access}.</p>
            {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{e(error)}</p>")}
            <form method="post" action="/oauth/authorize">
              <input type="hidden" name="client_id" value="{e(request.ClientId)}">
              <input type="hidden" name="response_type" value="code">
              <input type="hidden" name="redirect_uri" value="{e(request.RedirectUri)}">
              <input type="hidden" name="scope" value="{e(request.Scope)}">
              <input type="hidden" name="state" value="{e(request.State)}">
              <label>Email of your Stripe account
                <input type="email" name="email" value="{e(prefill.Email)}" list="sandbox-accounts" autocomplete="off">
              </label>
              <datalist id="sandbox-accounts">{datalist}</datalist>
              <p class="note">An email of an existing sandbox account signs in to it; a new email (or none) creates a
              new Standard account, already fully onboarded.</p>
              <label>Business name
                <input type="text" name="business_name" value="{e(prefill.BusinessName)}">
              </label>
              <label>Country
                <input type="text" name="country" value="{e(prefill.Country)}" maxlength="2" size="2">
              </label>
              <button type="submit" name="decision" value="allow">Connect my Stripe account</button>
              <button type="submit" name="decision" value="deny" class="secondary">Deny access</button>
            </form>
            <p class="note">Test or live: one client id serves both modes here, so the account is connected in the
            mode of the secret key that redeems the authorization code.</p>
            """;
        return HostedPage.Render($"Connect to {request.Platform} | Stripe sandbox",
            """<span class="badge sandbox">TEST OR LIVE MODE</span>""", body,
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }
}
