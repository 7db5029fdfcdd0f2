using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.StripeSandbox;
using Recur.Tests.Infrastructure;
using Recur.Tests.Webhooks;
using Recur.Web.Data;
using Recur.Web.Stripe;
using Stripe;

namespace Recur.Tests.Stripe;

/// <summary>
/// Recur with real-looking keys pointed at a sandbox running on its own (as at Stripe: no embedded sandbox, no
/// webhook secret configured), restarted on the same address and database.
/// </summary>
public sealed class StandaloneSandboxRecurFactory(string platform, string databasePath, int port, Uri sandbox)
    : RecurFactory(platform, databasePath, port)
{
    protected override bool DeletesDatabase => false;

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => Settings();

    private Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>();
        var url = sandbox.ToString().TrimEnd('/');
        foreach (var environment in new[] { "Test", "Production" })
        {
            settings[$"Stripe:{environment}:UseEmbeddedSandbox"] = "false";
            settings[$"Stripe:{environment}:ApiBase"] = url;
            settings[$"Stripe:{environment}:ConnectBase"] = url;
            settings[$"Stripe:{environment}:StripeJsUrl"] = url + "/v3/stripe.js";
            settings[$"Stripe:{environment}:DashboardUrl"] = url + "/dashboard/{account}";
        }
        return settings;
    }
}

public sealed class WebhookEndpointRestartTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_restarted_recur_keeps_its_endpoint_and_loses_no_event_made_while_it_was_down()
    {
        await using var sandbox = SandboxServer.Create(new SandboxOptions
        {
            Url = "http://127.0.0.1:0", DatabasePath = null, DefaultApiVersion = StripeConfiguration.ApiVersion,
        },
            ["--Logging:LogLevel:Default=Warning"]);
        await sandbox.StartAsync(Cancel);
        var sandboxUrl = new Uri(sandbox.Urls.First());
        var platform = Guid.NewGuid().ToString("N");
        var database = Path.Combine(Path.GetTempPath(), $"recur-restart-{Guid.NewGuid():N}.db");
        var port = FreePort();
        string endpointId, accountId, adminEmail;
        try
        {
            await using (var first = new StandaloneSandboxRecurFactory(platform, database, port, sandboxUrl))
            {
                await first.InitializeAsync();
                (var browser, adminEmail) = await first.SignUpTenantAsync();
                var (card, _) = await browser.ConnectExistingAccountAsync();
                Assert.Equal("Connected", card.TestId("status"));
                accountId = card.TestId("account-id")!;
                endpointId = await EndpointIdAsync(first);
            }

            // Recur is down: the customer.created of this customer cannot be delivered.
            var stripe = new StripeClient(new StripeClientOptions { ApiKey = "sk_test_" + platform, ApiBase = sandboxUrl.ToString().TrimEnd('/') });
            var email = $"while-down-{Guid.NewGuid():N}@example.com";
            var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = email },
                new RequestOptions { StripeAccount = accountId }, Cancel);

            await using (var second = new StandaloneSandboxRecurFactory(platform, database, port, sandboxUrl))
            {
                await second.InitializeAsync();

                Assert.Equal(endpointId, await EndpointIdAsync(second));
                var endpoints = await stripe.V1.WebhookEndpoints.ListAsync(new WebhookEndpointListOptions { Limit = 100 }, cancellationToken: Cancel);
                Assert.Equal(endpointId, Assert.Single(endpoints.Data).Id);
                var browser = second.NewBrowser();
                await browser.SignInAsync(adminEmail);
                var customers = await browser.WaitForTextAsync("/admin/customers", email);
                Assert.Contains(email, customers.Text);
                var created = (await stripe.V1.Events.ListAsync(new EventListOptions { Type = "customer.created" },
                    new RequestOptions { StripeAccount = accountId }, Cancel)).Data.Single(e => e.Data.Object is Customer c && c.Id == customer.Id);
                Assert.NotNull(await second.StoredEventAsync(created.Id));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { database, database + "-wal", database + "-shm" })
            {
                System.IO.File.Delete(file);
            }
        }
    }

    private static async Task<string> EndpointIdAsync(RecurFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().RegisteredWebhookEndpoints
            .Where(e => e.Environment == StripeEnvironment.Test).Select(e => e.EndpointId).SingleAsync(Cancel);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
