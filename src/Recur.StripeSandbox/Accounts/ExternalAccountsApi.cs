using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Accounts;

/// <summary>
/// <c>/v1/accounts/{id}/external_accounts</c>: the bank accounts an account is paid out to. The platform may add
/// one only to accounts without the full Stripe Dashboard; otherwise the holder adds it during onboarding.
/// </summary>
internal static class ExternalAccountsApi
{
    public static IEndpointRouteBuilder MapExternalAccounts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/accounts/{id}/external_accounts", List);
        app.MapGet("/v1/accounts/{id}/external_accounts/{externalAccount}", Retrieve);
        app.MapPost("/v1/accounts/{id}/external_accounts", Create);
        return app;
    }

    private static IResult List(StripeRequest request, string id)
    {
        var account = AccountsApi.Visible(request, id);
        if (account is null)
        {
            return AccountsApi.NoSuchAccount(request, id);
        }

        var kind = request.Params.String("object");
        if (kind is not null and not ("bank_account" or "card"))
        {
            return AccountInput.EnumError("object", "bank_account", "card");
        }

        var items = Banks(account)
            .Where(b => kind is null || b["object"]?.ToString() == kind)
            .Select(b => AccountsApi.ListItem(account, b["id"]!.ToString(), b))
            .ToList();
        return request.RespondList(items, $"/v1/accounts/{id}/external_accounts");
    }

    private static IResult Retrieve(StripeRequest request, string id, string externalAccount)
    {
        var account = AccountsApi.Visible(request, id);
        if (account is null)
        {
            return AccountsApi.NoSuchAccount(request, id);
        }

        var bank = Banks(account).FirstOrDefault(b => b["id"]?.ToString() == externalAccount);
        return bank is null
            ? StripeErrors.NotFound("external account", externalAccount)
            : request.Respond(bank);
    }

    private static IResult Create(StripeRequest request, string id)
    {
        var account = AccountsApi.Visible(request, id);
        if (account is null)
        {
            return AccountsApi.NoSuchAccount(request, id);
        }

        var p = request.Params;
        var unknown = p.Unknown(null, "default_for_currency", "external_account", "metadata");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (p.Node("external_account") is null)
        {
            return StripeErrors.MissingParameter("external_account");
        }

        var controller = account.Data["controller"];
        if (controller?["type"]?.ToString() != "application" || controller["stripe_dashboard"]?["type"]?.ToString() == "full")
        {
            return StripeErrors.InvalidRequest(
                "You cannot manage the external accounts of an account with access to the full Stripe Dashboard; the account holder manages them.",
                "external_account");
        }

        string? bankId = null;
        var outcome = AccountChanges.Apply(request.Store, request.Events, id, working =>
        {
            var error = AccountInput.AddExternalAccount(p, "external_account", working, out bankId, asDefault: false);
            if (error is null && p.Object("metadata") is { } metadata)
            {
                Banks(working).First(b => b["id"]?.ToString() == bankId)["metadata"] = metadata.DeepClone();
            }

            return error;
        }, request.IdempotencyKey);
        return outcome.Error ?? request.Respond(Banks(outcome.Account!).First(b => b["id"]?.ToString() == bankId));
    }

    private static IEnumerable<JsonObject> Banks(StoredObject account) =>
        (account.Data["external_accounts"]?["data"] as JsonArray ?? []).OfType<JsonObject>();
}
