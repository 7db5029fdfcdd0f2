using Recur.StripeSandbox.Tests.WebhookEndpoints;
using Stripe;

namespace Recur.StripeSandbox.Tests.OAuth;

public sealed class OAuthCodeExpiryTests(ManualClockSandbox sandbox) : IClassFixture<ManualClockSandbox>
{
    [Fact]
    public async Task A_code_is_refused_with_invalid_grant_five_minutes_after_it_was_issued()
    {
        var platform = sandbox.NewPlatform();
        var fresh = await OAuthFlow.CodeAsync(platform.Test);
        var stale = await OAuthFlow.CodeAsync(platform.Test);

        sandbox.Time.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(59));
        var token = await OAuthFlow.Exchange(platform.Test, fresh);
        sandbox.Time.Advance(TimeSpan.FromSeconds(1));
        var expired = await Assert.ThrowsAsync<StripeException>(() => OAuthFlow.Exchange(platform.Test, stale));

        Assert.StartsWith("acct_", token.StripeUserId);
        Assert.Equal("invalid_grant", expired.StripeError.Error);
        Assert.Contains("expired", expired.StripeError.ErrorDescription);
    }
}
