namespace Recur.Web.Subscriptions;

public static class SubscriptionsSetup
{
    public static WebApplicationBuilder AddSubscriptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<SubscriptionSync>();
        builder.Services.AddScoped<SubscriptionEvents>();
        builder.Services.AddScoped<SubscriptionActions>();
        return builder;
    }
}
