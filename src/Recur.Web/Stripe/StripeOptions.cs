using Microsoft.Extensions.Options;

namespace Recur.Web.Stripe;

/// <summary>
/// The platform credentials and endpoints of one environment, bound from <c>Stripe:Test</c> or
/// <c>Stripe:Production</c>. Left unset, the environment uses the embedded sandbox with the keys
/// <c>sk_test_recur</c> / <c>sk_live_recur</c>; endpoints left unset point at the sandbox in that case and at
/// Stripe otherwise.
/// </summary>
public sealed class StripeOptions
{
    public const string Section = "Stripe";
    public const string RealApiBase = "https://api.stripe.com";
    public const string RealConnectBase = "https://connect.stripe.com";
    public const string RealStripeJsUrl = "https://js.stripe.com/v3/";
    public const string RealDashboardUrl = "https://dashboard.stripe.com/{account}";

    public string? SecretKey { get; set; }
    public string? PublishableKey { get; set; }

    /// <summary>The platform's Connect client id, <c>ca_…</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary>The signing secret, <c>whsec_…</c>, of a Connect webhook endpoint the operator made. Unset (the usual
    /// case, on Stripe and the sandbox alike): Recur creates its own endpoint and keeps its secret encrypted.</summary>
    public string? WebhookSecret { get; set; }

    public string? ApiBase { get; set; }
    public string? ConnectBase { get; set; }
    public string? StripeJsUrl { get; set; }

    /// <summary>A Standard account's dashboard; <c>{account}</c> is replaced by the account id.</summary>
    public string? DashboardUrl { get; set; }

    /// <summary>Whether this environment talks to the embedded sandbox. Defaults to true when no secret key is
    /// configured; set it with your own keys to get an isolated sandbox platform (tests do).</summary>
    public bool? UseEmbeddedSandbox { get; set; }

    public bool UsesEmbeddedSandbox => UseEmbeddedSandbox == true;

    /// <summary>The platform's application fee on every payment of a connected account, in percent (0–100, at most two
    /// decimals): <c>application_fee_percent</c> on subscriptions, <c>application_fee_amount</c> on one-off payments.
    /// 0 (the default) takes no fee.</summary>
    public decimal ApplicationFeePercent { get; set; }

    /// <summary>Who pays Stripe's fees on the Express accounts Recur creates (<c>controller.fees.payer</c>):
    /// <c>application</c> (the default: the platform pays them and carries negative balances) or <c>account</c>
    /// (Stripe charges the connected account and carries the losses).</summary>
    public string FeePayer { get; set; } = FeePayers.Application;

    public static string KeyPrefix(StripeEnvironment environment, bool secret) => (environment, secret) switch
    {
        (StripeEnvironment.Test, true) => "sk_test_",
        (StripeEnvironment.Test, false) => "pk_test_",
        (StripeEnvironment.Production, true) => "sk_live_",
        _ => "pk_live_",
    };
}

/// <summary>The values of <see cref="StripeOptions.FeePayer"/>.</summary>
public static class FeePayers
{
    public const string Application = "application";
    public const string Account = "account";
}

/// <summary>Fills the embedded-sandbox defaults into an environment whose keys are not configured.</summary>
public sealed class StripeOptionsDefaults : IPostConfigureOptions<StripeOptions>
{
    public const string SandboxPlatform = "recur";

    public void PostConfigure(string? name, StripeOptions options)
    {
        if (!Enum.TryParse<StripeEnvironment>(name, out var environment))
        {
            return;
        }
        options.UseEmbeddedSandbox ??= string.IsNullOrWhiteSpace(options.SecretKey);
        if (!options.UsesEmbeddedSandbox)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(options.SecretKey))
        {
            options.SecretKey = StripeOptions.KeyPrefix(environment, secret: true) + SandboxPlatform;
        }
        // In the sandbox a key's suffix names the platform, and the platform's Connect client id is ca_<suffix>.
        var platform = options.SecretKey[StripeOptions.KeyPrefix(environment, secret: true).Length..];
        if (string.IsNullOrWhiteSpace(options.PublishableKey))
        {
            options.PublishableKey = StripeOptions.KeyPrefix(environment, secret: false) + platform;
        }
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            options.ClientId = "ca_" + platform;
        }
    }
}

/// <summary>Checked at start: keys belong to the right mode, URLs are absolute, real Stripe has every credential.</summary>
public sealed class StripeOptionsValidation : IValidateOptions<StripeOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeOptions options)
    {
        if (!Enum.TryParse<StripeEnvironment>(name, out var environment))
        {
            return ValidateOptionsResult.Skip;
        }
        var section = $"{StripeOptions.Section}:{environment}";
        var failures = new List<string>();

        var secretPrefix = StripeOptions.KeyPrefix(environment, secret: true);
        var publishablePrefix = StripeOptions.KeyPrefix(environment, secret: false);
        if (string.IsNullOrWhiteSpace(options.SecretKey))
        {
            failures.Add($"{section}:SecretKey is required.");
        }
        else if (!options.SecretKey.StartsWith(secretPrefix, StringComparison.Ordinal) || options.SecretKey.Length == secretPrefix.Length)
        {
            failures.Add($"{section}:SecretKey must start with {secretPrefix}.");
        }
        if (string.IsNullOrWhiteSpace(options.PublishableKey))
        {
            failures.Add($"{section}:PublishableKey is required.");
        }
        else if (!options.PublishableKey.StartsWith(publishablePrefix, StringComparison.Ordinal))
        {
            failures.Add($"{section}:PublishableKey must start with {publishablePrefix}.");
        }
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add($"{section}:ClientId is required.");
        }
        else if (!options.ClientId.StartsWith("ca_", StringComparison.Ordinal))
        {
            failures.Add($"{section}:ClientId must start with ca_.");
        }
        if (!string.IsNullOrWhiteSpace(options.WebhookSecret) && !options.WebhookSecret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            failures.Add($"{section}:WebhookSecret must start with whsec_.");
        }
        if (options.ApplicationFeePercent is < 0 or > 100 || decimal.Round(options.ApplicationFeePercent, 2) != options.ApplicationFeePercent)
        {
            failures.Add($"{section}:ApplicationFeePercent must be a percentage from 0 to 100 with at most two decimals.");
        }
        if (options.FeePayer is not (FeePayers.Application or FeePayers.Account))
        {
            failures.Add($"{section}:FeePayer must be {FeePayers.Application} or {FeePayers.Account}.");
        }
        foreach (var (key, value) in new[] { ("ApiBase", options.ApiBase), ("ConnectBase", options.ConnectBase), ("StripeJsUrl", options.StripeJsUrl) })
        {
            if (!string.IsNullOrWhiteSpace(value) && !IsHttpUrl(value))
            {
                failures.Add($"{section}:{key} must be an absolute http(s) URL.");
            }
        }
        if (!string.IsNullOrWhiteSpace(options.DashboardUrl) && !IsHttpUrl(options.DashboardUrl.Replace("{account}", "acct", StringComparison.Ordinal)))
        {
            failures.Add($"{section}:DashboardUrl must be an absolute http(s) URL.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
