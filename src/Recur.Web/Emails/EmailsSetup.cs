using Microsoft.Extensions.Options;

namespace Recur.Web.Emails;

public static class EmailsSetup
{
    /// <summary>Customer emails written from Stripe events into the outbox (Admin → Emails), and sent over SMTP
    /// when <c>Email:Host</c> is set.</summary>
    public static WebApplicationBuilder AddEmails(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidation>();
        builder.Services.AddScoped<EmailEvents>();
        builder.Services.AddSingleton<OutboxSender>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxSender>());
        return builder;
    }
}
