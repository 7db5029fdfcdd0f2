using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Tests.Shapes;

/// <summary>
/// Stripe's example objects from <c>shared/stripe/fixtures3.json</c> (beside the repository), found by walking up
/// from the test binary, and failing that from this source file, since builds may put binaries elsewhere.
/// </summary>
public static class StripeFixtures
{
    private static readonly Lazy<JsonObject> Resources = new(() =>
        JsonNode.Parse(File.ReadAllText(Locate()))!["resources"]!.AsObject());

    public static JsonObject Resource(string name) => Resources.Value[name]!.AsObject();

    /// <summary>Every key of the fixture missing from the actual object, as dotted paths, walking into nested
    /// objects wherever the fixture has one.</summary>
    public static IReadOnlyList<string> MissingKeys(JsonObject fixture, JsonObject actual, string prefix = "")
    {
        var missing = new List<string>();
        foreach (var (key, value) in fixture)
        {
            if (!actual.ContainsKey(key))
            {
                missing.Add(prefix + key);
            }
            else if (value is JsonObject nested && actual[key] is JsonObject actualNested)
            {
                missing.AddRange(MissingKeys(nested, actualNested, $"{prefix}{key}."));
            }
            else if (value is JsonObject)
            {
                missing.Add($"{prefix}{key} (an object in the fixture)");
            }
        }

        return missing;
    }

    private static string Locate([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile)! })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, "shared", "stripe", "fixtures3.json");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException("shared/stripe/fixtures3.json was not found beside the repository.");
    }
}
