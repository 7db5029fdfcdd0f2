using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Accounts;

/// <summary>Builds and changes account objects the way Stripe would.</summary>
public static class AccountObjects
{
    /// <summary>
    /// A Standard account that belongs to no platform yet and is fully onboarded: the Stripe account an existing
    /// Stripe user signs in to on the OAuth page. It is not saved.
    /// </summary>
    public static StoredObject NewStandalone(string email, string? businessName, string country, bool livemode, long now)
    {
        var id = Ids.New("acct", 16);
        return new StoredObject
        {
            Id = id, Kind = "account", Platform = "", Livemode = livemode, Created = now,
            Data = new JsonObject
            {
                ["id"] = id, ["object"] = "account", ["email"] = email, ["country"] = country,
                ["business_profile"] = new JsonObject { ["name"] = businessName },
                ["details_submitted"] = true, ["charges_enabled"] = true, ["payouts_enabled"] = true,
            },
        };
    }
}
