namespace Recur.StripeSandbox.LoginLinks;

public static class LoginLinksApi
{
    public static IEndpointRouteBuilder MapLoginLinks(this IEndpointRouteBuilder app) => app;
}
