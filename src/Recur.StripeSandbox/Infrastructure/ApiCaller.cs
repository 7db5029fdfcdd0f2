using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// Who is calling: the platform and mode of the key, and the connected account named by <c>Stripe-Account</c>
/// (null when the platform acts for itself). Set by <see cref="ApiAuthentication"/> before an endpoint runs.
/// <paramref name="CredentialsInBody"/>: the key (and account) came as <c>key</c> / <c>_stripe_account</c> parameters,
/// as Stripe.js sends them; they are then not parameters of the call itself.
/// </summary>
public sealed record ApiCaller(ApiKey Key, string? StripeAccount, bool CredentialsInBody = false)
{
    public string Platform => Key.Platform;

    public bool Livemode => Key.Livemode;

    /// <summary>The data this caller works on: the <c>Stripe-Account</c>'s, else the platform's own.</summary>
    public StoreScope Scope => StoreScope.Of(Platform, Livemode, StripeAccount);

    /// <summary>Whether an object is visible to this caller: same platform scope, same mode, same account.</summary>
    public bool CanSee(StoredObject stored) =>
        stored.Livemode == Livemode && stored.Account == StripeAccount
        && (StripeAccount is not null || stored.Platform == Platform);

    /// <summary>A new object in this caller's scope (platform, mode and <c>Stripe-Account</c>), created at <paramref name="created"/>.</summary>
    public StoredObject NewObject(string kind, string id, long created, JsonObject data, bool customId = false) => new()
    {
        CustomId = customId,
        Id = id,
        Kind = kind,
        Platform = Platform,
        Livemode = Livemode,
        Account = StripeAccount,
        Created = created,
        Data = data,
    };
}

/// <summary>Marks an endpoint that also accepts a publishable key, as Stripe.js calls make.</summary>
public sealed class AllowsPublishableKey;
