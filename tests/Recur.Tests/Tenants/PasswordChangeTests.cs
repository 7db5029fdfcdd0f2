using System.Net;
using Recur.Tests.Infrastructure;

namespace Recur.Tests.Tenants;

/// <summary>An admin changes their password on <c>/admin/account/password</c>: the current one is checked, the new
/// one meets the sign-up policy, and every other session of theirs ends while this one stays.</summary>
public sealed class PasswordChangeTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    private const string NewPassword = "a much longer new passphrase";

    [Fact]
    public async Task A_wrong_current_password_is_shown_and_nothing_changes()
    {
        var (browser, email) = await factory.SignUpTenantAsync("Careful Admin Ltd");

        var page = await ChangeAsync(browser, "not my password", NewPassword);

        Assert.Contains("The current password is not right.", page.Text);
        Assert.True(await SignsInAsync(email, RecurBrowser.Password));
    }

    [Fact]
    public async Task A_short_or_common_new_password_is_refused_with_the_reason()
    {
        var (browser, email) = await factory.SignUpTenantAsync("Weak Password Ltd");

        var tooShort = await ChangeAsync(browser, RecurBrowser.Password, "short one");
        var common = await ChangeAsync(browser, RecurBrowser.Password, "password1234");

        Assert.Contains("at least 12 characters", tooShort.Text);
        Assert.Contains("common", common.Text, StringComparison.OrdinalIgnoreCase);
        Assert.True(await SignsInAsync(email, RecurBrowser.Password));
    }

    [Fact]
    public async Task After_a_change_another_session_is_signed_out_this_one_stays_and_only_the_new_password_signs_in()
    {
        var (browser, email) = await factory.SignUpTenantAsync("Rotating Admin Ltd");
        using var laptop = factory.NewBrowser();
        await laptop.SignInAsync(email);
        Assert.Equal("/admin", (await laptop.GetAsync("/admin")).Url.AbsolutePath);

        var changed = await ChangeAsync(browser, RecurBrowser.Password, NewPassword);

        Assert.Contains("Your password is changed.", changed.TestId("password-changed"));
        Assert.Equal("/admin", (await browser.GetAsync("/admin")).Url.AbsolutePath);
        Assert.Equal("/signin", (await laptop.GetAsync("/admin")).Url.AbsolutePath);
        using var api = await laptop.GetRawAsync("/api/integrations/stripe/connections");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.False(await SignsInAsync(email, RecurBrowser.Password));
        Assert.True(await SignsInAsync(email, NewPassword));
    }

    private static async Task<Page> ChangeAsync(RecurBrowser browser, string current, string replacement)
    {
        var form = await browser.GetAsync("/admin/account/password");
        return await browser.SubmitAsync(form, form.FormWithField("Form.NewPassword"), new Dictionary<string, string>
        {
            ["Form.CurrentPassword"] = current,
            ["Form.NewPassword"] = replacement,
            ["Form.ConfirmPassword"] = replacement,
        });
    }

    private async Task<bool> SignsInAsync(string email, string password)
    {
        using var browser = factory.NewBrowser();
        var page = await browser.GetAsync("/signin");
        var after = await browser.SubmitAsync(page, page.FormWithField("Form.Password"), new Dictionary<string, string>
        {
            ["Form.Email"] = email,
            ["Form.Password"] = password,
        });
        return after.Url.AbsolutePath == "/admin";
    }
}
