namespace Recur.StripeSandbox.Dashboard;

public static class DashboardPages
{
    public static IEndpointRouteBuilder MapDashboardPages(this IEndpointRouteBuilder app) => app;
}
