namespace Recur.StripeSandbox.AccountLinks;

public static class AccountLinksApi
{
    public static IEndpointRouteBuilder MapAccountLinks(this IEndpointRouteBuilder app) => app;
}
