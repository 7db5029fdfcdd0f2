using System.Collections.Frozen;
using Microsoft.AspNetCore.Identity;

namespace Recur.Web.Tenants;

/// <summary>
/// Refuses the passwords people choose most often (a short list shipped inside Recur as
/// <c>Tenants/common-passwords.txt</c>): whatever the length, a password on every attacker's first list is no
/// protection. Compared without regard to case.
/// </summary>
public sealed class CommonPasswords : IPasswordValidator<AppUser>
{
    public const string ErrorCode = "CommonPassword";
    public const string Message = "This password is one of the most commonly used, so it is easy to guess: choose another.";

    private static readonly Lazy<FrozenSet<string>> Passwords = new(Load);

    public static bool IsCommon(string password) => Passwords.Value.Contains(password.Trim());

    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password) =>
        Task.FromResult(password is not null && IsCommon(password)
            ? IdentityResult.Failed(new IdentityError { Code = ErrorCode, Description = Message })
            : IdentityResult.Success);

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream("Recur.Web.Tenants.common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list is not embedded in Recur.Web.");
        using var reader = new StreamReader(stream);
        var passwords = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0 && !trimmed.StartsWith('#'))
            {
                passwords.Add(trimmed);
            }
        }
        return passwords.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }
}
