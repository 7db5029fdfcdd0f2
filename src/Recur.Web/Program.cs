using Recur.Web.Catalog;
using Recur.Web.Checkout;
using Recur.Web.Data;
using Recur.Web.Emails;
using Recur.Web.Edge;
using Recur.Web.Health;
using Recur.Web.Integrations;
using Recur.Web.Pages;
using Recur.Web.Payments;
using Recur.Web.Reconciliation;
using Recur.Web.Stripe;
using Recur.Web.Simulation;
using Recur.Web.Subscriptions;
using Recur.Web.Telemetry;
using Recur.Web.Tenants;
using Recur.Web.Webhooks;

var builder = WebApplication.CreateBuilder(args);

// http://localhost:5080 unless an address is given (--urls, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS, Kestrel config).
if (string.IsNullOrWhiteSpace(builder.Configuration["urls"])
    && string.IsNullOrWhiteSpace(builder.Configuration["http_ports"])
    && string.IsNullOrWhiteSpace(builder.Configuration["https_ports"])
    && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
{
    builder.WebHost.UseUrls("http://localhost:5080");
}

builder.Services.AddProblemDetails();
builder.Services.AddRazorPages(options =>
{
    options.Conventions.AuthorizeFolder("/Admin", TenantClaims.AdminPolicy);
    options.Conventions.ConfigureFilter(new UnknownPageHandler());
});
builder.Services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(options => options.ModelBinderProviders.Insert(0, new ControlCharacterBinderProvider()));
builder.Services.Configure<RouteOptions>(options => options.LowercaseUrls = true);

builder.AddTelemetry();
builder.AddEdge();
builder.AddData();
builder.AddTenants();
builder.AddStripe();
builder.AddIntegrations();
builder.AddCatalog();
builder.AddCheckout();
builder.AddSubscriptions();
builder.AddPayments();
builder.AddSimulation();
builder.AddWebhooks();
builder.AddReconciliation();
builder.AddEmails();

var app = builder.Build();

await app.MigrateDatabaseAsync();

app.UseExceptionHandler();
app.UseEdge();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapHealth();
app.MapIntegrations();
app.MapCheckout();
app.MapWebhooks();
app.MapRazorPages();

app.Run();

public partial class Program;
