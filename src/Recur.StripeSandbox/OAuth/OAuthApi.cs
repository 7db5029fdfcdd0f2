using System.Net;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Accounts;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.OAuth;

/// <summary>The request a consent page was opened with, once its parameters have been checked.</summary>
public sealed record AuthorizeRequest(string ClientId, string Platform, string Scope, string RedirectUri, string? State);

/// <summary>
/// The Connect base for Standard accounts: <c>/oauth/authorize</c> (a hosted consent page), <c>/oauth/token</c> and
/// <c>/oauth/deauthorize</c>, with Stripe's flat <c>{error, error_description}</c> errors.
/// <para>
/// Modes. Stripe gives a platform one client id per mode; a sandbox platform has a single <c>ca_X</c> for both
/// (<see cref="ApiKey.ClientId"/>). So the consent page and its authorization code carry no mode: the code records
/// who signs in (email, business name, country), and the mode is fixed when the code is redeemed, by the secret key
/// that redeems it. The account signed in to is the standalone sandbox account with that email in that mode, or a
/// new one, and the token's <c>livemode</c> is the key's. A code can therefore never be "in the wrong mode".
/// </para>
/// <para>
/// The sandbox accepts any absolute http(s) <c>redirect_uri</c> (a sandbox platform has no registered list), and
/// requires one. The deprecated <c>access_token</c> and <c>stripe_publishable_key</c> of a token are returned for
/// shape only and are not accepted as API keys: use the platform key with <c>Stripe-Account</c>, as Stripe advises.
/// </para>
/// </summary>
public static class OAuthApi
{
    public const string CodeKind = "oauth_code";
    public const string RefreshTokenKind = "oauth_refresh_token";
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);

    public static IEndpointRouteBuilder MapOAuth(this IEndpointRouteBuilder app)
    {
        var oauth = app.MapGroup("/oauth").ExcludeFromDescription();
        oauth.MapGet("/authorize", ShowConsentPage);
        oauth.MapPost("/authorize", DecideAsync).DisableAntiforgery();
        oauth.MapPost("/token", TokenAsync).DisableAntiforgery();
        oauth.MapPost("/deauthorize", DeauthorizeAsync).DisableAntiforgery();
        return app;
    }

    private static IResult ShowConsentPage(HttpRequest http, SandboxStore store)
    {
        var parameters = http.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var (request, error) = Validate(parameters);
        if (request is null)
        {
            return error!;
        }

        var prefill = new ConsentPage.Prefill(
            parameters.GetValueOrDefault("stripe_user[email]"),
            parameters.GetValueOrDefault("stripe_user[business_name]"),
            NormalizeCountry(parameters.GetValueOrDefault("stripe_user[country]")) ?? "GB");
        return ConsentPage.Render(request, prefill, KnownEmails(store));
    }

    private static async Task<IResult> DecideAsync(HttpRequest http, SandboxStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var parameters = await ReadParametersAsync(http, cancellationToken);
        var (request, error) = Validate(parameters);
        if (request is null)
        {
            return error!;
        }

        if (parameters.GetValueOrDefault("decision") != "allow")
        {
            return TypedResults.Redirect(WithQuery(request.RedirectUri,
                ("error", "access_denied"), ("error_description", "The user denied your request"), ("state", request.State)));
        }

        var email = parameters.GetValueOrDefault("email")?.Trim();
        var businessName = parameters.GetValueOrDefault("business_name")?.Trim();
        var country = NormalizeCountry(parameters.GetValueOrDefault("country"));
        if (country is null)
        {
            return ConsentPage.Render(request, new ConsentPage.Prefill(email, businessName, "GB"), KnownEmails(store),
                "Country must be a two-letter ISO code, such as GB or US.");
        }

        if (!string.IsNullOrEmpty(email) && (!email.Contains('@', StringComparison.Ordinal) || email.Length > 254))
        {
            return ConsentPage.Render(request, new ConsentPage.Prefill(email, businessName, country), KnownEmails(store),
                "Enter a valid email address, or leave it empty to create a new account.");
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var code = store.Save(new StoredObject
        {
            Id = Ids.New("ac", 32),
            Kind = CodeKind,
            Platform = request.Platform,
            Livemode = false,
            Created = now,
            Data = [],
            Meta = new JsonObject
            {
                ["scope"] = request.Scope,
                ["email"] = string.IsNullOrEmpty(email) ? null : email,
                ["business_name"] = string.IsNullOrEmpty(businessName) ? null : businessName,
                ["country"] = country,
                ["expires_at"] = now + (long)CodeLifetime.TotalSeconds,
                ["used"] = false,
            },
        });
        return TypedResults.Redirect(WithQuery(request.RedirectUri,
            ("code", code.Id), ("scope", request.Scope), ("state", request.State)));
    }

    private static async Task<IResult> TokenAsync(HttpRequest http, SandboxStore store, TimeProvider time,
        OAuthConnections connections, CancellationToken cancellationToken)
    {
        var parameters = await ReadParametersAsync(http, cancellationToken);
        var (key, failure) = Authenticate(http, parameters);
        if (key is null)
        {
            return failure!;
        }

        return parameters.GetValueOrDefault("grant_type") switch
        {
            null or "" => OAuthErrors.InvalidRequest("No grant type specified"),
            "authorization_code" => RedeemCode(parameters, key, store, time, connections),
            "refresh_token" => Refresh(parameters, key, store),
            var other => OAuthErrors.Create("unsupported_grant_type", $"Unsupported grant type: {other}"),
        };
    }

    private static IResult RedeemCode(Dictionary<string, string> parameters, ApiKey key, SandboxStore store,
        TimeProvider time, OAuthConnections connections)
    {
        var codeId = parameters.GetValueOrDefault("code");
        if (string.IsNullOrEmpty(codeId))
        {
            return OAuthErrors.InvalidRequest("No authorization code provided");
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        lock (store.Gate)
        {
            var code = store.Find(codeId);
            if (code is null || code.Kind != CodeKind || code.Platform != key.Platform)
            {
                return OAuthErrors.InvalidGrant($"Authorization code does not exist: {codeId}");
            }

            if (code.Meta["used"]?.GetValue<bool>() == true)
            {
                // Stripe: using a code twice revokes the connection it made.
                if (code.Meta["account"]?.ToString() is { } accountId)
                {
                    connections.Disconnect(accountId, key.Platform);
                }

                return OAuthErrors.InvalidGrant(
                    $"This authorization code has already been used. All tokens issued with this code have been revoked: {codeId}");
            }

            if (now >= JsonNumber.Read(code.Meta["expires_at"]))
            {
                return OAuthErrors.InvalidGrant($"Authorization code expired: {codeId}");
            }

            var account = SignIn(store, code, key.Livemode, now);
            var scope = code.Meta["scope"]!.ToString();
            code.Meta["used"] = true;
            code.Meta["account"] = account.Id;
            code.Meta["livemode"] = key.Livemode;
            store.Save(code);
            var refreshToken = store.Save(new StoredObject
            {
                Id = Ids.New("rt", 32), Kind = RefreshTokenKind, Platform = key.Platform, Livemode = key.Livemode,
                Created = now, Data = [], Meta = new JsonObject { ["account"] = account.Id, ["scope"] = scope },
            });
            connections.Connect(account.Id, key.Platform);
            return Token(account.Id, key.Livemode, scope, refreshToken.Id);
        }
    }

    /// <summary>The standalone account with the code's email in this mode, or a new one (saved).</summary>
    private static StoredObject SignIn(SandboxStore store, StoredObject code, bool livemode, long now)
    {
        var email = code.Meta["email"]?.ToString();
        var existing = email is null ? null : store.All("account", a =>
                a.Platform == "" && a.Livemode == livemode
                && string.Equals(a.Data["email"]?.ToString(), email, StringComparison.OrdinalIgnoreCase))
            .FirstOrDefault();
        if (existing is not null)
        {
            return existing;
        }

        email ??= $"sandbox-{Ids.New("user", 10)[5..].ToLowerInvariant()}@example.com";
        return store.Save(AccountObjects.NewStandalone(email, code.Meta["business_name"]?.ToString(),
            code.Meta["country"]!.ToString(), livemode, now));
    }

    private static IResult Refresh(Dictionary<string, string> parameters, ApiKey key, SandboxStore store)
    {
        var tokenId = parameters.GetValueOrDefault("refresh_token");
        if (string.IsNullOrEmpty(tokenId))
        {
            return OAuthErrors.InvalidRequest("No refresh token provided");
        }

        var token = store.Find(tokenId);
        if (token is null || token.Kind != RefreshTokenKind || token.Platform != key.Platform
            || token.Livemode != key.Livemode)
        {
            return OAuthErrors.InvalidGrant($"Refresh token does not exist: {tokenId}");
        }

        var accountId = token.Meta["account"]!.ToString();
        if (store.Find(accountId) is not { Kind: "account" } account || !OAuthConnections.IsOAuthConnected(account, key.Platform))
        {
            return OAuthErrors.InvalidGrant($"The account {accountId} is no longer connected to your application.");
        }

        var granted = token.Meta["scope"]!.ToString();
        var scope = parameters.GetValueOrDefault("scope") ?? granted;
        if (scope is not ("read_only" or "read_write") || (granted == "read_only" && scope == "read_write"))
        {
            return OAuthErrors.Create("invalid_scope", $"Invalid scope for this refresh token: {scope}");
        }

        return Token(accountId, key.Livemode, scope, token.Id);
    }

    private static async Task<IResult> DeauthorizeAsync(HttpRequest http, SandboxStore store,
        OAuthConnections connections, CancellationToken cancellationToken)
    {
        var parameters = await ReadParametersAsync(http, cancellationToken);
        var (key, failure) = Authenticate(http, parameters);
        if (key is null)
        {
            return failure!;
        }

        var clientId = parameters.GetValueOrDefault("client_id");
        var accountId = parameters.GetValueOrDefault("stripe_user_id");
        if (string.IsNullOrEmpty(clientId))
        {
            return OAuthErrors.InvalidRequest("No client_id provided");
        }

        if (string.IsNullOrEmpty(accountId))
        {
            return OAuthErrors.InvalidRequest("No stripe_user_id provided");
        }

        if (OAuthConnections.PlatformOf(clientId) != key.Platform)
        {
            return OAuthErrors.InvalidClient($"No such application: '{clientId}' (it does not belong to the platform of this key)");
        }

        var account = store.Find(accountId);
        if (account is null || account.Kind != "account" || account.Livemode != key.Livemode
            || !AccountAccess.IsConnected(account, key.Platform))
        {
            return OAuthErrors.InvalidClient($"This application is not connected to stripe account {accountId}, or that account does not exist.");
        }

        if (AccountAccess.Method(account, key.Platform) != OAuthConnections.Method)
        {
            return OAuthErrors.InvalidClient(
                $"no_deauth_on_controlled_account: {accountId} is controlled by your platform, so it cannot be deauthorized. Reject the account instead.");
        }

        if (!connections.Disconnect(account.Id, key.Platform))
        {
            return OAuthErrors.InvalidClient($"This application is not connected to stripe account {accountId}, or that account does not exist.");
        }

        return new StripeJsonResult(new JsonObject { ["stripe_user_id"] = accountId });
    }

    /// <summary>
    /// Checks an authorize request as Stripe does, in Stripe's order. Errors are JSON, never redirects, because the
    /// redirect target itself may be the problem.
    /// </summary>
    public static (AuthorizeRequest? Request, IResult? Error) Validate(IReadOnlyDictionary<string, string> parameters)
    {
        var state = parameters.GetValueOrDefault("state");
        var clientId = parameters.GetValueOrDefault("client_id");
        if (string.IsNullOrEmpty(clientId))
        {
            return (null, OAuthErrors.Authorize("invalid_request", "No client_id provided", state));
        }

        var platform = OAuthConnections.PlatformOf(clientId);
        if (platform is null)
        {
            return (null, OAuthErrors.Authorize("invalid_client", $"No such application: '{clientId}'", state));
        }

        var responseType = parameters.GetValueOrDefault("response_type");
        if (string.IsNullOrEmpty(responseType))
        {
            return (null, OAuthErrors.Authorize("invalid_request", "No response_type provided; only 'code' is supported", state));
        }

        if (responseType != "code")
        {
            return (null, OAuthErrors.Authorize("unsupported_response_type",
                $"Unsupported response_type '{responseType}'; only 'code' is supported", state));
        }

        var scope = parameters.GetValueOrDefault("scope");
        scope = string.IsNullOrEmpty(scope) ? "read_only" : scope;
        if (scope is not ("read_write" or "read_only"))
        {
            return (null, OAuthErrors.Authorize("invalid_scope", $"Invalid scope '{scope}': use read_write or read_only", state));
        }

        var redirectUri = parameters.GetValueOrDefault("redirect_uri");
        if (string.IsNullOrEmpty(redirectUri))
        {
            return (null, OAuthErrors.Authorize("invalid_redirect_uri",
                "No redirect_uri provided; a sandbox platform has no registered redirect URIs to fall back on", state));
        }

        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return (null, OAuthErrors.Authorize("invalid_redirect_uri",
                $"Invalid redirect_uri '{redirectUri}': it must be an absolute http or https URL", state));
        }

        return (new AuthorizeRequest(clientId, platform, scope, redirectUri, string.IsNullOrEmpty(state) ? null : state), null);
    }

    private static IResult Token(string accountId, bool livemode, string scope, string refreshToken)
    {
        var mode = livemode ? "live" : "test";
        return new StripeJsonResult(new JsonObject
        {
            ["access_token"] = $"sk_{mode}_oauth-{Ids.New("x", 32)[2..]}",
            ["livemode"] = livemode,
            ["refresh_token"] = refreshToken,
            ["scope"] = scope,
            ["stripe_publishable_key"] = $"pk_{mode}_oauth-{Ids.New("x", 32)[2..]}",
            ["stripe_user_id"] = accountId,
            ["token_type"] = "bearer",
        });
    }

    /// <summary>The platform's secret key, from <c>client_secret</c> or the Authorization header (bearer or basic).</summary>
    private static (ApiKey? Key, IResult? Error) Authenticate(HttpRequest http, Dictionary<string, string> parameters)
    {
        var raw = parameters.GetValueOrDefault("client_secret");
        if (string.IsNullOrEmpty(raw))
        {
            raw = ApiKey.FromHeader(http.Headers.Authorization);
        }

        if (string.IsNullOrEmpty(raw))
        {
            return (null, OAuthErrors.InvalidClient(
                "No authentication was provided. Send your secret API key as client_secret or in the Authorization header.",
                StatusCodes.Status401Unauthorized));
        }

        var key = ApiKey.Parse(raw);
        return key is { IsSecret: true }
            ? (key, null)
            : (null, OAuthErrors.InvalidClient($"Invalid API Key provided: {ApiKey.Redact(raw)}", StatusCodes.Status401Unauthorized));
    }

    private static async Task<Dictionary<string, string>> ReadParametersAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        var parameters = http.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        if (http.HasFormContentType)
        {
            var form = await http.ReadStripeFormAsync(cancellationToken);
            foreach (var (name, value) in form)
            {
                parameters[name] = value.ToString();
            }
        }

        return parameters;
    }

    private static IEnumerable<string> KnownEmails(SandboxStore store) =>
        store.All("account", a => a.Platform == "")
            .Select(a => a.Data["email"]?.ToString())
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(20);

    private static string? NormalizeCountry(string? country)
    {
        country = country?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(country))
        {
            return "GB";
        }

        return country.Length == 2 && country.All(char.IsAsciiLetterUpper) ? country : null;
    }

    /// <summary>The redirect target with parameters appended (form encoding, <c>+</c> for spaces); nulls are left out.</summary>
    private static string WithQuery(string uri, params (string Name, string? Value)[] parameters)
    {
        var fragment = "";
        var hash = uri.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            fragment = uri[hash..];
            uri = uri[..hash];
        }

        var query = string.Join('&', parameters.Where(p => p.Value is not null)
            .Select(p => $"{WebUtility.UrlEncode(p.Name)}={WebUtility.UrlEncode(p.Value)}"));
        var separator = uri.Contains('?', StringComparison.Ordinal)
            ? (uri.EndsWith('?') || uri.EndsWith('&') ? "" : "&")
            : "?";
        return uri + separator + query + fragment;
    }
}
