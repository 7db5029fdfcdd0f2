using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Recur.Web.Tenants;

namespace Recur.Web.Pages.Admin.Account;

/// <summary>Changes the signed-in admin's password: the current one first, the new one under the same policy as
/// sign-up. The security stamp changes with it, so every other session of this user ends at its next request; this
/// browser is signed in again and stays.</summary>
public sealed class PasswordModel(UserManager<AppUser> users, SignInManager<AppUser> signIn) : PageModel
{
    [BindProperty]
    public PasswordForm Form { get; set; } = new();

    public bool Changed { get; private set; }

    public void OnGet(bool changed = false) => Changed = changed;

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }
        if (Form.NewPassword != Form.ConfirmPassword)
        {
            ModelState.AddModelError("Form.ConfirmPassword", "The new password and its confirmation differ.");
            return Page();
        }
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }
        var result = await users.ChangePasswordAsync(user, Form.CurrentPassword, Form.NewPassword);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                var field = error.Code == "PasswordMismatch" ? "Form.CurrentPassword" : "Form.NewPassword";
                ModelState.AddModelError(field, error.Code == "PasswordMismatch" ? "The current password is not right." : error.Description);
            }
            return Page();
        }
        await signIn.RefreshSignInAsync(user);
        return RedirectToPage(new { changed = true });
    }

    public sealed class PasswordForm
    {
        [Required(ErrorMessage = "Enter your current password."), StringLength(200, ErrorMessage = "A password has at most 200 characters.")]
        public string CurrentPassword { get; set; } = "";

        [Required(ErrorMessage = "Enter a new password."), StringLength(200, ErrorMessage = "A password has at most 200 characters.")]
        public string NewPassword { get; set; } = "";

        [Required(ErrorMessage = "Enter the new password again."), StringLength(200, ErrorMessage = "A password has at most 200 characters.")]
        public string ConfirmPassword { get; set; } = "";
    }
}
