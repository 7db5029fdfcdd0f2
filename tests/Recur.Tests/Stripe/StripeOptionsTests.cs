using Recur.Web.Stripe;

namespace Recur.Tests.Stripe;

public sealed class StripeOptionsTests
{
    private static StripeOptions Configure(StripeEnvironment environment, StripeOptions options)
    {
        new StripeOptionsDefaults().PostConfigure(environment.ToString(), options);
        return options;
    }

    private static IReadOnlyList<string> Failures(StripeEnvironment environment, StripeOptions options)
    {
        var result = new StripeOptionsValidation().Validate(environment.ToString(), Configure(environment, options));
        return result.Failed ? result.Failures!.ToList() : [];
    }

    [Fact]
    public void Unconfigured_test_environment_uses_the_embedded_sandbox_with_test_keys()
    {
        var options = Configure(StripeEnvironment.Test, new StripeOptions());

        Assert.True(options.UsesEmbeddedSandbox);
        Assert.Equal("sk_test_recur", options.SecretKey);
        Assert.Equal("pk_test_recur", options.PublishableKey);
        Assert.Equal("ca_recur", options.ClientId);
        Assert.Empty(Failures(StripeEnvironment.Test, new StripeOptions()));
    }

    [Fact]
    public void Unconfigured_production_environment_uses_the_embedded_sandbox_with_live_keys()
    {
        var options = Configure(StripeEnvironment.Production, new StripeOptions());

        Assert.True(options.UsesEmbeddedSandbox);
        Assert.Equal("sk_live_recur", options.SecretKey);
        Assert.Equal("pk_live_recur", options.PublishableKey);
        Assert.Equal("ca_recur", options.ClientId);
    }

    [Fact]
    public void Own_keys_on_the_sandbox_make_their_own_platform_and_client_id()
    {
        var options = Configure(StripeEnvironment.Test, new StripeOptions { SecretKey = "sk_test_abc", UseEmbeddedSandbox = true });

        Assert.Equal("pk_test_abc", options.PublishableKey);
        Assert.Equal("ca_abc", options.ClientId);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("100.01")]
    [InlineData("2.505")]
    public void An_application_fee_outside_0_to_100_percent_is_refused_at_start(string percent)
    {
        var failures = Failures(StripeEnvironment.Test, new StripeOptions { ApplicationFeePercent = decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(["Stripe:Test:ApplicationFeePercent must be a percentage from 0 to 100 with at most two decimals."], failures);
    }

    [Fact]
    public void The_fee_payer_is_the_application_or_the_account_and_nothing_else()
    {
        var failures = Failures(StripeEnvironment.Production, new StripeOptions { FeePayer = "stripe" });

        Assert.Equal(["Stripe:Production:FeePayer must be application or account."], failures);
        Assert.Equal("application", new StripeOptions().FeePayer);
        Assert.Equal(0m, new StripeOptions().ApplicationFeePercent);
        Assert.Empty(Failures(StripeEnvironment.Test, new StripeOptions { FeePayer = "account", ApplicationFeePercent = 100m }));
    }

    [Fact]
    public void A_live_key_in_the_test_environment_is_refused_at_start()
    {
        var failures = Failures(StripeEnvironment.Test, new StripeOptions
        {
            SecretKey = "sk_live_123", PublishableKey = "pk_live_123", ClientId = "ca_123", WebhookSecret = "whsec_1",
        });

        Assert.Contains("Stripe:Test:SecretKey must start with sk_test_.", failures);
        Assert.Contains("Stripe:Test:PublishableKey must start with pk_test_.", failures);
    }

    [Fact]
    public void A_test_key_in_the_production_environment_is_refused_at_start()
    {
        var failures = Failures(StripeEnvironment.Production, new StripeOptions
        {
            SecretKey = "sk_test_123", PublishableKey = "pk_live_123", ClientId = "ca_123", WebhookSecret = "whsec_1",
        });

        Assert.Equal(["Stripe:Production:SecretKey must start with sk_live_."], failures);
    }

    [Fact]
    public void Real_stripe_needs_every_credential_but_not_a_webhook_secret_since_recur_creates_its_endpoint()
    {
        var failures = Failures(StripeEnvironment.Production, new StripeOptions { SecretKey = "sk_live_123" });

        Assert.Equal(["Stripe:Production:PublishableKey is required.", "Stripe:Production:ClientId is required."], failures);
    }

    [Fact]
    public void Malformed_client_id_secret_and_urls_are_refused()
    {
        var failures = Failures(StripeEnvironment.Test, new StripeOptions
        {
            SecretKey = "sk_test_1", PublishableKey = "pk_test_1", ClientId = "client", WebhookSecret = "secret",
            ApiBase = "not a url", ConnectBase = "ftp://connect", DashboardUrl = "dashboard/{account}",
        });

        Assert.Contains("Stripe:Test:ClientId must start with ca_.", failures);
        Assert.Contains("Stripe:Test:WebhookSecret must start with whsec_.", failures);
        Assert.Contains("Stripe:Test:ApiBase must be an absolute http(s) URL.", failures);
        Assert.Contains("Stripe:Test:ConnectBase must be an absolute http(s) URL.", failures);
        Assert.Contains("Stripe:Test:DashboardUrl must be an absolute http(s) URL.", failures);
    }

    [Fact]
    public void Fully_configured_real_stripe_passes()
    {
        Assert.Empty(Failures(StripeEnvironment.Production, new StripeOptions
        {
            SecretKey = "sk_live_123", PublishableKey = "pk_live_123", ClientId = "ca_123", WebhookSecret = "whsec_123",
        }));
    }
}
