using global::Stripe;

namespace Recur.Web.Webhooks;

/// <summary>
/// Which API versions Recur reads: those of Stripe.net's release train (<see cref="StripeConfiguration.ApiVersion"/>,
/// e.g. <c>2026-10-28.endive</c>; versions of one train share their shapes). Stripe renders each event in the
/// receiving endpoint's <c>api_version</c>, or the account's default when the endpoint has none.
/// </summary>
public static class StripeApiVersion
{
    /// <summary>The version Recur pins the endpoints it creates to.</summary>
    public static string Current => StripeConfiguration.ApiVersion;

    public static bool IsReadable(string? version) =>
        version is not null && string.Equals(Train(version), Train(Current), StringComparison.Ordinal);

    /// <summary>The configuration problem an event in <paramref name="version"/> shows the operator.</summary>
    public static string Mismatch(string? version) =>
        $"API version {version ?? "(none)"} is not {Current}'s release train, the one Recur reads. Pin the Connect endpoint to {Current} (Recur does this for the endpoints it creates) or upgrade Recur.";

    private static string Train(string version)
    {
        var dot = version.LastIndexOf('.');
        return dot < 0 ? version : version[(dot + 1)..];
    }
}
