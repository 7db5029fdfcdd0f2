using System.Net;
using Recur.Tests.Infrastructure;

namespace Recur.Tests.Webhooks;

/// <summary>No <c>Recur:OperatorEmails</c> and every environment on the embedded sandbox (a developer's machine).</summary>
public sealed class EmbeddedOperatorTests(RecurFactory factory) : IClassFixture<RecurFactory>
{
    [Fact]
    public async Task On_the_embedded_sandbox_the_first_tenants_admin_is_the_operator_and_a_later_tenants_admin_is_not()
    {
        var (first, _) = await factory.SignUpTenantAsync("First Platform Ltd");
        var (later, _) = await factory.SignUpTenantAsync("Later Merchant Ltd");

        var firstAdmin = await first.GetAsync("/admin");
        var laterAdmin = await later.GetAsync("/admin");
        var view = await first.GetAsync("/admin/operator");
        using var refused = await later.GetRawAsync("/admin/operator");

        Assert.Contains("<a href=\"/admin/operator\" data-testid=\"nav-operator\">Operator</a>", firstAdmin.Html);
        Assert.DoesNotContain("/admin/operator", laterAdmin.Html);
        Assert.Equal("/admin/operator", view.Url.AbsolutePath);
        Assert.Contains("Operator: Stripe webhooks", view.Text);
        Assert.Equal("Registered by Recur", view.TestId("endpoint-state-test"));
        Assert.StartsWith("we_", view.TestId("endpoint-id-production"));
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/signin", refused.Headers.Location!.ToString());
    }
}
