using System.Text.Json.Nodes;
using Recur.StripeSandbox.Accounts;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// The internal session behind a single-use link into the sandbox's hosted pages (an account link's onboarding, a
/// login link's Express Dashboard): stored under the secret token in the link's URL, with the link object as data
/// and, in <see cref="StoredObject.Meta"/>, at least <c>account</c>, <c>expires_at</c> and <c>used</c>. A link opens
/// once, before it expires.
/// </summary>
public static class SingleUseLinks
{
    /// <summary>Stores the session of a link the caller just made, at <paramref name="now"/>.</summary>
    public static void Save(StripeRequest request, string kind, string token, long now, JsonObject link, JsonObject meta) =>
        request.Store.Save(new StoredObject
        {
            Id = token,
            Kind = kind,
            Platform = request.Caller.Platform,
            Livemode = request.Caller.Livemode,
            Account = null,
            Created = now,
            Data = link,
            Meta = meta,
        });

    /// <summary>Whether the link can no longer be opened at <paramref name="now"/>: it was used, or it has expired.</summary>
    public static bool IsSpent(StoredObject session, long now) =>
        AccountObjects.Flag(session.Meta["used"]) || now >= session.Meta["expires_at"]!.GetValue<long>();
}
