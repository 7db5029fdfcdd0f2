using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Recur.Tests.Infrastructure;
using Recur.Web.Data;

namespace Recur.Tests.Tenants;

public sealed class SignInTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_then_even_the_right_password_is_refused_with_the_reason()
    {
        var (_, email) = await factory.SignUpTenantAsync("Locked Ltd");
        using var attacker = factory.NewBrowser();

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var wrong = await attacker.SignInAsync(email, "wrong password " + attempt);
            Assert.Equal("/signin", wrong.Url.AbsolutePath);
            Assert.Contains("The email or password is not right.", wrong.Text);
        }
        var fifth = await attacker.SignInAsync(email, "wrong password 5");
        Assert.Contains("This account is locked after too many wrong passwords. Try again in 15 minutes", fifth.Text);

        using var owner = factory.NewBrowser();
        var right = await owner.SignInAsync(email);

        Assert.Equal("/signin", right.Url.AbsolutePath);
        Assert.Contains("This account is locked after too many wrong passwords.", right.Text);
        Assert.Contains("even the right password is refused", right.Text);
        var admin = await owner.GetAsync("/admin");
        Assert.Equal("/signin", admin.Url.AbsolutePath);
    }

    [Fact]
    public async Task A_wrong_password_then_the_right_one_signs_in()
    {
        var (_, email) = await factory.SignUpTenantAsync("Typo Ltd");
        using var browser = factory.NewBrowser();

        await browser.SignInAsync(email, "not my password");
        var admin = await browser.SignInAsync(email);

        Assert.Equal("/admin", admin.Url.AbsolutePath);
        Assert.Equal(email, admin.TestId("signed-in-as"));
    }

    [Fact]
    public async Task A_session_cookie_copied_before_sign_out_no_longer_works_after_it()
    {
        var (browser, email) = await factory.SignUpTenantAsync("Stolen Cookie Ltd");
        var cookie = browser.Cookies.GetCookies(browser.Recur)["recur.auth"];
        Assert.NotNull(cookie);
        using var thief = factory.NewBrowser();
        thief.Cookies.Add(browser.Recur, new Cookie(cookie.Name, cookie.Value, "/"));
        var before = await thief.GetAsync("/admin");
        Assert.Equal("/admin", before.Url.AbsolutePath);
        Assert.Equal(email, before.TestId("signed-in-as"));

        var admin = await browser.GetAsync("/admin");
        var signedOut = await browser.SubmitAsync(admin, admin.Form("/signout"));
        Assert.Equal("/", signedOut.Url.AbsolutePath);

        using var replay = factory.NewBrowser();
        replay.Cookies.Add(browser.Recur, new Cookie(cookie.Name, cookie.Value, "/"));
        var after = await replay.GetAsync("/admin");
        Assert.Equal("/signin", after.Url.AbsolutePath);
        using var api = await replay.GetRawAsync("/api/integrations/stripe/connections");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task Signing_in_as_another_admin_while_signed_in_switches_to_that_admin()
    {
        var (browser, first) = await factory.SignUpTenantAsync("First Ltd");
        var (_, second) = await factory.SignUpTenantAsync("Second Ltd");

        var switched = await browser.SignInAsync(second);

        Assert.Equal("/admin", switched.Url.AbsolutePath);
        Assert.Equal(second, switched.TestId("signed-in-as"));
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Signing_in_again_as_the_same_admin_keeps_them_signed_in()
    {
        var (browser, email) = await factory.SignUpTenantAsync("Twice Ltd");

        var again = await browser.SignInAsync(email);
        var later = await browser.GetAsync("/admin/catalog");

        Assert.Equal("/admin", again.Url.AbsolutePath);
        Assert.Equal("/admin/catalog", later.Url.AbsolutePath);
        Assert.Equal(email, later.TestId("signed-in-as"));
    }

    [Fact]
    public async Task A_sign_in_form_opened_before_signing_in_in_another_tab_asks_again_and_then_signs_in()
    {
        var (_, first) = await factory.SignUpTenantAsync("Tab One Ltd");
        var (_, second) = await factory.SignUpTenantAsync("Tab Two Ltd");
        using var browser = factory.NewBrowser();
        var staleTab = await browser.GetAsync("/signin");
        await browser.SignInAsync(first);

        var stale = await browser.SubmitAsync(staleTab, staleTab.FormWithField("Form.Password"), new Dictionary<string, string>
        {
            ["Form.Email"] = second,
            ["Form.Password"] = RecurBrowser.Password,
        });
        Assert.Equal("/signin", stale.Url.AbsolutePath);
        Assert.Contains("Enter your email and password again.", stale.Text);
        var retried = await browser.SubmitAsync(stale, stale.FormWithField("Form.Password"), new Dictionary<string, string>
        {
            ["Form.Email"] = second,
            ["Form.Password"] = RecurBrowser.Password,
        });

        Assert.Equal("/admin", retried.Url.AbsolutePath);
        Assert.Equal(second, retried.TestId("signed-in-as"));
    }

    [Theory]
    [InlineData("password", "The password needs at least 12 characters.")]
    [InlineData("password1234", "This password is one of the most commonly used")]
    [InlineData("123456789012", "This password is one of the most commonly used")]
    [InlineData("PASSWORD1234", "This password is one of the most commonly used")]
    public async Task A_short_or_common_password_is_refused_at_sign_up_with_the_reason(string password, string reason)
    {
        using var browser = factory.NewBrowser();
        var email = $"weak-{Guid.NewGuid():N}@example.com";
        var page = await browser.GetAsync("/signup");

        var result = await browser.SubmitAsync(page, page.FormWithField("Form.BusinessName"), new Dictionary<string, string>
        {
            ["Form.BusinessName"] = "Weak Password Ltd",
            ["Form.Email"] = email,
            ["Form.Password"] = password,
        });

        Assert.Equal("/signup", result.Url.AbsolutePath);
        Assert.Contains(reason, result.Text);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.False(await db.Users.AnyAsync(u => u.Email == email, TestContext.Current.CancellationToken));
    }
}
