using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.OAuth;

/// <summary>
/// The Connect base's flat error body <c>{error, error_description}</c> (plus <c>state</c> on the authorize page),
/// which Stripe.net reads into <c>StripeError.Error</c> and <c>StripeError.ErrorDescription</c>.
/// </summary>
public static class OAuthErrors
{
    public static IResult Create(string error, string description, int status = StatusCodes.Status400BadRequest) =>
        new StripeJsonResult(new JsonObject { ["error"] = error, ["error_description"] = description }, status);

    /// <summary>An authorize error that Stripe shows instead of redirecting: everything but <c>access_denied</c>.</summary>
    public static IResult Authorize(string error, string description, string? state) =>
        new StripeJsonResult(new JsonObject
        {
            ["error"] = error, ["error_description"] = description, ["state"] = state,
        }, StatusCodes.Status400BadRequest);

    public static IResult InvalidRequest(string description) => Create("invalid_request", description);

    public static IResult InvalidGrant(string description) => Create("invalid_grant", description);

    public static IResult InvalidClient(string description, int status = StatusCodes.Status400BadRequest) =>
        Create("invalid_client", description, status);
}
