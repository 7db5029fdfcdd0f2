using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;
using Recur.Web.Emails;

namespace Recur.Tests.Emails;

/// <summary>Reading Recur's outbox as the tests' referee.</summary>
public static class EmailFlows
{
    /// <summary>Every outbox email to <paramref name="address"/>, whichever tenant wrote it.</summary>
    public static async Task<List<OutboxEmail>> OutboxAsync(this RecurFactory factory, string address)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.OutboxEmails.IgnoreQueryFilters().AsNoTracking().Where(e => e.To == address.ToLowerInvariant())
            .OrderBy(e => e.CreatedAt).ToListAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The outbox emails to <paramref name="address"/> once <paramref name="until"/> holds (polled, 30 s).</summary>
    public static async Task<List<OutboxEmail>> WaitForOutboxAsync(this RecurFactory factory, string address, Func<List<OutboxEmail>, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var emails = await factory.OutboxAsync(address);
            if (until(emails))
            {
                return emails;
            }
            Assert.True(DateTime.UtcNow < deadline, $"The outbox did not reach the expected state; it has: {string.Join(" | ", emails.Select(e => $"{e.Kind} {e.Status}"))}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
