namespace Recur.StripeSandbox.Accounts;

public static class AccountsApi
{
    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app) => app;
}
