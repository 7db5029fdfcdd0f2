namespace Recur.Web.Stripe;

/// <summary>Recur's two Stripe environments; each has its own platform credentials. Test is Stripe's test mode
/// (<c>livemode=false</c>), Production is live mode.</summary>
public enum StripeEnvironment
{
    Test,
    Production,
}

/// <summary>How a connected account is run: Standard (full Stripe Dashboard) or Express (Express Dashboard).</summary>
public enum StripeAccountType
{
    Standard,
    Express,
}

public static class StripeEnvironmentNames
{
    public static IReadOnlyList<StripeEnvironment> All { get; } = [StripeEnvironment.Test, StripeEnvironment.Production];

    /// <summary>The lower-case name used in URLs: <c>test</c> or <c>production</c>.</summary>
    public static string ToSlug(this StripeEnvironment environment) => environment switch
    {
        StripeEnvironment.Test => "test",
        StripeEnvironment.Production => "production",
        _ => throw new ArgumentOutOfRangeException(nameof(environment)),
    };

    public static bool IsLivemode(this StripeEnvironment environment) => environment == StripeEnvironment.Production;

    public static bool TryParse(string? value, out StripeEnvironment environment)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "test":
                environment = StripeEnvironment.Test;
                return true;
            case "production":
                environment = StripeEnvironment.Production;
                return true;
            default:
                environment = StripeEnvironment.Test;
                return false;
        }
    }
}
