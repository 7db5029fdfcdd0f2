using System.Text.Json.Nodes;
using Recur.StripeSandbox.Accounts;

namespace Recur.StripeSandbox.Tests.Accounts;

public sealed class AccountRequirementsTests
{
    private static (JsonObject Data, JsonObject Meta) NewExpress()
    {
        var controller = new JsonObject
        {
            ["type"] = "application", ["requirement_collection"] = "stripe",
            ["stripe_dashboard"] = new JsonObject { ["type"] = "express" },
        };
        var meta = new JsonObject();
        Capabilities.Request(meta, "card_payments", 1);
        Capabilities.Request(meta, "transfers", 1);
        return (AccountObjects.NewData("acct_1Test", 1, "GB", "gbp", controller, "express"), meta);
    }

    [Fact]
    public void Nothing_collected_means_everything_due_and_nothing_enabled()
    {
        var (data, meta) = NewExpress();

        var result = AccountRequirements.Recompute(data, meta);

        Assert.Equal(
            ["business_profile.product_description", "business_profile.support_phone", "business_profile.url",
             "business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"],
            result["requirements"]!["currently_due"]!.AsArray().Select(n => n!.ToString()));
        Assert.Equal("requirements.past_due", result["requirements"]!["disabled_reason"]!.ToString());
        Assert.False(result["charges_enabled"]!.GetValue<bool>());
        Assert.Equal("inactive", result["capabilities"]!["card_payments"]!.ToString());
    }

    [Fact]
    public void A_product_description_stands_in_for_a_website()
    {
        var (data, meta) = NewExpress();
        data["business_profile"]!["product_description"] = "Coffee";

        var due = AccountRequirements.Due(AccountRequirements.Recompute(data, meta));

        Assert.DoesNotContain("business_profile.url", due);
        Assert.DoesNotContain("business_profile.product_description", due);
    }

    [Fact]
    public void Everything_collected_but_not_submitted_keeps_a_stripe_collected_account_disabled()
    {
        var (data, meta) = Complete();

        var result = AccountRequirements.Recompute(data, meta);

        Assert.Empty(result["requirements"]!["currently_due"]!.AsArray());
        Assert.False(result["details_submitted"]!.GetValue<bool>());
        Assert.False(result["charges_enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void Submitted_with_nothing_due_enables_charges_payouts_and_capabilities()
    {
        var (data, meta) = Complete();
        data["details_submitted"] = true;

        var result = AccountRequirements.Recompute(data, meta);

        Assert.True(result["charges_enabled"]!.GetValue<bool>());
        Assert.True(result["payouts_enabled"]!.GetValue<bool>());
        Assert.Equal("active", result["capabilities"]!["card_payments"]!.ToString());
        Assert.Equal("active", result["capabilities"]!["transfers"]!.ToString());
        Assert.Null(result["requirements"]!["disabled_reason"]);
    }

    [Fact]
    public void An_account_without_capabilities_is_told_to_request_some()
    {
        var (data, _) = Complete();
        data["details_submitted"] = true;

        var result = AccountRequirements.Recompute(data, new JsonObject());

        Assert.Equal("action_required.requested_capabilities", result["requirements"]!["disabled_reason"]!.ToString());
        Assert.False(result["charges_enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void Recompute_leaves_its_input_alone()
    {
        var (data, meta) = NewExpress();
        var before = data.ToJsonString();

        AccountRequirements.Recompute(data, meta);

        Assert.Equal(before, data.ToJsonString());
    }

    private static (JsonObject Data, JsonObject Meta) Complete()
    {
        var (data, meta) = NewExpress();
        data["business_type"] = "company";
        data["business_profile"]!["url"] = "https://coffee.example";
        data["business_profile"]!["support_phone"] = "+442079460000";
        data["tos_acceptance"] = new JsonObject { ["date"] = 5, ["ip"] = "203.0.113.7", ["user_agent"] = null };
        BankAccounts.AddDefault(data, BankAccounts.TestAccount("acct_1Test", "GB", "gbp", "Coffee", "company"));
        return (data, meta);
    }
}
