using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Accounts;

/// <summary>
/// <c>/v1/accounts</c> and <c>/v1/account</c>: connected accounts of the calling platform, their capabilities and
/// external accounts. A platform sees only accounts connected to it (created by it, or linked through OAuth) in the
/// key's mode; any other id is <c>resource_missing</c>.
/// </summary>
public static class AccountsApi
{
    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/accounts", Create);
        app.MapGet("/v1/accounts", List);
        app.MapGet("/v1/account", RetrieveSelf);
        app.MapGet("/v1/accounts/{id}", Retrieve);
        app.MapPost("/v1/accounts/{id}", Update);
        app.MapDelete("/v1/accounts/{id}", Delete);
        app.MapCapabilities();
        app.MapExternalAccounts();
        return app;
    }

    /// <summary>An account the caller may act on: connected to its platform, in its mode, and the
    /// <c>Stripe-Account</c> account itself when that header is sent. Null otherwise.</summary>
    internal static StoredObject? Visible(StripeRequest request, string id)
    {
        var account = request.Store.Find(id);
        if (account is null || account.Kind != "account" || account.Livemode != request.Caller.Livemode
            || !AccountAccess.IsConnected(account, request.Caller.Platform))
        {
            return null;
        }

        return request.Caller.StripeAccount is null || request.Caller.StripeAccount == id ? account : null;
    }

    /// <summary>
    /// An account id the caller cannot reach. The platform itself gets Stripe's 403 <c>account_invalid</c>, the answer
    /// that does not say whether the account exists (https://docs.stripe.com/error-codes#account-invalid; the same
    /// error as for an unreachable <c>Stripe-Account</c> header); a connected account asking about another account
    /// gets <c>resource_missing</c>.
    /// </summary>
    internal static IResult NoSuchAccount(StripeRequest request, string id) =>
        request.Caller.StripeAccount is null
            ? StripeErrors.AccountInvalid(request.Caller.Key, id)
            : StripeErrors.NotFound("account", id, "account");

    /// <summary>Calls that only a platform can make for itself, not with a <c>Stripe-Account</c> header.</summary>
    internal static IResult PlatformOnly() =>
        StripeErrors.InvalidRequest(
            "This request can only be made by the platform itself: send it without the Stripe-Account header.",
            null, "platform_account_required");

    /// <summary>A list item that is not stored on its own (capabilities, external accounts).</summary>
    internal static StoredObject ListItem(StoredObject owner, string id, JsonObject data) => new()
    {
        Id = id, Kind = data["object"]?.ToString() ?? "", Platform = owner.Platform, Livemode = owner.Livemode,
        Account = owner.Id, Created = owner.Created, Data = data,
    };

    private static IResult Create(StripeRequest request)
    {
        if (request.Caller.StripeAccount is not null)
        {
            return PlatformOnly();
        }

        var p = request.Params;
        var unknown = p.Unknown(null, AccountInput.CreateParameters);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var error = AccountInput.ParseController(p, out var controller);
        if (error is not null)
        {
            return error;
        }

        var country = (p.String("country") ?? AccountObjects.DefaultCountry).ToUpperInvariant();
        if (!AccountObjects.CountryCurrencies.TryGetValue(country, out var currency))
        {
            return StripeErrors.InvalidRequest(
                $"Country '{p.String("country")}' is unknown. Try using a 2-character alphabetic country code instead, such as 'US', 'EG', or 'GB'.",
                "country", "country_unsupported");
        }

        var now = request.Now;
        var id = AccountObjects.NewId();
        var account = new StoredObject
        {
            Id = id,
            Kind = "account",
            Platform = request.Caller.Platform,
            Livemode = request.Caller.Livemode,
            Account = null,
            Created = now,
            Data = AccountObjects.NewData(id, now, country, currency, controller.ToJson(), controller.Type),
        };
        if (controller.Dashboard == "full")
        {
            foreach (var capability in Capabilities.Automatic(country))
            {
                Capabilities.Request(account.Meta, capability, now);
            }
        }

        error = AccountInput.ApplyShared(p, account, now);
        if (error is not null)
        {
            return error;
        }

        if (Capabilities.Requested(account.Meta).Count == 0)
        {
            if (controller.Dashboard == "none")
            {
                return StripeErrors.InvalidRequest(
                    "Accounts without a Stripe-hosted dashboard must request at least one capability: send `capabilities[card_payments][requested]=true` (or another capability).",
                    "capabilities");
            }

            // Express: what the platform's onboarding configuration would request by default.
            Capabilities.Request(account.Meta, "card_payments", now);
            Capabilities.Request(account.Meta, "transfers", now);
        }

        AccountAccess.Connect(account, request.Caller.Platform, "created");
        account.Data = AccountRequirements.Recompute(account.Data, account.Meta);
        request.Store.Save(account);
        return request.Respond(account.Data);
    }

    private static IResult List(StripeRequest request)
    {
        if (request.Caller.StripeAccount is not null)
        {
            return PlatformOnly();
        }

        var unknown = request.Params.Unknown(null, "created", "ending_before", "limit", "starting_after");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var caller = request.Caller;
        var accounts = request.Store.All("account",
            a => a.Livemode == caller.Livemode && AccountAccess.IsConnected(a, caller.Platform));
        return request.RespondList(accounts, "/v1/accounts");
    }

    private static IResult Retrieve(StripeRequest request, string id)
    {
        var account = Visible(request, id);
        return account is null ? NoSuchAccount(request, id) : request.Respond(account.Data);
    }

    /// <summary><c>GET /v1/account</c>: the <c>Stripe-Account</c> account, or the platform's own account.</summary>
    private static IResult RetrieveSelf(StripeRequest request)
    {
        if (request.Caller.StripeAccount is { } id)
        {
            var account = Visible(request, id);
            return account is null ? NoSuchAccount(request, id) : request.Respond(account.Data);
        }

        return request.Respond(AccountObjects.PlatformAccount(request.Caller.Platform, PlatformCreated));
    }

    private static IResult Update(StripeRequest request, string id)
    {
        if (Visible(request, id) is null)
        {
            return NoSuchAccount(request, id);
        }

        var p = request.Params;
        var unknown = p.Unknown(null, AccountInput.UpdateParameters);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var now = request.Now;
        var outcome = AccountChanges.Apply(request.Store, request.Events, id,
            working => AccountInput.ApplyShared(p, working, now), request.IdempotencyKey);
        return outcome.Error ?? request.Respond(outcome.Account!.Data);
    }

    /// <summary>
    /// Only accounts the platform created and controls can be deleted; in live mode not those where Stripe bears
    /// the losses (Standard-like accounts), as Stripe's API reference says.
    /// </summary>
    private static IResult Delete(StripeRequest request, string id)
    {
        var account = Visible(request, id);
        if (account is null)
        {
            return NoSuchAccount(request, id);
        }

        if (request.Caller.StripeAccount is not null)
        {
            return PlatformOnly();
        }

        var controller = account.Data["controller"];
        if (controller?["type"]?.ToString() != "application"
            || AccountAccess.Method(account, request.Caller.Platform) != "created")
        {
            return StripeErrors.InvalidRequest(
                $"You can only delete accounts that your platform controls; '{id}' is controlled by its own holder. To end the connection, deauthorize it (POST /oauth/deauthorize).",
                "account", "account_invalid");
        }

        if (account.Livemode && controller["losses"]?["payments"]?.ToString() == "stripe")
        {
            return StripeErrors.InvalidRequest(
                "Live-mode accounts where Stripe is responsible for negative balances (`controller[losses][payments]=stripe`, which includes Standard accounts) cannot be deleted.",
                "account");
        }

        request.Store.Delete(id);
        return request.Respond(AccountObjects.Deleted(id));
    }

    /// <summary>When every platform's own account was "opened": fixed, so the object is the same on each read.</summary>
    private const long PlatformCreated = 1_700_000_000;
}
