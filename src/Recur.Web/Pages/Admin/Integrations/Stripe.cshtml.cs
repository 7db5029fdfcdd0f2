using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Recur.Web.Data;
using Recur.Web.Edge;
using Recur.Web.Integrations;
using Recur.Web.Stripe;
using Recur.Web.Tenants;

namespace Recur.Web.Pages.Admin.Integrations;

/// <summary>Integrations → Stripe: the settings and the connection card of the selected environment.</summary>
public sealed class StripeModel(
    AppDbContext db,
    ConnectedAccounts accounts,
    OAuthConnect oauth,
    AccountOnboarding onboarding,
    TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "environment")]
    public string? EnvironmentName { get; set; }

    [BindProperty(SupportsGet = true, Name = "outcome")]
    public string? OutcomeCode { get; set; }

    public Tenant Tenant { get; private set; } = null!;
    public StripeEnvironment SelectedEnvironment { get; private set; }
    public StripeConnectionCard Card { get; private set; } = null!;
    public ConnectOutcome? Message { get; private set; }

    public bool CanResumeOnboarding { get; private set; }

    /// <summary>Subscriptions still running on the card's account: flagged once it is disconnected, and next to
    /// Disconnect while it is connected.</summary>
    public int RunningSubscriptions { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Tenant = await db.Tenants.SingleAsync(cancellationToken);
        SelectedEnvironment = StripeEnvironmentNames.TryParse(EnvironmentName, out var environment) ? environment : Tenant.StripeEnvironment;
        var connection = await accounts.FindAsync(SelectedEnvironment, cancellationToken);
        Card = StripeConnectionCard.From(SelectedEnvironment, connection, Tenant.StripeAccountType, time.GetUtcNow());
        Message = ConnectOutcome.Find(OutcomeCode);
        CanResumeOnboarding = connection is { IsLinked: true, LinkMethod: ConnectionLinkMethod.PlatformCreated }
            && (connection.Status.State is ConnectionState.OnboardingIncomplete or ConnectionState.Restricted || connection.CurrentlyDue.Count > 0);
        if (connection is { AccountId.Length: > 0 })
        {
            RunningSubscriptions = await accounts.CountRunningSubscriptionsAsync(connection, cancellationToken);
        }
    }

    public async Task<IActionResult> OnPostSettingsAsync([FromForm] string? environment, [FromForm] string? accountType, CancellationToken cancellationToken)
    {
        if (!StripeEnvironmentNames.TryParse(environment, out var env) || !EnumNames.TryParse<StripeAccountType>(accountType, out var type))
        {
            return BadRequestProblem("Choose an environment (test or production) and an account type (Standard or Express).");
        }
        var tenant = await db.Tenants.SingleAsync(cancellationToken);
        tenant.ChooseStripeSettings(env, type);
        await db.SaveChangesAsync(cancellationToken);
        return Redirect(StripeConnectionCard.PageUrl(env, ConnectOutcome.SettingsSaved));
    }

    /// <summary>The connect buttons submit the Settings form, so they post the environment and account type
    /// selected there (saved first, as Save settings would), even if the admin did not press Save settings.</summary>
    public async Task<IActionResult> OnPostConnectExistingAsync([FromForm] string? environment, [FromForm] string? accountType, CancellationToken cancellationToken)
    {
        if (await ChooseSettingsAsync(environment, accountType, cancellationToken) is not { } env)
        {
            return BadRequestProblem("Choose an environment (test or production) and an account type (Standard or Express).");
        }
        var start = await oauth.StartAsync(env, cancellationToken);
        return Redirect(start.AuthorizeUrl?.ToString() ?? StripeConnectionCard.PageUrl(env, start.Refused));
    }

    public async Task<IActionResult> OnPostCreateAccountAsync([FromForm] string? environment, [FromForm] string? accountType, CancellationToken cancellationToken)
    {
        if (await ChooseSettingsAsync(environment, accountType, cancellationToken) is not { } env)
        {
            return BadRequestProblem("Choose an environment (test or production) and an account type (Standard or Express).");
        }
        var redirect = await onboarding.CreateAccountAsync(env, cancellationToken);
        return Redirect(redirect.Url?.ToString() ?? StripeConnectionCard.PageUrl(env, redirect.Refused));
    }

    /// <summary>Keeps the posted environment and account type as the tenant's settings (an absent account type
    /// leaves the saved one); null when either is not one of the choices.</summary>
    private async Task<StripeEnvironment?> ChooseSettingsAsync(string? environment, string? accountType, CancellationToken cancellationToken)
    {
        if (!StripeEnvironmentNames.TryParse(environment, out var env))
        {
            return null;
        }
        var tenant = await db.Tenants.SingleAsync(cancellationToken);
        var type = tenant.StripeAccountType;
        if (accountType is not null && !EnumNames.TryParse(accountType, out type))
        {
            return null;
        }
        if (!Enum.IsDefined(type))
        {
            return null;
        }
        if (tenant.StripeEnvironment != env || tenant.StripeAccountType != type)
        {
            tenant.ChooseStripeSettings(env, type);
            await db.SaveChangesAsync(cancellationToken);
        }
        return env;
    }

    public async Task<IActionResult> OnPostResumeAsync([FromForm] Guid connectionId, CancellationToken cancellationToken)
    {
        var connection = await FindConnectionAsync(connectionId, cancellationToken);
        if (connection is null)
        {
            return NotFound();
        }
        var redirect = await onboarding.LinkAsync(connection, cancellationToken);
        return Redirect(redirect.Url?.ToString() ?? StripeConnectionCard.PageUrl(connection.Environment, redirect.Refused));
    }

    public async Task<IActionResult> OnPostRefreshAsync([FromForm] Guid connectionId, CancellationToken cancellationToken)
    {
        var connection = await FindConnectionAsync(connectionId, cancellationToken);
        if (connection is null)
        {
            return NotFound();
        }
        var outcome = await accounts.RefreshAsync(connection, cancellationToken);
        return Redirect(StripeConnectionCard.PageUrl(connection.Environment, outcome));
    }

    public const string ConfirmDisconnect = "disconnect";

    /// <summary>Set on <c>?confirm=disconnect</c>: the card asks before disconnecting, saying what will happen.</summary>
    [BindProperty(SupportsGet = true, Name = "confirm")]
    public string? Confirm { get; set; }

    public bool ConfirmingDisconnect => Confirm == ConfirmDisconnect && Card.IsLinked;

    /// <summary>Disconnects only when the confirmation's own button sent <c>confirmed=yes</c>; the first press (or a
    /// stray post) shows the confirmation instead.</summary>
    public async Task<IActionResult> OnPostDisconnectAsync([FromForm] Guid connectionId, [FromForm] string? confirmed, CancellationToken cancellationToken)
    {
        var connection = await FindConnectionAsync(connectionId, cancellationToken);
        if (connection is null)
        {
            return NotFound();
        }
        if (confirmed != "yes")
        {
            return Redirect(StripeConnectionCard.PageUrl(connection.Environment) + "&confirm=" + ConfirmDisconnect);
        }
        var outcome = await accounts.DisconnectAsync(connection, cancellationToken);
        return Redirect(StripeConnectionCard.PageUrl(connection.Environment, outcome));
    }

    public async Task<IActionResult> OnPostDashboardAsync([FromForm] Guid connectionId, CancellationToken cancellationToken)
    {
        var connection = await FindConnectionAsync(connectionId, cancellationToken);
        if (connection is null)
        {
            return NotFound();
        }
        try
        {
            var url = await accounts.DashboardUrlAsync(connection, cancellationToken);
            return Redirect(url?.ToString() ?? StripeConnectionCard.PageUrl(connection.Environment, ConnectOutcome.NotConnected));
        }
        catch (global::Stripe.StripeException)
        {
            return Redirect(StripeConnectionCard.PageUrl(connection.Environment, ConnectOutcome.StripeError));
        }
    }

    /// <summary>Only the signed-in tenant's connections are visible: another tenant's id is simply not found.</summary>
    private Task<StripeConnection?> FindConnectionAsync(Guid id, CancellationToken cancellationToken) =>
        db.StripeConnections.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);

    private static ObjectResult BadRequestProblem(string detail) =>
        new(new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Invalid request.", Detail = detail })
        {
            StatusCode = StatusCodes.Status400BadRequest,
        };
}
