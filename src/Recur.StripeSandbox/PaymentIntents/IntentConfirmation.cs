using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.PaymentIntents;

/// <summary>What <see cref="IntentConfirmation.EndChallenge"/> hands on: the intent, a copy of its data to change, and its PaymentMethod.</summary>
public sealed record EndedChallenge(StoredObject Intent, JsonObject Data, StoredObject PaymentMethod);

/// <summary>
/// The steps <see cref="PaymentIntentFlow"/> and <see cref="SetupIntents.SetupIntentFlow"/> take alike around an
/// attempt: confirming an intent by id, and taking up the intent a 3-D Secure challenge was for when the challenge
/// ends. What the attempt then does is each flow's own.
/// </summary>
public static class IntentConfirmation
{
    /// <summary>
    /// Confirms intent <paramref name="id"/> of <paramref name="kind"/> (404 when <paramref name="caller"/> cannot see
    /// it): under the store's gate <paramref name="confirmLocked"/> makes the attempt, and a copy of the intent as it
    /// left it is returned; the step's events and outcome callbacks follow once the gate is released.
    /// </summary>
    public static IntentResult Confirm(SandboxStore store, SandboxEvents events, ApiCaller caller, string id, string kind,
        string? idempotencyKey, Func<StoredObject, PaymentStep, IntentResult> confirmLocked)
    {
        var step = new PaymentStep();
        IntentResult result;
        lock (store.Gate)
        {
            var intent = store.Find(id);
            if (intent is null || intent.Kind != kind || !caller.CanSee(intent))
            {
                return new IntentResult(null, StripeErrors.NotFound(kind, id));
            }

            result = confirmLocked(intent, step).Frozen();
        }

        step.Finish(events, store, idempotencyKey);
        return result;
    }

    /// <summary>
    /// Under the gate: a challenge of the hosted 3-D Secure page has ended. Deletes it; returns the intent of
    /// <paramref name="kind"/> it was for (its challenge dropped), a copy of the intent's data without
    /// <c>next_action</c>, and the PaymentMethod being confirmed. Null when the intent no longer waits for this
    /// challenge or its PaymentMethod is gone.
    /// </summary>
    public static EndedChallenge? EndChallenge(SandboxStore store, StoredObject challenge, string kind)
    {
        var intent = store.Find(challenge.Meta["intent"]!.ToString());
        store.Delete(challenge.Id);
        if (intent is null || intent.Kind != kind || intent.Data["status"]?.ToString() != "requires_action"
            || intent.Meta["challenge"]?.ToString() != challenge.Id)
        {
            return null;
        }

        IntentSupport.DropChallenge(store, intent);
        var data = intent.Data.DeepClone().AsObject();
        data["next_action"] = null;
        var paymentMethod = store.Find(data["payment_method"]?.ToString() ?? "");
        return paymentMethod is null ? null : new EndedChallenge(intent, data, paymentMethod);
    }
}
