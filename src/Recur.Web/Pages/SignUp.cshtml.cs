using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Recur.Web.Tenants;

namespace Recur.Web.Pages;

public sealed class SignUpModel(TenantSignUp signUp) : PageModel
{
    [BindProperty]
    public SignUpForm Form { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var result = await signUp.SignUpAsync(new SignUpRequest(Form.BusinessName, Form.Email, Form.Password), cancellationToken);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(string.Empty, error);
            }
            return Page();
        }
        return LocalRedirect("/admin");
    }

    public sealed class SignUpForm
    {
        [Required(ErrorMessage = "Enter your business name."), StringLength(200)]
        public string BusinessName { get; set; } = "";

        [Required(ErrorMessage = "Enter your email."), EmailAddress(ErrorMessage = "Enter a valid email."), StringLength(256)]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Choose a password."), StringLength(200, MinimumLength = TenantsSetup.MinimumPasswordLength, ErrorMessage = "The password needs at least 12 characters.")]
        public string Password { get; set; } = "";
    }
}
