using System.Net;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Accounts;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.AccountLinks;

/// <summary>
/// The hosted onboarding behind an account link, <c>/connect/onboarding/{token}</c>. Opening the link uses it up: a
/// second visit, or a visit after <c>expires_at</c>, goes to the link's <c>refresh_url</c> as on Stripe. The page it
/// shows carries a one-time nonce, so its form can be posted back to the same address once; a stale or reused nonce
/// also goes to <c>refresh_url</c>. "Agree and submit" completes onboarding and "Save and return later" keeps what
/// was entered; both send <c>account.updated</c> and go to <c>return_url</c>.
/// </summary>
public static class OnboardingPages
{
    /// <summary>How long the page may be filled in after the link was opened.</summary>
    public const long PageLifetimeSeconds = 3600;

    public static IEndpointRouteBuilder MapOnboardingPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/connect/onboarding/{token}", Open);
        app.MapPost("/connect/onboarding/{token}", Post);
        return app;
    }

    private static IResult Open(string token, HttpContext http, SandboxStore store, TimeProvider time)
    {
        NoStore(http);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        string nonce;
        StoredObject account;
        StoredObject session;
        lock (store.Gate)
        {
            var found = store.Find(token);
            if (found is null || found.Kind != AccountLinksApi.SessionKind)
            {
                return UnknownLink();
            }

            session = found;
            var current = UsableAccount(store, session);
            if (SingleUseLinks.IsSpent(session, now) || current is null)
            {
                return TypedResults.Redirect(session.Meta["refresh_url"]!.ToString());
            }

            account = current;
            session.Meta["used"] = true;
            nonce = NewNonce(session, now);
            store.Save(session);
        }

        var form = OnboardingForm.FromAccount(account.Data);
        return Page(http, account, form, nonce, []);
    }

    private static async Task<IResult> Post(string token, HttpContext http, SandboxStore store, SandboxEvents events, TimeProvider time)
    {
        NoStore(http);
        var posted = http.Request.HasFormContentType
            ? await http.Request.ReadStripeFormAsync(http.RequestAborted)
            : FormCollection.Empty;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        StoredObject session;
        StoredObject? account;
        lock (store.Gate)
        {
            var found = store.Find(token);
            if (found is null || found.Kind != AccountLinksApi.SessionKind)
            {
                return UnknownLink();
            }

            session = found;
            var nonce = posted["nonce"].FirstOrDefault();
            var expected = session.Meta["nonce"]?.ToString();
            account = UsableAccount(store, session);
            if (string.IsNullOrEmpty(nonce) || nonce != expected || now >= session.Meta["nonce_expires_at"]!.GetValue<long>()
                || account is null)
            {
                return TypedResults.Redirect(session.Meta["refresh_url"]!.ToString());
            }

            session.Meta["nonce"] = null;
            store.Save(session);
        }

        var form = OnboardingForm.FromPost(posted);
        var action = posted["action"].FirstOrDefault();
        IReadOnlyList<string> problems = action switch
        {
            "submit" => form.Problems(account.Livemode, AccountRequirements.AsksBacsQuestions(account.Data, account.Meta)),
            "leave" => [],
            _ => ["Choose “Agree and submit” or “Save and return later”."],
        };
        if (problems.Count > 0)
        {
            string nonce;
            lock (store.Gate)
            {
                nonce = NewNonce(session, now);
                store.Save(session);
            }

            return Page(http, account, form, nonce, problems, StatusCodes.Status400BadRequest);
        }

        var ip = ClientIp(http);
        var userAgent = http.Request.Headers.UserAgent.FirstOrDefault();
        var outcome = AccountChanges.Apply(store, events, account.Id, working =>
        {
            if (action == "submit")
            {
                form.Submit(working, now, ip, userAgent);
            }
            else
            {
                form.SaveDraft(working.Data);
            }

            return null;
        }, announce: true);
        return TypedResults.Redirect(session.Meta[outcome.Error is null ? "return_url" : "refresh_url"]!.ToString());
    }

    /// <summary>The link's account, if the link's platform can still reach it.</summary>
    private static StoredObject? UsableAccount(SandboxStore store, StoredObject session)
    {
        var account = store.Find(session.Meta["account"]!.ToString());
        return account is not null && account.Kind == "account" && account.Livemode == session.Livemode
            && AccountAccess.IsConnected(account, session.Platform)
            ? account
            : null;
    }

    private static string NewNonce(StoredObject session, long now)
    {
        var nonce = Ids.Secret("nonce");
        session.Meta["nonce"] = nonce;
        session.Meta["nonce_expires_at"] = now + PageLifetimeSeconds;
        return nonce;
    }

    private static IResult Page(HttpContext http, StoredObject account, OnboardingForm form, string nonce,
        IReadOnlyList<string> problems, int status = StatusCodes.Status200OK)
    {
        var due = (account.Data["requirements"]?["currently_due"] as JsonArray ?? []).Select(n => n!.ToString()).ToList();
        var body = form.Render(http.Request.Path, nonce, account.Livemode, due, problems,
            AccountRequirements.AsksBacsQuestions(account.Data, account.Meta));
        return SandboxHtml.Result($"Stripe sandbox — onboarding for {account.Id}", account.Livemode, body, status);
    }

    private static IResult UnknownLink() =>
        SandboxHtml.Result("Stripe sandbox — link not found", null,
            "<p>This onboarding link does not exist. Go back to the platform and start onboarding again.</p>",
            StatusCodes.Status404NotFound);

    private static string ClientIp(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress ?? IPAddress.Loopback;
        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    /// <summary>Onboarding pages hold personal data and one-time links: never cached.</summary>
    private static void NoStore(HttpContext http) => http.Response.Headers.CacheControl = "no-store";
}
