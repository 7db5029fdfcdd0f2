namespace Recur.StripeSandbox.Events;

public static class EventsApi
{
    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder app) => app;
}
