using System.Net;
using Recur.StripeSandbox.Tests.Accounts;
using Stripe;

namespace Recur.StripeSandbox.Tests.Infrastructure;

public sealed class PaginationTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pages_follow_limit_starting_after_and_ending_before()
    {
        var platform = sandbox.NewPlatform();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await NewAccounts.ExpressAsync(platform.Test, $"shop{i}@example.com")).Id);
        }

        var newestFirst = Enumerable.Reverse(created).ToList();

        var first = await platform.Test.V1.Accounts.ListAsync(new AccountListOptions { Limit = 2 }, cancellationToken: Ct);
        var second = await platform.Test.V1.Accounts.ListAsync(
            new AccountListOptions { Limit = 2, StartingAfter = first.Data[^1].Id }, cancellationToken: Ct);
        var last = await platform.Test.V1.Accounts.ListAsync(
            new AccountListOptions { Limit = 2, StartingAfter = second.Data[^1].Id }, cancellationToken: Ct);
        var back = await platform.Test.V1.Accounts.ListAsync(
            new AccountListOptions { Limit = 2, EndingBefore = last.Data[0].Id }, cancellationToken: Ct);

        Assert.Equal(newestFirst[..2], first.Data.Select(a => a.Id));
        Assert.True(first.HasMore);
        Assert.Equal(newestFirst[2..4], second.Data.Select(a => a.Id));
        Assert.True(second.HasMore);
        Assert.Equal(newestFirst[4..], last.Data.Select(a => a.Id));
        Assert.False(last.HasMore);
        Assert.Equal(newestFirst[2..4], back.Data.Select(a => a.Id));
        Assert.True(back.HasMore);
        Assert.Equal("/v1/accounts", first.Url);
    }

    [Fact]
    public async Task Auto_paging_walks_every_account_once()
    {
        var platform = sandbox.NewPlatform();
        for (var i = 0; i < 3; i++)
        {
            await NewAccounts.ExpressAsync(platform.Test, $"shop{i}@example.com");
        }

        var all = new List<Account>();
        await foreach (var account in platform.Test.V1.Accounts.ListAutoPagingAsync(new AccountListOptions { Limit = 1 }, cancellationToken: Ct))
        {
            all.Add(account);
        }

        Assert.Equal(3, all.Select(a => a.Id).Distinct().Count());
    }

    [Fact]
    public async Task An_out_of_range_limit_is_refused()
    {
        var platform = sandbox.NewPlatform();

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            platform.Test.V1.Accounts.ListAsync(new AccountListOptions { Limit = 101 }, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("limit", error.StripeError.Param);
    }
}
