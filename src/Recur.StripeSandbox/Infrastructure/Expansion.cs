using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// <c>expand[]</c>: each dotted path replaces an id string with the object it names, up to four levels deep;
/// <c>data.</c> walks into every item of a list. Unknown fields get Stripe's "cannot be expanded" error.
/// </summary>
public static class Expansion
{
    public static IResult? Apply(JsonObject body, IEnumerable<string> paths, Func<string, JsonObject?> resolve)
    {
        foreach (var path in paths)
        {
            var segments = path.Split('.');
            if (segments.Length > 4)
            {
                return StripeErrors.InvalidRequest(
                    $"You cannot expand more than 4 levels of a property. Property: {path}", "expand");
            }

            if (!Expand(body, segments, resolve))
            {
                return StripeErrors.InvalidRequest(
                    $"This property cannot be expanded ({path}).", "expand");
            }
        }

        return null;
    }

    private static bool Expand(JsonObject node, ReadOnlySpan<string> segments, Func<string, JsonObject?> resolve)
    {
        var name = segments[0];
        if (!node.ContainsKey(name))
        {
            return false;
        }

        var value = node[name];
        if (value is JsonArray items && name == "data")
        {
            foreach (var item in items.OfType<JsonObject>())
            {
                if (segments.Length > 1 && !Expand(item, segments[1..], resolve))
                {
                    return false;
                }
            }

            return segments.Length > 1;
        }

        if (value is JsonValue id && id.TryGetValue<string>(out var text))
        {
            var resolved = resolve(text);
            if (resolved is null)
            {
                return false;
            }

            value = resolved.DeepClone();
            node[name] = value;
        }

        if (segments.Length == 1)
        {
            return true;
        }

        return value is null || (value is JsonObject child && Expand(child, segments[1..], resolve));
    }
}
