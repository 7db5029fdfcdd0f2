using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Accounts;

/// <summary>
/// Every change to an existing account goes through <see cref="Apply"/>: the change runs on a copy under the store's
/// gate, <see cref="AccountRequirements.Recompute"/> works out what follows, the account is saved, and the platforms
/// connected to it hear about it as Stripe tells them: <c>account.external_account.created|deleted</c>,
/// <c>capability.updated</c>, then <c>account.updated</c> with <c>previous_attributes</c>.
/// </summary>
public static class AccountChanges
{
    /// <summary>The saved account, or the error the change returned (nothing saved then).</summary>
    public sealed record Outcome(StoredObject? Account, IResult? Error);

    /// <param name="change">Changes the copy; returns an error to abandon the change.</param>
    /// <param name="announce">Send <c>account.updated</c> even when no field changed (the holder went through onboarding).</param>
    public static Outcome Apply(SandboxStore store, SandboxEvents events, string accountId,
        Func<StoredObject, IResult?> change, string? idempotencyKey = null, bool announce = false)
    {
        StoredObject before;
        StoredObject after;
        lock (store.Gate)
        {
            var current = store.Find(accountId);
            if (current is null || current.Kind != "account")
            {
                return new Outcome(null, StripeErrors.NotFound("account", accountId));
            }

            before = current.Copy();
            var working = current.Copy();
            var error = change(working);
            if (error is not null)
            {
                return new Outcome(null, error);
            }

            working.Data = AccountRequirements.Recompute(working.Data, working.Meta);
            store.Save(working);
            after = working.Copy();
        }

        Publish(events, before, after, idempotencyKey, announce);
        return new Outcome(after, null);
    }

    private static void Publish(SandboxEvents events, StoredObject before, StoredObject after, string? idempotencyKey, bool announce)
    {
        var platforms = AccountAccess.Platforms(after);
        if (platforms.Count == 0)
        {
            return;
        }

        void Send(string type, JsonObject obj, JsonObject? previous = null) =>
            events.Publish(type, obj, after.Livemode, after.Id, platforms, previous, idempotencyKey);

        var oldBanks = BankAccountsOf(before.Data);
        var newBanks = BankAccountsOf(after.Data);
        foreach (var (id, bank) in newBanks.Where(b => !oldBanks.ContainsKey(b.Key)))
        {
            Send("account.external_account.created", bank);
        }

        foreach (var (id, bank) in newBanks.Where(b => oldBanks.ContainsKey(b.Key)))
        {
            var previous = ObjectEvents.PreviousAttributes(oldBanks[id], bank);
            if (previous.Count > 0)
            {
                Send("account.external_account.updated", bank, previous);
            }
        }

        foreach (var (_, bank) in oldBanks.Where(b => !newBanks.ContainsKey(b.Key)))
        {
            var deleted = bank.DeepClone().AsObject();
            deleted["deleted"] = true;
            Send("account.external_account.deleted", deleted);
        }

        var names = Capabilities.Requested(before.Meta).Keys.Union(Capabilities.Requested(after.Meta).Keys).Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var old = Capabilities.ToObject(before, name);
            var now = Capabilities.ToObject(after, name);
            var previous = ObjectEvents.PreviousAttributes(old, now);
            if (previous.Count > 0)
            {
                Send("capability.updated", now, previous);
            }
        }

        var changed = ObjectEvents.PreviousAttributes(before.Data, after.Data);
        if (changed.Count > 0 || announce)
        {
            Send("account.updated", after.Data, changed);
        }
    }

    private static Dictionary<string, JsonObject> BankAccountsOf(JsonObject account) =>
        (account["external_accounts"]?["data"] as JsonArray ?? [])
        .OfType<JsonObject>()
        .ToDictionary(b => b["id"]!.ToString(), b => b);
}
