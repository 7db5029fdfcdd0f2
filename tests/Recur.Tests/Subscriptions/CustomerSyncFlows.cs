using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;
using Recur.Web.Subscriptions;
using Recur.Web.Webhooks;
using Customer = Recur.Web.Subscriptions.Customer;

namespace Recur.Tests.Subscriptions;

/// <summary>The background work that keeps Recur ready for checkout, run on demand, and a look at its results.</summary>
public static class CustomerSyncFlows
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Runs what connecting an account starts in the background (the customer import) to the end.</summary>
    public static async Task PrepareConnectedAccountsAsync(this RecurFactory factory) =>
        await factory.Service<CustomerImporter>().RunOnceAsync(Cancel);

    /// <summary>Recur's customers on the account, deleted ones included.</summary>
    public static async Task<List<Customer>> CustomersOnAsync(this RecurFactory factory, string accountId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Customers.IgnoreQueryFilters().AsNoTracking().Where(c => c.StripeAccountId == accountId).ToListAsync(Cancel);
    }

    public static async Task<CustomerImport?> CustomerImportOfAsync(this RecurFactory factory, string accountId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.CustomerImports.IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(i => i.StripeAccountId == accountId, Cancel);
    }

    /// <summary>The account as if it had been connected before Recur imported customers: no import, no customers.</summary>
    public static async Task ForgetCustomerImportAsync(this RecurFactory factory, string accountId, bool customersToo = false)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.CustomerImports.IgnoreQueryFilters().Where(i => i.StripeAccountId == accountId).ExecuteDeleteAsync(Cancel);
        if (customersToo)
        {
            await db.Customers.IgnoreQueryFilters().Where(c => c.StripeAccountId == accountId).ExecuteDeleteAsync(Cancel);
        }
    }

    /// <summary>Processes the event inbox until <paramref name="until"/> holds for the account's customers (the
    /// sandbox delivers webhooks asynchronously).</summary>
    public static async Task<List<Customer>> WaitForCustomersAsync(this RecurFactory factory, string accountId, Func<List<Customer>, bool> until,
        int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            await factory.Service<StripeEventProcessor>().RunOnceAsync(Cancel);
            var customers = await factory.CustomersOnAsync(accountId);
            if (until(customers))
            {
                return customers;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Recur's customers on {accountId} did not get there: {string.Join(", ", customers.Select(c => c.StripeCustomerId))}");
            await Task.Delay(100, Cancel);
        }
    }
}
