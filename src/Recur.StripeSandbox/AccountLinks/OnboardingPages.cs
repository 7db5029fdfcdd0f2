namespace Recur.StripeSandbox.AccountLinks;

public static class OnboardingPages
{
    public static IEndpointRouteBuilder MapOnboardingPages(this IEndpointRouteBuilder app) => app;
}
