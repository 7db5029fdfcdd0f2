using Microsoft.AspNetCore.Diagnostics;
using Recur.StripeSandbox.AccountLinks;
using Recur.StripeSandbox.Accounts;
using Recur.StripeSandbox.CheckoutSessions;
using Recur.StripeSandbox.Customers;
using Recur.StripeSandbox.Dashboard;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Invoices;
using Recur.StripeSandbox.LoginLinks;
using Recur.StripeSandbox.Mandates;
using Recur.StripeSandbox.OAuth;
using Recur.StripeSandbox.PaymentIntents;
using Recur.StripeSandbox.PaymentMethods;
using Recur.StripeSandbox.Prices;
using Recur.StripeSandbox.Products;
using Recur.StripeSandbox.Refunds;
using Recur.StripeSandbox.Scheduling;
using Recur.StripeSandbox.SetupIntents;
using Recur.StripeSandbox.StripeJs;
using Recur.StripeSandbox.Subscriptions;
using Recur.StripeSandbox.TestHelpers;
using Recur.StripeSandbox.WebhookEndpoints;

namespace Recur.StripeSandbox;

/// <summary>
/// Builds the sandbox as a web application of its own, runnable alone (<c>dotnet run --project
/// src/Recur.StripeSandbox</c>) or started inside Recur. One origin serves the API (<c>/v1</c>), the Connect base
/// (<c>/oauth</c>) and the hosted pages.
/// </summary>
public static class SandboxServer
{
    public static WebApplication Create(SandboxOptions options, string[]? args = null)
    {
        if (!WebhookEndpoints.StripeApiVersions.Known.Contains(options.DefaultApiVersion))
        {
            throw new ArgumentException($"Unknown Stripe API version: {options.DefaultApiVersion}", nameof(options));
        }
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ApplicationName = typeof(SandboxServer).Assembly.GetName().Name,
        });
        builder.WebHost.UseUrls(options.Url);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.Time);
        builder.Services.AddSingleton(options.Faults);
        builder.Services.AddSingleton<SandboxStore>();
        builder.Services.AddSingleton<IdempotencyInFlight>();
        builder.Services.AddSingleton<SandboxEvents>();
        builder.Services.AddSingleton<WebhookDelivery>();
        builder.Services.AddHttpClient();
        builder.Services.AddWebhookDelivery();
        builder.Services.AddSingleton<OAuthConnections>();
        builder.Services.AddSandboxSchedule();
        builder.Services.AddMandates();
        builder.Services.AddPaymentIntents();
        builder.Services.AddSetupIntents();
        builder.Services.AddSubscriptions();
        builder.Services.AddTestClocks();
        builder.Services.AddCheckoutSessions();
        builder.Services.AddRefunds();
        // Request paths and redirects carry OAuth codes and link tokens: keep their URLs out of the logs.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Result.RedirectResult", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);

        var app = builder.Build();
        app.Use((context, next) =>
        {
            context.Response.Headers["Request-Id"] = Ids.New("req", 14);
            return next(context);
        });
        app.UseExceptionHandler(error => error.Run(context =>
            (context.Features.Get<IExceptionHandlerFeature>()?.Error is BadHttpRequestException bad
                ? StripeErrors.Create(bad.StatusCode, "invalid_request_error", bad.Message)
                : StripeErrors.Create(StatusCodes.Status500InternalServerError, "api_error",
                    "An unknown error occurred on the sandbox's side.")).ExecuteAsync(context)));
        app.UseStripeApiAuthentication();
        app.UseApiRequestObserver(options);
        app.UseSandboxFaults();
        app.UseStripeIdempotency();

        app.MapGet("/", () => TypedResults.Text("Recur Stripe sandbox"));
        app.MapAccounts();
        app.MapAccountLinks();
        app.MapLoginLinks();
        app.MapWebhookEndpoints();
        app.MapEvents();
        app.MapOAuth();
        app.MapOnboardingPages();
        app.MapDashboardPages();
        app.MapCustomers();
        app.MapCustomerBalanceTransactions();
        app.MapProducts();
        app.MapPrices();
        app.MapPaymentMethods();
        app.MapMandates();
        app.MapSetupIntents();
        app.MapPaymentIntents();
        app.MapCharges();
        app.MapRefunds();
        app.MapThreeDSecurePages();
        app.MapSubscriptions();
        app.MapInvoices();
        app.MapInvoiceItems();
        app.MapTestClocks();
        app.MapCheckoutSessions();
        app.MapHostedCheckoutPage();
        app.MapStripeJs();
        app.MapFaultAdmin();
        app.MapFallback("/v1/{**rest}", (HttpRequest request) => StripeErrors.UnknownRoute(request));
        return app;
    }
}
