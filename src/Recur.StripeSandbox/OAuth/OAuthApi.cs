namespace Recur.StripeSandbox.OAuth;

public static class OAuthApi
{
    public static IEndpointRouteBuilder MapOAuth(this IEndpointRouteBuilder app) => app;
}
