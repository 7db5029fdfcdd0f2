using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>Stripe's error body <c>{"error": {type, code, message, param, ...}}</c> with Stripe's status codes.</summary>
public static class StripeErrors
{
    public static IResult Create(int status, string type, string message, string? code = null, string? param = null,
        JsonObject? extra = null)
    {
        var error = new JsonObject { ["message"] = message, ["type"] = type };
        if (code is not null)
        {
            error["code"] = code;
            error["doc_url"] = $"https://stripe.com/docs/error-codes/{code.Replace('_', '-')}";
        }

        if (param is not null)
        {
            error["param"] = param;
        }

        foreach (var (key, value) in extra ?? [])
        {
            error[key] = value?.DeepClone();
        }

        return new StripeJsonResult(new JsonObject { ["error"] = error }, status);
    }

    public static IResult InvalidRequest(string message, string? param = null, string? code = null) =>
        Create(StatusCodes.Status400BadRequest, "invalid_request_error", message, code, param);

    public static IResult MissingParameter(string param) =>
        InvalidRequest($"Missing required param: {param}.", param, "parameter_missing");

    public static IResult UnknownParameter(string param) =>
        InvalidRequest($"Received unknown parameter: {param}", param, "parameter_unknown");

    public static IResult InvalidValue(string param, string message) =>
        InvalidRequest(message, param, "parameter_invalid_empty");

    public static IResult NotFound(string objectName, string id, string param = "id") =>
        Create(StatusCodes.Status404NotFound, "invalid_request_error", $"No such {objectName}: '{id}'",
            "resource_missing", param);

    /// <summary>403 <c>account_invalid</c>: the key cannot act for the account, or the account does not exist; Stripe
    /// does not say which (https://docs.stripe.com/error-codes#account-invalid).</summary>
    public static IResult AccountInvalid(ApiKey key, string accountId) =>
        Create(StatusCodes.Status403Forbidden, "invalid_request_error",
            $"The provided key '{ApiKey.Redact(key.Text)}' does not have access to account '{accountId}' (or that account does not exist). Application access may have been revoked.",
            "account_invalid");

    public static IResult Unauthorized(string message) =>
        Create(StatusCodes.Status401Unauthorized, "invalid_request_error", message);

    public static IResult UnknownRoute(HttpRequest request) =>
        Create(StatusCodes.Status404NotFound, "invalid_request_error",
            $"Unrecognized request URL ({request.Method}: {request.Path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.");
}
