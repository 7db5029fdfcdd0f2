using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>Stripe's list envelope and cursor pagination over objects that are already newest first.</summary>
public sealed record ListPage(JsonObject? Body, IResult? Error)
{
    public static ListPage Create(IReadOnlyList<StoredObject> newestFirst, StripeParams parameters, string url)
    {
        if (!parameters.TryLong("limit", out var limitValue) || limitValue is < 1 or > 100)
        {
            return Fail(StripeErrors.InvalidRequest(
                "Invalid limit: must be an integer between 1 and 100.", "limit", "parameter_invalid_integer"));
        }

        foreach (var cursor in new[] { "starting_after", "ending_before" })
        {
            if (parameters.Node(cursor) is { } node && node is not JsonValue)
            {
                return Fail(StripeErrors.InvalidRequest($"Invalid string: {cursor} must be an object id.", cursor));
            }
        }

        var limit = (int)(limitValue ?? 10);
        var startingAfter = parameters.String("starting_after");
        var endingBefore = parameters.String("ending_before");
        if (startingAfter is not null && endingBefore is not null)
        {
            return Fail(StripeErrors.InvalidRequest(
                "You may only specify one of these parameters: ending_before, starting_after.", "ending_before"));
        }

        IEnumerable<StoredObject> page;
        bool hasMore;
        if (endingBefore is not null)
        {
            var index = IndexOf(newestFirst, endingBefore);
            if (index < 0)
            {
                return Fail(StripeErrors.InvalidRequest($"No such object: '{endingBefore}'", "ending_before", "resource_missing"));
            }

            var start = Math.Max(0, index - limit);
            page = newestFirst.Skip(start).Take(index - start);
            hasMore = start > 0;
        }
        else
        {
            var start = 0;
            if (startingAfter is not null)
            {
                var index = IndexOf(newestFirst, startingAfter);
                if (index < 0)
                {
                    return Fail(StripeErrors.InvalidRequest($"No such object: '{startingAfter}'", "starting_after", "resource_missing"));
                }

                start = index + 1;
            }

            page = newestFirst.Skip(start).Take(limit);
            hasMore = newestFirst.Count > start + limit;
        }

        var data = new JsonArray();
        foreach (var stored in page)
        {
            data.Add(stored.Data.DeepClone());
        }

        return new ListPage(new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["has_more"] = hasMore,
            ["url"] = url,
        }, null);
    }

    private static int IndexOf(IReadOnlyList<StoredObject> objects, string id)
    {
        for (var i = 0; i < objects.Count; i++)
        {
            if (objects[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    private static ListPage Fail(IResult error) => new(null, error);
}
