using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.PaymentIntents;
using Recur.StripeSandbox.Scheduling;

namespace Recur.StripeSandbox.Refunds;

/// <summary>
/// <c>/v1/refunds</c> (https://docs.stripe.com/api/refunds): create for a <c>charge</c> or a <c>payment_intent</c>
/// (all that is left, or <c>amount</c>), retrieve, list (filters <c>charge</c>, <c>payment_intent</c>), update (only
/// <c>metadata</c>: "This request only accepts metadata as an argument") and cancel (only a refund in
/// <c>requires_action</c>, which neither cards nor Bacs Direct Debit refunds enter:
/// https://docs.stripe.com/api/refunds/cancel). What a refund does is <see cref="RefundFlow"/>'s.
/// </summary>
public static class RefundsApi
{
    private const string Url = "/v1/refunds";
    private static readonly string[] Reasons = ["duplicate", "fraudulent", "requested_by_customer"];

    public static IServiceCollection AddRefunds(this IServiceCollection services)
    {
        services.AddSingleton<RefundFlow>();
        foreach (var kind in new[] { RefundFlow.SucceedWork, RefundFlow.FailWork })
        {
            services.AddScheduledWork(kind, (provider, work, _) =>
            {
                provider.GetRequiredService<RefundFlow>().Finish(work);
                return Task.CompletedTask;
            });
        }

        services.AddHostedService<RefundHooks>();
        return services;
    }

    public static IEndpointRouteBuilder MapRefunds(this IEndpointRouteBuilder app)
    {
        var refunds = app.MapGroup(Url);
        refunds.MapPost("", Create);
        refunds.MapGet("", List);
        refunds.MapGet("/{id}", (string id, StripeRequest request) =>
            request.Find(id, RefundObjects.Kind) is { } refund ? request.Respond(refund.Data) : NotFound(id));
        refunds.MapPost("/{id}", Update);
        refunds.MapPost("/{id}/cancel", Cancel);
        return app;
    }

    private static IResult NotFound(string id) => StripeErrors.NotFound("refund", id);

    private static IResult Create(StripeRequest request, RefundFlow flow)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "amount", "charge", "metadata", "payment_intent", "reason");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (!p.TryLong("amount", out var amount))
        {
            return StripeErrors.InvalidRequest($"Invalid integer: {p.String("amount")}", "amount", "parameter_invalid_integer");
        }

        var reason = p.String("reason");
        if (reason is not null && !Reasons.Contains(reason))
        {
            return StripeErrors.InvalidRequest($"Invalid reason: must be one of {string.Join(", ", Reasons)}", "reason");
        }

        var error = p.NotAString("charge", "payment_intent") ?? p.MetadataError();
        if (error is not null)
        {
            return error;
        }

        var draft = new RefundDraft(p.String("charge"), p.String("payment_intent"), amount, reason, p.MergeMetadata(null));
        return flow.Create(request, draft);
    }

    private static IResult List(StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "charge", "payment_intent", "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var charge = p.String("charge");
        var paymentIntent = p.String("payment_intent");
        return request.RespondList(request.Store.All(RefundObjects.Kind, r => request.Caller.CanSee(r)
            && (charge is null || r.Data["charge"]?.ToString() == charge)
            && (paymentIntent is null || r.Data["payment_intent"]?.ToString() == paymentIntent)), Url);
    }

    private static IResult Update(string id, StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "metadata");
        if (unknown is not null)
        {
            return StripeErrors.InvalidRequest("This request only accepts metadata as an argument.", unknown);
        }

        var error = p.MetadataError();
        if (error is not null)
        {
            return error;
        }

        var batch = new ObjectEventBatch();
        StoredObject? refund;
        lock (request.Store.Gate)
        {
            refund = request.Find(id, RefundObjects.Kind);
            if (refund is null)
            {
                return NotFound(id);
            }

            var before = refund.Data;
            var data = before.DeepClone().AsObject();
            data["metadata"] = p.MergeMetadata(before["metadata"] as System.Text.Json.Nodes.JsonObject);
            var previous = ObjectEvents.PreviousAttributes(before, data);
            if (previous.Count > 0)
            {
                refund.Data = data;
                request.Store.Save(refund);
                if (request.Store.Find(data["charge"]!.ToString()) is { Kind: Charges.Kind } charge)
                {
                    RefundObjects.UpdateCharge(request.Store, charge, 0);
                }

                batch.Add("refund.updated", refund, previous);
            }
        }

        batch.Publish(request.Events, request.Store, request.IdempotencyKey);
        return request.Respond(refund.Data);
    }

    private static IResult Cancel(string id, StripeRequest request)
    {
        var unknown = request.Params.Unknown(null);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (request.Find(id, RefundObjects.Kind) is not { } refund)
        {
            return NotFound(id);
        }

        return StripeErrors.InvalidRequest(
            $"You can't cancel refund {id} because it has a status of {RefundObjects.Status(refund)}. Only refunds with a status of requires_action can be canceled.",
            null);
    }
}

/// <summary>Lets Bacs refunds that wait for their payment hear how it ended (<see cref="RefundFlow.OnPaymentIntent"/>).</summary>
public sealed class RefundHooks(PaymentIntentOutcomes paymentIntents, RefundFlow refunds) : IHostedLifecycleService, IDisposable
{
    private IDisposable? _subscription;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _subscription ??= paymentIntents.Subscribe(refunds.OnPaymentIntent);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => StartingAsync(cancellationToken);

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _subscription?.Dispose();
}
