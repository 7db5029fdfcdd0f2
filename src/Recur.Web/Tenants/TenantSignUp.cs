using Microsoft.AspNetCore.Identity;
using Recur.Web.Data;

namespace Recur.Web.Tenants;

public sealed record SignUpRequest(string BusinessName, string Email, string Password);

public sealed record SignUpResult(bool Succeeded, IReadOnlyList<string> Errors)
{
    public static SignUpResult Success { get; } = new(true, []);
}

/// <summary>Creates a tenant together with its first admin and signs the admin in.</summary>
public sealed partial class TenantSignUp(
    AppDbContext db,
    UserManager<AppUser> users,
    SignInManager<AppUser> signIn,
    TimeProvider time,
    ILogger<TenantSignUp> logger)
{
    public async Task<SignUpResult> SignUpAsync(SignUpRequest request, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var tenant = new Tenant(request.BusinessName.Trim(), request.Email.Trim(), time.GetUtcNow());
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync(cancellationToken);

        var user = new AppUser
        {
            UserName = request.Email.Trim(),
            Email = request.Email.Trim(),
            TenantId = tenant.Id,
            IsAdmin = true,
        };
        var created = await users.CreateAsync(user, request.Password);
        if (!created.Succeeded)
        {
            return new SignUpResult(false, created.Errors.Select(e => e.Description).ToList());
        }

        await transaction.CommitAsync(cancellationToken);
        LogTenantCreated(logger, tenant.Id, user.Id);
        await signIn.SignInAsync(user, isPersistent: false);
        return SignUpResult.Success;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} created with admin {UserId}")]
    private static partial void LogTenantCreated(ILogger logger, Guid tenantId, string userId);
}
