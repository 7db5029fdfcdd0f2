using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// The <c>created</c> filter Stripe's list endpoints take: <c>created=&lt;unix&gt;</c> or
/// <c>created[gt|gte|lt|lte]=&lt;unix&gt;</c> (events: https://docs.stripe.com/api/events/list#list_events-created,
/// subscriptions: https://docs.stripe.com/api/subscriptions/list#list_subscriptions-created, invoices:
/// https://docs.stripe.com/api/invoices/list#list_invoices-created). A malformed bound is Stripe's 400.
/// </summary>
public sealed record CreatedFilter(long? Equal, long? Gt, long? Gte, long? Lt, long? Lte, IResult? Error)
{
    public bool Matches(long created) =>
        (Equal is null || created == Equal) && (Gt is null || created > Gt) && (Gte is null || created >= Gte)
        && (Lt is null || created < Lt) && (Lte is null || created <= Lte);

    public static CreatedFilter Parse(StripeParams parameters)
    {
        var node = parameters.Node("created");
        if (node is null)
        {
            return new(null, null, null, null, null, null);
        }

        if (node is JsonValue)
        {
            return Long(parameters, "created", out var equal) is { } error
                ? Failed(error)
                : new(equal, null, null, null, null, null);
        }

        if (node is JsonObject bounds)
        {
            var unknown = bounds.Select(b => b.Key).FirstOrDefault(k => k is not ("gt" or "gte" or "lt" or "lte"));
            if (unknown is not null)
            {
                return Failed(StripeErrors.InvalidRequest($"Received unknown parameter: created[{unknown}]", $"created[{unknown}]", "parameter_unknown"));
            }

            var errors = new[]
            {
                Long(parameters, "created.gt", out var gt), Long(parameters, "created.gte", out var gte),
                Long(parameters, "created.lt", out var lt), Long(parameters, "created.lte", out var lte),
            };
            var error = errors.FirstOrDefault(e => e is not null);
            return error is null ? new(null, gt, gte, lt, lte, null) : Failed(error);
        }

        return Failed(StripeErrors.InvalidRequest("Invalid created: pass an integer or a hash of gt, gte, lt, lte.", "created"));
    }

    private static IResult? Long(StripeParams parameters, string path, out long? value)
    {
        if (parameters.TryLong(path, out value))
        {
            return null;
        }

        var name = path.Contains('.', StringComparison.Ordinal) ? $"created[{path.Split('.')[1]}]" : path;
        return StripeErrors.InvalidRequest($"Invalid integer: {parameters.String(path)}", name, "parameter_invalid_integer");
    }

    private static CreatedFilter Failed(IResult error) => new(null, null, null, null, null, error);
}
