using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Recur.Web.Tenants;

namespace Recur.Web.Pages;

/// <summary>Sign in, also while signed in (as another user or the same one): the new session replaces the old. Five
/// wrong passwords lock the account for a while, and the page says so even when the right password follows.</summary>
[IgnoreAntiforgeryToken]
public sealed class SignInModel(SignInManager<AppUser> signIn, UserManager<AppUser> users, IAntiforgery antiforgery, TimeProvider time) : PageModel
{
    [BindProperty]
    public SignInForm Form { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        // Checked here rather than by the filter: a form opened before signing in or out in another tab carries a
        // token for the previous user; instead of a bare 400 the admin gets the form again, with a fresh token.
        if (!await antiforgery.IsRequestValidAsync(HttpContext))
        {
            ModelState.AddModelError(string.Empty, "This sign-in form was opened before you signed in or out in another tab. Enter your email and password again.");
            Form.Password = "";
            return Page();
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var result = await signIn.PasswordSignInAsync(Form.Email.Trim(), Form.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            ModelState.AddModelError(string.Empty, await LockedOutMessageAsync());
            return Page();
        }
        if (!result.Succeeded)
        {
            ModelState.AddModelError(string.Empty, "The email or password is not right.");
            return Page();
        }
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/admin");
    }

    private async Task<string> LockedOutMessageAsync()
    {
        var user = await users.FindByEmailAsync(Form.Email.Trim());
        var end = user is null ? null : await users.GetLockoutEndDateAsync(user);
        var minutes = end is { } until ? (int)Math.Ceiling((until - time.GetUtcNow()).TotalMinutes) : (int)TenantsSetup.LockoutDuration.TotalMinutes;
        return $"This account is locked after too many wrong passwords. Try again in {Math.Max(minutes, 1)} minute{(minutes > 1 ? "s" : "")}; until then even the right password is refused.";
    }

    public sealed class SignInForm
    {
        [Required(ErrorMessage = "Enter your email."), StringLength(256, ErrorMessage = "An email has at most 256 characters.")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your password."), StringLength(200, ErrorMessage = "A password has at most 200 characters.")]
        public string Password { get; set; } = "";
    }
}
