using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// Which platforms may act for an account. Kept in the account's <see cref="StoredObject.Meta"/> under
/// <c>connections</c>: platform → <c>{ method: "oauth" | "created" }</c>.
/// </summary>
public static class AccountAccess
{
    public static bool IsConnected(StoredObject account, string platform) =>
        account.Meta["connections"] is JsonObject connections && connections.ContainsKey(platform);

    public static string? Method(StoredObject account, string platform) =>
        account.Meta["connections"]?[platform]?["method"]?.ToString();

    public static IReadOnlyList<string> Platforms(StoredObject account) =>
        account.Meta["connections"] is JsonObject connections ? connections.Select(kv => kv.Key).ToList() : [];

    public static void Connect(StoredObject account, string platform, string method)
    {
        if (account.Meta["connections"] is not JsonObject connections)
        {
            connections = [];
            account.Meta["connections"] = connections;
        }

        connections[platform] = new JsonObject { ["method"] = method };
    }

    public static void Disconnect(StoredObject account, string platform) =>
        (account.Meta["connections"] as JsonObject)?.Remove(platform);
}
