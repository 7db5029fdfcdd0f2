namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// Secret-key authentication and <c>Stripe-Account</c> scoping for every <c>/v1</c> request, with Stripe's errors:
/// 401 without a valid key, 401 for a publishable key where a secret one is needed, 403 for an account the
/// platform cannot reach.
/// </summary>
public static class ApiAuthentication
{
    public static IApplicationBuilder UseStripeApiAuthentication(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/v1"), branch => branch.Use(async (context, next) =>
        {
            var failure = Authenticate(context, await CredentialsInBodyAsync(context));
            if (failure is not null)
            {
                await failure.ExecuteAsync(context);
                return;
            }

            await next(context);
        }));

    public static ApiCaller Caller(this HttpContext context) =>
        context.Features.Get<ApiCaller>() ?? throw new InvalidOperationException("The request was not authenticated.");

    /// <summary>
    /// Stripe.js sends the publishable key as <c>key</c> and the connected account as <c>_stripe_account</c> among the
    /// form fields (or the query of a GET), next to <c>client_secret</c>, not in headers (https://docs.stripe.com/js:
    /// <c>Stripe(publishableKey, {stripeAccount})</c> calls the API from the browser). Accepted only where a publishable
    /// key is, only when no Authorization header is sent, and only for a publishable key.
    /// </summary>
    private static async Task<BodyCredentials?> CredentialsInBodyAsync(HttpContext context)
    {
        if (context.Request.Headers.ContainsKey("Authorization")
            || context.GetEndpoint()?.Metadata.GetMetadata<AllowsPublishableKey>() is null)
        {
            return null;
        }

        string? key = context.Request.Query["key"].FirstOrDefault();
        string? account = context.Request.Query["_stripe_account"].FirstOrDefault();
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadStripeFormAsync(context.RequestAborted);
            key ??= form["key"].FirstOrDefault();
            account ??= form["_stripe_account"].FirstOrDefault();
        }

        return ApiKey.Parse(key) is { IsSecret: false } ? new BodyCredentials(key!, account) : null;
    }

    private sealed record BodyCredentials(string Key, string? StripeAccount);

    private static IResult? Authenticate(HttpContext context, BodyCredentials? inBody)
    {
        var raw = inBody?.Key ?? ApiKey.FromHeader(context.Request.Headers.Authorization);
        if (raw is null)
        {
            return StripeErrors.Unauthorized(
                "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').");
        }

        var key = ApiKey.Parse(raw);
        if (key is null)
        {
            return StripeErrors.Unauthorized($"Invalid API Key provided: {ApiKey.Redact(raw)}");
        }

        var endpoint = context.GetEndpoint();
        if (!key.IsSecret && endpoint?.Metadata.GetMetadata<AllowsPublishableKey>() is null)
        {
            return StripeErrors.Unauthorized(
                "This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.");
        }

        string? stripeAccount = context.Request.Headers["Stripe-Account"].FirstOrDefault() ?? inBody?.StripeAccount;
        if (string.IsNullOrWhiteSpace(stripeAccount))
        {
            stripeAccount = null;
        }
        else
        {
            var store = context.RequestServices.GetRequiredService<SandboxStore>();
            var account = store.Find(stripeAccount);
            // A platform may use its test key on an account connected in live mode (same acct_ id, test data), but
            // not its live key on a test-mode account (https://support.stripe.com/questions/connect-account-webhook-configurations;
            // https://docs.stripe.com/connect/testing).
            var modeAllowed = account?.Livemode == key.Livemode || (account?.Livemode == true && !key.Livemode);
            if (account is null || account.Kind != "account" || !modeAllowed
                || !AccountAccess.IsConnected(account, key.Platform))
            {
                return StripeErrors.AccountInvalid(key, stripeAccount);
            }
        }

        context.Features.Set(new ApiCaller(key, stripeAccount, CredentialsInBody: inBody is not null));
        return null;
    }
}
