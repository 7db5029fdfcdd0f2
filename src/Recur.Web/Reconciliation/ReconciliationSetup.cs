using Microsoft.Extensions.Options;

namespace Recur.Web.Reconciliation;

public static class ReconciliationSetup
{
    /// <summary>"Reconcile" for an admin (<c>/admin/reconciliation</c>) and the same run in the background.</summary>
    public static WebApplicationBuilder AddReconciliation(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ReconciliationOptions>, ReconciliationOptionsValidation>();
        builder.Services.AddScoped<TenantReconciliation>();
        builder.Services.AddSingleton<ReconciliationService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReconciliationService>());
        return builder;
    }
}
