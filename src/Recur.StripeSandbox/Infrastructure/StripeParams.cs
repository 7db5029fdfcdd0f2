using System.Globalization;
using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// Request parameters in Stripe's form encoding (<c>a[b][0][c]=v</c>, <c>expand[]=x</c>) turned into a JSON tree:
/// bracketed names nest, numeric or empty brackets make arrays, and every leaf is the string that was sent.
/// </summary>
public sealed class StripeParams(JsonObject root)
{
    public JsonObject Root => root;

    public static StripeParams Parse(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var tree = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            var path = Split(name);
            if (path.Count == 0)
            {
                continue;
            }

            var node = tree;
            for (var i = 0; i < path.Count - 1; i++)
            {
                var segment = path[i] == "" ? NextIndex(node) : path[i];
                if (!node.TryGetValue(segment, out var child) || child is not Dictionary<string, object> childNode)
                {
                    childNode = new Dictionary<string, object>(StringComparer.Ordinal);
                    node[segment] = childNode;
                }

                node = childNode;
            }

            var last = path[^1] == "" ? NextIndex(node) : path[^1];
            node[last] = value;
        }

        return new StripeParams((JsonObject)ToJson(tree));
    }

    public bool Has(string path) => Node(path) is not null;

    /// <summary>Stripe's error for the first of <paramref name="paths"/> sent as a hash or an array where a single
    /// value belongs (<c>email[0]=x</c>); null when each is a single value or absent.</summary>
    public IResult? NotAString(params string[] paths)
    {
        foreach (var path in paths)
        {
            if (Node(path) is { } node && node is not JsonValue)
            {
                var name = BracketName(path);
                return StripeErrors.InvalidRequest($"Invalid string: {name} must be a single value.", name);
            }
        }

        return null;
    }

    public JsonNode? Node(string path)
    {
        JsonNode? node = root;
        foreach (var segment in path.Split('.'))
        {
            node = node switch
            {
                JsonObject o => o[segment],
                JsonArray a when int.TryParse(segment, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return node;
    }

    /// <summary>
    /// The first parameter under <paramref name="under"/> (the top level when null) that is not in
    /// <paramref name="allowed"/>, written as Stripe names it in errors (<c>controller[foo]</c>); null when all are
    /// known. <c>expand</c> is always allowed at the top level.
    /// </summary>
    public string? Unknown(string? under, params string[] allowed)
    {
        var node = under is null ? root : Object(under);
        if (node is null)
        {
            return null;
        }

        foreach (var (key, _) in node)
        {
            if (!allowed.Contains(key) && !(under is null && key == "expand"))
            {
                return under is null ? key : $"{BracketName(under)}[{key}]";
            }
        }

        return null;
    }

    /// <summary>A dotted path as a form parameter name: <c>controller.fees</c> → <c>controller[fees]</c>.</summary>
    public static string BracketName(string path)
    {
        var segments = path.Split('.');
        return segments[0] + string.Concat(segments.Skip(1).Select(s => $"[{s}]"));
    }

    public string? String(string path) => Node(path) is JsonValue v ? v.ToString() : null;

    public JsonObject? Object(string path) => Node(path) as JsonObject;

    /// <summary>A list parameter; a single value or an object with numeric keys counts as a list too.</summary>
    public IReadOnlyList<string> Strings(string path) => Node(path) switch
    {
        JsonArray a => a.Select(n => n?.ToString() ?? "").ToList(),
        JsonValue v => [v.ToString()],
        _ => [],
    };

    /// <summary>A boolean parameter: true with null when absent; false when it is not <c>true</c> or <c>false</c>
    /// (a hash or an array where a single value belongs counts as not valid).</summary>
    public bool TryBool(string path, out bool? value)
    {
        value = null;
        var raw = String(path);
        if (raw is null)
        {
            return Node(path) is null;
        }

        if (raw is "true" or "false")
        {
            value = raw == "true";
            return true;
        }

        return false;
    }

    /// <summary>An integer parameter: true with null when absent; false when it is not an integer (a hash or an array
    /// where a single value belongs counts as not valid).</summary>
    public bool TryLong(string path, out long? value)
    {
        value = null;
        var raw = String(path);
        if (raw is null)
        {
            return Node(path) is null;
        }

        if (long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    /// <summary>Stripe's limits on <c>metadata</c>: at most 50 keys, keys up to 40 characters, values up to 500.</summary>
    public IResult? MetadataError()
    {
        if (Object("metadata") is not { } metadata)
        {
            return Node("metadata") is null or JsonValue ? null
                : StripeErrors.InvalidRequest("Invalid metadata: must be a hash of keys and values.", "metadata");
        }

        if (metadata.Count > 50)
        {
            return StripeErrors.InvalidRequest("Invalid metadata: metadata can have at most 50 keys.", "metadata");
        }

        foreach (var (key, value) in metadata)
        {
            if (key.Length > 40)
            {
                return StripeErrors.InvalidRequest(
                    $"Invalid metadata: metadata keys can be at most 40 characters long ('{key}').", $"metadata[{key}]");
            }

            if (value is not JsonValue)
            {
                return StripeErrors.InvalidRequest(
                    "Invalid metadata: metadata values must be strings.", $"metadata[{key}]");
            }

            if (value.ToString().Length > 500)
            {
                return StripeErrors.InvalidRequest(
                    $"Invalid metadata: metadata values can be at most 500 characters long ('{key}').", $"metadata[{key}]");
            }
        }

        return null;
    }

    /// <summary>The <c>metadata</c> parameter merged into existing metadata; an empty value removes a key.</summary>
    public JsonObject MergeMetadata(JsonObject? existing)
    {
        var merged = existing?.DeepClone().AsObject() ?? [];
        if (Node("metadata") is JsonValue clear && clear.ToString() == "")
        {
            return [];
        }

        foreach (var (key, value) in Object("metadata") ?? [])
        {
            var text = value?.ToString() ?? "";
            if (text == "")
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = text;
            }
        }

        return merged;
    }

    private static List<string> Split(string name)
    {
        var open = name.IndexOf('[', StringComparison.Ordinal);
        if (open < 0)
        {
            return [name];
        }

        var path = new List<string> { name[..open] };
        var rest = name[open..];
        while (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                break;
            }

            path.Add(rest[1..close]);
            rest = rest[(close + 1)..];
        }

        return path;
    }

    private static string NextIndex(Dictionary<string, object> node) =>
        node.Count.ToString(CultureInfo.InvariantCulture);

    private static JsonNode ToJson(object value)
    {
        if (value is string text)
        {
            return JsonValue.Create(text);
        }

        var node = (Dictionary<string, object>)value;
        if (node.Count > 0 && node.Keys.All(k => int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            var array = new JsonArray();
            foreach (var (_, child) in node.OrderBy(kv => int.Parse(kv.Key, CultureInfo.InvariantCulture)))
            {
                array.Add(ToJson(child));
            }

            return array;
        }

        var obj = new JsonObject();
        foreach (var (key, child) in node)
        {
            obj[key] = ToJson(child);
        }

        return obj;
    }
}
