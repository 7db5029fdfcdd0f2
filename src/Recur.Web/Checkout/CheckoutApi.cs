using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Recur.Web.Edge;

namespace Recur.Web.Checkout;

public static class CheckoutApi
{
    public static WebApplicationBuilder AddCheckout(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<CheckoutOrders>();
        builder.Services.AddScoped<CheckoutCustomers>();
        builder.Services.AddScoped<RepeatSubscriptions>();
        builder.Services.AddScoped<CheckoutCompletion>();
        builder.Services.AddScoped<BacsMandateCheckout>();
        return builder;
    }

    /// <summary><c>POST /api/checkout/{offer}/orders</c>: public (the customer has no account), protected by the
    /// checkout page's antiforgery token.</summary>
    public static WebApplication MapCheckout(this WebApplication app)
    {
        var api = app.MapGroup("/api/checkout").AllowAnonymous().WithTags("Checkout");
        api.MapPost("/{offer}/orders", PlaceOrderAsync);
        return app;
    }

    private static async Task<Results<Ok<CheckoutResponse>, ValidationProblem, ProblemHttpResult>> PlaceOrderAsync(
        string offer, CheckoutRequest? request, HttpContext context, IAntiforgery antiforgery, CheckoutOrders orders, CancellationToken cancellationToken)
    {
        // JSON bodies are not checked by the antiforgery middleware: check the page's token (header) here.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Reload the checkout page.",
                detail: "This request did not come from the checkout page (its security token is missing or stale). Reload the page and try again.");
        }
        if (request is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Check your details.",
                detail: "The request has no body: send the customer's details as JSON.");
        }
        var unreadable = new (string Field, string? Value)[]
            {
                ("email", request.Email), ("name", request.Name), ("paymentType", request.PaymentType),
                ("address.line1", request.Address?.Line1), ("address.line2", request.Address?.Line2), ("address.city", request.Address?.City),
                ("address.postalCode", request.Address?.PostalCode), ("address.country", request.Address?.Country),
            }
            .Where(f => ControlCharacters.AreIn(f.Value))
            .ToDictionary(f => f.Field, f => new[] { "Remove the control characters (such as NUL) from this field." });
        if (unreadable.Count > 0)
        {
            return TypedResults.ValidationProblem(unreadable, title: "Check your details.", detail: "Some details contain control characters, which cannot be saved.");
        }
        var browserKey = CheckoutBrowserKey.Hash(CheckoutBrowserKey.GetOrIssue(context));
        var result = await orders.PlaceAsync(offer, request, browserKey, cancellationToken);
        if (result.Response is { } response)
        {
            return TypedResults.Ok(response);
        }
        if (result.Errors is { } errors)
        {
            return TypedResults.ValidationProblem(errors, detail: result.Detail, title: result.Title);
        }
        return TypedResults.Problem(statusCode: result.Status, title: result.Title, detail: result.Detail);
    }
}
