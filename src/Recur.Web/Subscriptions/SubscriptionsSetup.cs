namespace Recur.Web.Subscriptions;

public static class SubscriptionsSetup
{
    public static WebApplicationBuilder AddSubscriptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<SubscriptionSync>();
        builder.Services.AddScoped<SubscriptionEvents>();
        builder.Services.AddScoped<SubscriptionActions>();
        builder.Services.AddScoped<CustomerEvents>();
        builder.Services.AddSingleton<CustomerImporter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CustomerImporter>());
        return builder;
    }
}
