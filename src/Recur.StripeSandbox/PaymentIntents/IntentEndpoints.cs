using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.PaymentIntents;

/// <summary>
/// The parts of <c>/v1/payment_intents</c> and <c>/v1/setup_intents</c> that read the same: a create call's
/// <c>confirm</c>, retrieve and confirm (the intent by id, reached with a publishable key only through its
/// <c>client_secret</c>), and the <c>cancellation_reason</c> of a cancel. <c>kind</c> is the intent's object type
/// (<c>payment_intent</c> or <c>setup_intent</c>), <c>objectName</c> its name in messages.
/// </summary>
public static class IntentEndpoints
{
    /// <summary>
    /// A create call's <c>confirm</c> flag (null when not sent). The <paramref name="confirmOnly"/> parameters are
    /// read only by a confirmation, so without <c>confirm=true</c> the first of them that was sent is refused.
    /// </summary>
    public static IResult? ConfirmFlag(StripeParams p, string[] confirmOnly, string objectName, out bool? confirm)
    {
        if (!p.TryBool("confirm", out confirm))
        {
            return StripeErrors.InvalidRequest($"Invalid boolean: {p.String("confirm")}", "confirm");
        }

        if (confirm != true && confirmOnly.FirstOrDefault(p.Has) is { } given)
        {
            return StripeErrors.InvalidRequest(
                $"You can only pass {given} when confirm=true: confirm the {objectName} in the same call, or pass it to the confirm call.",
                given);
        }

        return null;
    }

    /// <summary><c>GET /v1/{intents}/{id}</c>.</summary>
    public static IResult Retrieve(StripeRequest request, string id, string kind, string objectName)
    {
        var unknown = request.Params.Unknown(null, "client_secret");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var intent = request.Find(id, kind);
        if (intent is null)
        {
            return StripeErrors.NotFound(kind, id);
        }

        return IntentSupport.CheckClientSecret(request, intent, objectName) ?? request.Respond(intent.Data);
    }

    /// <summary>
    /// <c>POST /v1/{intents}/{id}/confirm</c>: checks the call and the intent, reads the <see cref="ConfirmInput"/>
    /// (<paramref name="payment"/>: a PaymentIntent's parameters, else a SetupIntent's) and hands it to
    /// <paramref name="confirm"/>, the intent's flow.
    /// </summary>
    public static IResult Confirm(StripeRequest request, string id, string kind, string objectName, bool payment,
        Func<ConfirmInput, IntentResult> confirm)
    {
        var unknown = request.Params.Unknown(null, payment ? ConfirmInput.PaymentParameters : ConfirmInput.SetupParameters);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var intent = request.Find(id, kind);
        if (intent is null)
        {
            return StripeErrors.NotFound(kind, id);
        }

        var error = IntentSupport.CheckClientSecret(request, intent, objectName);
        if (error is not null)
        {
            return error;
        }

        error = ConfirmInput.Parse(request, payment, out var input);
        if (error is not null)
        {
            return error;
        }

        var result = confirm(input);
        return result.Error ?? request.Respond(result.Intent!.Data);
    }

    /// <summary>A cancel call's only parameter, <c>cancellation_reason</c>: absent, or one of <paramref name="reasons"/>.</summary>
    public static IResult? CancellationReason(StripeRequest request, string[] reasons, out string? reason)
    {
        reason = null;
        var unknown = request.Params.Unknown(null, "cancellation_reason");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        reason = request.Params.String("cancellation_reason");
        if (reason is not null && !reasons.Contains(reason))
        {
            return StripeErrors.InvalidRequest(
                $"Invalid cancellation_reason: must be one of {string.Join(", ", reasons)}", "cancellation_reason");
        }

        return null;
    }
}
