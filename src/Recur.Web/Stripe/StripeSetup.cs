using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Recur.Web.Stripe;

public static class StripeSetup
{
    /// <summary>Options per environment (validated at start), the embedded sandbox, one client per environment and
    /// the self-registration of Recur's webhook endpoints.</summary>
    public static WebApplicationBuilder AddStripe(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);

        foreach (var environment in StripeEnvironmentNames.All)
        {
            services.AddOptions<StripeOptions>(environment.ToString())
                .Bind(builder.Configuration.GetSection($"{StripeOptions.Section}:{environment}"))
                .ValidateOnStart();
        }
        services.AddSingleton<IPostConfigureOptions<StripeOptions>, StripeOptionsDefaults>();
        services.AddSingleton<IValidateOptions<StripeOptions>, StripeOptionsValidation>();
        services.AddOptions<SandboxHostOptions>().Bind(builder.Configuration.GetSection(SandboxHostOptions.Section));

        services.AddHttpClient(StripeClients.HttpClientName);
        services.AddSingleton<EmbeddedSandbox>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedSandbox>());
        services.AddSingleton<StripeClients>();
        services.AddOptions<StripeWriteOptions>().BindConfiguration(StripeWriteOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StripeWrites>();
        services.AddSingleton<WebhookSecrets>();
        // Encrypts the webhook signing secrets Recur stores; the key ring is ASP.NET Core's (see README).
        services.AddDataProtection();
        services.AddSingleton<RecurUrls>();
        services.AddSingleton<WebhookEndpointRegistration>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookEndpointRegistration>());

        services.AddHealthChecks().AddCheck<StripeHealthCheck>("stripe");
        return builder;
    }
}
