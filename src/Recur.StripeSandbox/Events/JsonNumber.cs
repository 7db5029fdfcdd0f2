using System.Globalization;
using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Events;

/// <summary>
/// Reads a stored JSON number as a long whether it was written as an int, a long or parsed back from SQLite
/// (<c>JsonValue.GetValue&lt;long&gt;</c> refuses a value created from an int).
/// </summary>
public static class JsonNumber
{
    public static long Read(JsonNode? node) =>
        node is null ? 0 : long.Parse(node.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture);
}
