namespace Recur.Web.Integrations;

/// <summary>What happened on the way back from Stripe, as a code carried in the card's URL and explained in plain
/// words on the card. Codes only: nothing from the request is echoed onto the page.</summary>
public sealed record ConnectOutcome(string Code, bool IsError, string Message)
{
    public static readonly ConnectOutcome Connected = new("connected", false, "Your Stripe account is connected.");
    public static readonly ConnectOutcome OnboardingReturned = new("onboarding_returned", false, "Welcome back from Stripe. The status below is what Stripe reports now.");
    public static readonly ConnectOutcome Refreshed = new("refreshed", false, "Status refreshed from Stripe.");
    public static readonly ConnectOutcome Disconnected = new("disconnected", false, "The Stripe account was disconnected from Recur.");
    public static readonly ConnectOutcome SettingsSaved = new("settings_saved", false, "Settings saved.");

    public static readonly ConnectOutcome AccessDenied = new("access_denied", true,
        "You declined the connection on Stripe's page, so nothing was connected. Click Connect with Stripe to try again and choose to connect.");
    public static readonly ConnectOutcome InvalidGrant = new("invalid_grant", true,
        "Stripe did not accept the authorization: it had expired or had already been used. Nothing was connected; click Connect with Stripe to start again.");
    public static readonly ConnectOutcome StateUnknown = new("state_unknown", true,
        "This connection attempt was not started from your Recur account (or its link was altered), so Recur refused it. Nothing was connected; click Connect with Stripe to start again.");
    public static readonly ConnectOutcome StateUsed = new("state_used", true,
        "This connection link was already used. For your safety each link works once; click Connect with Stripe to start again.");
    public static readonly ConnectOutcome StateExpired = new("state_expired", true,
        "This connection attempt took longer than 10 minutes and expired. Click Connect with Stripe to start again.");
    public static readonly ConnectOutcome StateOtherUser = new("state_other_user", true,
        "This connection attempt was started by another admin, so Recur refused it. Click Connect with Stripe to start your own.");
    public static readonly ConnectOutcome LivemodeMismatch = new("livemode_mismatch", true,
        "Stripe connected the account in the wrong mode for this environment (test versus live), so Recur did not keep it. Check the environment and try again.");
    public static readonly ConnectOutcome StripeError = new("stripe_error", true,
        "Stripe reported an error and nothing was changed. Please try again in a moment.");
    public static readonly ConnectOutcome StripeUnavailable = new("stripe_unavailable", true,
        "Recur could not reach Stripe. Please try again in a moment.");
    public static readonly ConnectOutcome AlreadyConnected = new("already_connected", true,
        "An account is already connected in this environment. Disconnect it first to connect another one.");
    public static readonly ConnectOutcome AccountOfAnotherTenant = new("account_of_another_tenant", true,
        "This Stripe account is already connected to another Recur account, so it was not connected here and nothing was imported. The other Recur account keeps its connection. Sign in with a different Stripe account, or ask the owner of the other Recur account to disconnect it first.");
    public static readonly ConnectOutcome OAuthStandardOnly = new("oauth_standard_only", true,
        "Connecting an existing Stripe account is only possible for Standard accounts. Choose Standard, or create a new Express account.");
    public static readonly ConnectOutcome NotConnected = new("not_connected", true,
        "No Stripe account is connected in this environment.");
    public static readonly ConnectOutcome MissingCode = new("missing_code", true,
        "Stripe's answer had no authorization code, so nothing was connected. Click Connect with Stripe to start again.");

    private static readonly IReadOnlyDictionary<string, ConnectOutcome> ByCode = new[]
    {
        Connected, OnboardingReturned, Refreshed, Disconnected, SettingsSaved, AccessDenied, InvalidGrant, StateUnknown,
        StateUsed, StateExpired, StateOtherUser, LivemodeMismatch, StripeError, StripeUnavailable, AlreadyConnected,
        AccountOfAnotherTenant, OAuthStandardOnly, NotConnected, MissingCode,
    }.ToDictionary(o => o.Code);

    public static ConnectOutcome? Find(string? code) => code is not null && ByCode.TryGetValue(code, out var outcome) ? outcome : null;
}
