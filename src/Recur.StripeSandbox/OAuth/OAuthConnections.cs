using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.OAuth;

/// <summary>
/// Connecting a Standard account to a platform through OAuth and disconnecting it again, whichever side asks:
/// the platform (<c>/oauth/deauthorize</c>), the account holder (the dashboard's Disconnect button) or Stripe itself
/// (an authorization code used twice). Each change sends the platform <c>account.application.authorized</c> or
/// <c>account.application.deauthorized</c>, whose <c>data.object</c> is the platform's <c>application</c>.
/// </summary>
public sealed class OAuthConnections(SandboxStore store, SandboxEvents events)
{
    public const string Method = "oauth";

    /// <summary>The platform as Stripe shows it to connected accounts: <c>{id: "ca_X", object: "application", name}</c>.</summary>
    public static JsonObject Application(string platform) => new()
    {
        ["id"] = $"ca_{platform}",
        ["object"] = "application",
        ["name"] = platform,
    };

    /// <summary>The platform named by a client id <c>ca_X</c>; null when the id is not one.</summary>
    public static string? PlatformOf(string? clientId)
    {
        if (clientId is null || !clientId.StartsWith("ca_", StringComparison.Ordinal))
        {
            return null;
        }

        var platform = clientId[3..];
        return platform.Length > 0 && platform.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? platform : null;
    }

    /// <summary>Whether the account is linked to the platform through OAuth, so that either side may undo it.</summary>
    public static bool IsOAuthConnected(StoredObject account, string platform) =>
        AccountAccess.IsConnected(account, platform) && AccountAccess.Method(account, platform) == Method;

    /// <summary>Links the account to the platform through OAuth (again, if it already was) and tells the platform.</summary>
    public void Connect(string accountId, string platform)
    {
        StoredObject account;
        lock (store.Gate)
        {
            account = store.Find(accountId) ?? throw new InvalidOperationException($"No account {accountId}.");
            Change(account, a => AccountAccess.Connect(a, platform, Method));
        }

        events.Publish("account.application.authorized", Application(platform), account.Livemode, account.Id, [platform]);
    }

    /// <summary>
    /// Removes an OAuth connection and tells the platform. The platform is named explicitly as the event's target
    /// because it is no longer connected to the account. False when there was no such connection.
    /// </summary>
    public bool Disconnect(string accountId, string platform)
    {
        StoredObject? account;
        lock (store.Gate)
        {
            account = store.Find(accountId);
            if (account is not { Kind: "account" } || !IsOAuthConnected(account, platform))
            {
                return false;
            }

            Change(account, a => AccountAccess.Disconnect(a, platform));
        }

        events.Publish("account.application.deauthorized", Application(platform), account.Livemode, account.Id, [platform]);
        return true;
    }

    /// <summary>
    /// Changes the account's bookkeeping on a copy that then replaces it, so that requests reading the account
    /// without the gate never see it half changed. Called under the gate, with the stored account.
    /// </summary>
    private void Change(StoredObject account, Action<StoredObject> change)
    {
        account.Meta = account.Meta.DeepClone().AsObject();
        change(account);
        store.Save(account);
    }
}
