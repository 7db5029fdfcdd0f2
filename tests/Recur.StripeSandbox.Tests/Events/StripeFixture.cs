using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Tests.Events;

/// <summary>
/// Stripe's own example objects, from <c>shared/stripe/fixtures3.json</c>, found by walking up from the test binary
/// (or, when the build output lives elsewhere, from this source file) to the folder that holds the repository.
/// </summary>
public static class StripeFixture
{
    private static readonly Lazy<JsonObject> Resources = new(() =>
        JsonNode.Parse(File.ReadAllText(FindFile()))!["resources"]!.AsObject());

    public static JsonObject Resource(string name) => Resources.Value[name]!.AsObject();

    /// <summary>
    /// The paths (dotted, <c>data.object</c> style) of every key in the fixture that is missing in the actual
    /// object, walking into nested objects; paths in <paramref name="skip"/> are not walked into.
    /// </summary>
    public static IReadOnlyList<string> MissingKeys(JsonObject fixture, JsonObject actual, params string[] skip)
    {
        var missing = new List<string>();
        Walk(fixture, actual, "", skip, missing);
        return missing;
    }

    private static void Walk(JsonObject fixture, JsonObject actual, string prefix, string[] skip, List<string> missing)
    {
        foreach (var (key, value) in fixture)
        {
            var path = prefix + key;
            if (!actual.ContainsKey(key))
            {
                missing.Add(path);
            }
            else if (value is JsonObject nested && actual[key] is JsonObject actualNested && !skip.Contains(path))
            {
                Walk(nested, actualNested, path + ".", skip, missing);
            }
        }
    }

    private static string FindFile([CallerFilePath] string sourceFile = "")
    {
        var starts = new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "", Directory.GetCurrentDirectory() };
        foreach (var start in starts.Where(s => s.Length > 0))
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

        var fromEnvironment = Environment.GetEnvironmentVariable("RECUR_SHARED_DIR");
        if (fromEnvironment is not null && File.Exists(Path.Combine(fromEnvironment, "stripe", "fixtures3.json")))
        {
            return Path.Combine(fromEnvironment, "stripe", "fixtures3.json");
        }

        throw new FileNotFoundException("shared/stripe/fixtures3.json was not found above " + string.Join(" or ", starts));
    }
}
