using Microsoft.Data.Sqlite;
using Recur.StripeSandbox.Tests.Accounts;

namespace Recur.StripeSandbox.Tests.Infrastructure;

public sealed class PersistenceTests
{
    [Fact]
    public async Task A_sandbox_with_a_database_file_keeps_accounts_across_a_restart()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sandbox-{Guid.NewGuid():N}.db");
        var platform = Guid.NewGuid().ToString("N");
        try
        {
            string accountId;
            await using (var first = await StartAsync(path))
            {
                var client = SandboxPlatform.Client($"sk_test_{platform}", platform, first.Urls.First());
                var account = await NewAccounts.ExpressAsync(client);
                var link = await client.V1.AccountLinks.CreateAsync(new Stripe.AccountLinkCreateOptions
                {
                    Account = account.Id, Type = "account_onboarding",
                    RefreshUrl = "http://localhost/refresh", ReturnUrl = "http://localhost/return",
                }, cancellationToken: TestContext.Current.CancellationToken);
                using var onboarding = new AccountLinks.HostedOnboarding();
                await onboarding.CompleteAsync(link.Url);
                accountId = account.Id;
            }

            await using var second = await StartAsync(path);
            var again = SandboxPlatform.Client($"sk_test_{platform}", platform, second.Urls.First());
            var read = await again.V1.Accounts.GetAsync(accountId, cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal("shop@example.com", read.Email);
            Assert.True(read.ChargesEnabled);
            Assert.Equal("2345", Assert.IsType<Stripe.BankAccount>(Assert.Single(read.ExternalAccounts.Data)).Last4);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    private static async Task<WebApplication> StartAsync(string path)
    {
        var app = SandboxServer.Create(new SandboxOptions { Url = "http://127.0.0.1:0", DatabasePath = path });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }
}
