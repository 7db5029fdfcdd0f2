using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;

namespace Recur.Tests.Tenants;

public sealed class SignUpTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    [Fact]
    public async Task Signing_up_creates_the_tenant_and_its_first_admin_and_signs_them_in()
    {
        using var browser = factory.NewBrowser();
        var email = $"first-{Guid.NewGuid():N}@example.com";

        var admin = await browser.SignUpAsync("Fresh Tenant Ltd", email);

        Assert.Equal("/admin", admin.Url.AbsolutePath);
        Assert.Contains("Admin panel", admin.Text);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var user = await db.Users.SingleAsync(u => u.Email == email, TestContext.Current.CancellationToken);
        var tenant = await db.Tenants.IgnoreQueryFilters().SingleAsync(t => t.Id == user.TenantId, TestContext.Current.CancellationToken);
        Assert.True(user.IsAdmin);
        Assert.Equal("Fresh Tenant Ltd", tenant.Name);
    }

    [Fact]
    public async Task A_too_short_password_is_explained_on_the_page()
    {
        using var browser = factory.NewBrowser();
        var page = await browser.GetAsync("/signup");

        var result = await browser.SubmitAsync(page, page.FormWithField("Form.BusinessName"), new Dictionary<string, string>
        {
            ["Form.BusinessName"] = "Short Ltd",
            ["Form.Email"] = $"short-{Guid.NewGuid():N}@example.com",
            ["Form.Password"] = "short",
        });

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("/signup", result.Url.AbsolutePath);
        Assert.Contains("The password needs at least 12 characters.", result.Text);
    }

    [Fact]
    public async Task An_email_already_in_use_is_explained_on_the_page_and_creates_no_second_tenant()
    {
        var (_, email) = await factory.SignUpTenantAsync("Taken Ltd");
        using var browser = factory.NewBrowser();

        var result = await browser.SignUpAsync("Copycat Ltd", email);

        Assert.Equal("/signup", result.Url.AbsolutePath);
        Assert.Contains("is already taken", result.Text);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.False(await db.Tenants.IgnoreQueryFilters().AnyAsync(t => t.Name == "Copycat Ltd", TestContext.Current.CancellationToken));
    }
}
