using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Accounts;

/// <summary>
/// <c>/v1/accounts/{id}/capabilities</c>: list the requested capabilities, preview one (its requirements), or
/// request one with <c>requested=true</c>. Full-Dashboard accounts get theirs from Stripe and refuse requests.
/// </summary>
internal static class CapabilitiesApi
{
    public static IEndpointRouteBuilder MapCapabilities(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/accounts/{id}/capabilities", List);
        app.MapGet("/v1/accounts/{id}/capabilities/{capability}", Retrieve);
        app.MapPost("/v1/accounts/{id}/capabilities/{capability}", Update);
        return app;
    }

    private static IResult List(StripeRequest request, string id)
    {
        var account = AccountsApi.Visible(request, id);
        if (account is null)
        {
            return AccountsApi.NoSuchAccount(request, id);
        }

        var items = Capabilities.Requested(account.Meta)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => AccountsApi.ListItem(account, kv.Key, Capabilities.ToObject(account, kv.Key)))
            .ToList();
        return request.RespondList(items, $"/v1/accounts/{id}/capabilities");
    }

    private static IResult Retrieve(StripeRequest request, string id, string capability)
    {
        var account = AccountsApi.Visible(request, id);
        if (account is null)
        {
            return AccountsApi.NoSuchAccount(request, id);
        }

        return Capabilities.Known.Contains(capability)
            ? request.Respond(Capabilities.ToObject(account, capability))
            : StripeErrors.NotFound("capability", capability, "capability");
    }

    private static IResult Update(StripeRequest request, string id, string capability)
    {
        var account = AccountsApi.Visible(request, id);
        if (account is null)
        {
            return AccountsApi.NoSuchAccount(request, id);
        }

        if (!Capabilities.Known.Contains(capability))
        {
            return StripeErrors.NotFound("capability", capability, "capability");
        }

        var p = request.Params;
        var unknown = p.Unknown(null, "requested");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (!p.TryBool("requested", out var requested))
        {
            return StripeErrors.InvalidRequest("Invalid boolean: requested", "requested", "parameter_invalid_boolean");
        }

        var controller = account.Data["controller"];
        if (controller?["type"]?.ToString() != "application")
        {
            return StripeErrors.InvalidRequest(
                $"This application does not control account '{id}', so it cannot change its capabilities.", "requested");
        }

        if (controller["stripe_dashboard"]?["type"]?.ToString() == "full")
        {
            return StripeErrors.InvalidRequest(
                "Capabilities cannot be requested for accounts with access to the full Stripe Dashboard: Stripe requests them automatically.",
                "requested");
        }

        var now = request.Now;
        var outcome = requested is null
            ? new AccountChanges.Outcome(account, null)
            : AccountChanges.Apply(request.Store, request.Events, id,
                working => AccountInput.SetRequested(working, capability, requested.Value, now), request.IdempotencyKey);
        return outcome.Error ?? request.Respond(Capabilities.ToObject(outcome.Account!, capability));
    }
}
