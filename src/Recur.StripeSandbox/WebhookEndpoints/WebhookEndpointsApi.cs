namespace Recur.StripeSandbox.WebhookEndpoints;

public static class WebhookEndpointsApi
{
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app) => app;
}
