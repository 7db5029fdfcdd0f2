using System.Text.Json.Nodes;
using Recur.StripeSandbox.Accounts;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.AccountLinks;

/// <summary>
/// <c>POST /v1/account_links</c>: a single-use URL, valid for five minutes, to the sandbox's hosted onboarding
/// (<see cref="OnboardingPages"/>). The link is kept as an internal <c>account_link_session</c> whose id is the
/// secret token in the URL; its <see cref="StoredObject.Meta"/> holds the account, both URLs, the expiry and whether
/// it was used.
/// </summary>
public static class AccountLinksApi
{
    public const string SessionKind = "account_link_session";

    /// <summary>How long a link is valid: <c>expires_at - created</c> in Stripe's API reference.</summary>
    public const long LifetimeSeconds = 300;

    public static IEndpointRouteBuilder MapAccountLinks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/account_links", Create);
        return app;
    }

    private static IResult Create(StripeRequest request)
    {
        if (request.Caller.StripeAccount is not null)
        {
            return AccountsApi.PlatformOnly();
        }

        var p = request.Params;
        var unknown = p.Unknown(null, "account", "collect", "collection_options", "refresh_url", "return_url", "type")
            ?? p.Unknown("collection_options", "fields", "future_requirements");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var accountId = p.String("account");
        if (string.IsNullOrEmpty(accountId))
        {
            return StripeErrors.MissingParameter("account");
        }

        var type = p.String("type");
        if (string.IsNullOrEmpty(type))
        {
            return StripeErrors.MissingParameter("type");
        }

        if (type is not ("account_onboarding" or "account_update"))
        {
            return AccountInput.EnumError("type", "account_onboarding", "account_update");
        }

        var account = AccountsApi.Visible(request, accountId);
        if (account is null)
        {
            return StripeErrors.InvalidRequest(
                $"The provided key does not have access to account '{accountId}' (or that account does not exist). Application access may have been revoked.",
                "account", "account_invalid");
        }

        var controller = account.Data["controller"];
        if (controller?["type"]?.ToString() != "application")
        {
            return StripeErrors.InvalidRequest(
                $"Account Links can only be created for accounts that your platform controls; '{accountId}' manages itself through its Stripe Dashboard.",
                "account");
        }

        if (type == "account_update" && controller["stripe_dashboard"]?["type"]?.ToString() != "none")
        {
            return StripeErrors.InvalidRequest(
                "You cannot create `account_update` type Account Links for accounts with access to a Stripe-hosted Dashboard (`controller[stripe_dashboard][type]` full or express). Send the holder to their Dashboard instead, or use `account_onboarding`.",
                "type");
        }

        var error = CheckUrl("refresh_url", p.String("refresh_url"), request.Caller.Livemode)
            ?? CheckUrl("return_url", p.String("return_url"), request.Caller.Livemode);
        if (error is not null)
        {
            return error;
        }

        var collect = p.String("collect");
        var fields = p.String("collection_options.fields");
        var future = p.String("collection_options.future_requirements");
        if (collect is not null && p.Node("collection_options") is not null)
        {
            return StripeErrors.InvalidRequest(
                "You cannot specify both `collect` and `collection_options`; `collect` is deprecated.", "collect");
        }

        if ((collect ?? fields) is { } requested && requested is not ("currently_due" or "eventually_due"))
        {
            return AccountInput.EnumError(collect is null ? "collection_options[fields]" : "collect", "currently_due", "eventually_due");
        }

        if (future is not null and not ("include" or "omit"))
        {
            return AccountInput.EnumError("collection_options[future_requirements]", "include", "omit");
        }

        var now = request.Now;
        var token = Ids.Secret("onb");
        var link = new JsonObject
        {
            ["object"] = "account_link",
            ["created"] = now,
            ["expires_at"] = now + LifetimeSeconds,
            ["url"] = $"{request.BaseUrl}/connect/onboarding/{token}",
        };
        SingleUseLinks.Save(request, SessionKind, token, now, link, new JsonObject
        {
            ["account"] = accountId,
            ["type"] = type,
            ["refresh_url"] = p.String("refresh_url"),
            ["return_url"] = p.String("return_url"),
            ["expires_at"] = now + LifetimeSeconds,
            ["used"] = false,
            ["fields"] = collect ?? fields ?? "currently_due",
            ["future_requirements"] = future ?? "omit",
        });
        return request.Respond(link);
    }

    /// <summary>
    /// An absolute http(s) URL. Stripe takes http only in test mode; live mode needs https. The sandbox also lets
    /// live mode use http on the loopback host (localhost, 127.0.0.1, [::1]) so that Recur's Production environment
    /// can be run offline against the sandbox, where there is no TLS.
    /// </summary>
    private static IResult? CheckUrl(string param, string? value, bool livemode)
    {
        if (string.IsNullOrEmpty(value))
        {
            return StripeErrors.MissingParameter(param);
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return StripeErrors.InvalidRequest("Not a valid URL", param, "url_invalid");
        }

        if (livemode && uri.Scheme == "http" && !uri.IsLoopback)
        {
            return StripeErrors.InvalidRequest("Livemode requests must always be redirected via HTTPS.", param, "url_invalid");
        }

        return null;
    }
}
