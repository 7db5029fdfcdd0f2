namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// Who is calling: the platform and mode of the key, and the connected account named by <c>Stripe-Account</c>
/// (null when the platform acts for itself). Set by <see cref="ApiAuthentication"/> before an endpoint runs.
/// </summary>
public sealed record ApiCaller(ApiKey Key, string? StripeAccount)
{
    public string Platform => Key.Platform;

    public bool Livemode => Key.Livemode;

    /// <summary>Whether an object is visible to this caller: same platform scope, same mode, same account.</summary>
    public bool CanSee(StoredObject stored) =>
        stored.Livemode == Livemode && stored.Account == StripeAccount
        && (StripeAccount is not null || stored.Platform == Platform);
}

/// <summary>Marks an endpoint that also accepts a publishable key, as Stripe.js calls make.</summary>
public sealed class AllowsPublishableKey;
