using System.Net;
using System.Text.RegularExpressions;

namespace Recur.Tests.Infrastructure;

/// <summary>A form found in a page: its action, method and the values its inputs would submit.</summary>
public sealed partial record HtmlForm(string Action, string Method, IReadOnlyDictionary<string, string> Fields, IReadOnlyList<(string Name, string Value)> Buttons)
{
    public static IReadOnlyList<HtmlForm> All(string html)
    {
        var forms = new List<HtmlForm>();
        foreach (Match form in FormPattern().Matches(html))
        {
            var attributes = Attributes(form.Groups["attrs"].Value);
            var body = form.Groups["body"].Value;
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            var buttons = new List<(string, string)>();
            foreach (Match input in InputPattern().Matches(body))
            {
                var a = Attributes(input.Groups["attrs"].Value);
                if (!a.TryGetValue("name", out var name))
                {
                    continue;
                }
                var type = a.GetValueOrDefault("type", "text").ToLowerInvariant();
                if (type is "submit")
                {
                    buttons.Add((name, a.GetValueOrDefault("value", "")));
                }
                else if (type is "checkbox" or "radio")
                {
                    if (a.ContainsKey("checked"))
                    {
                        fields[name] = a.GetValueOrDefault("value", "on");
                    }
                }
                else
                {
                    fields[name] = a.GetValueOrDefault("value", "");
                }
            }
            foreach (Match select in SelectPattern().Matches(body))
            {
                var a = Attributes(select.Groups["attrs"].Value);
                if (!a.TryGetValue("name", out var name))
                {
                    continue;
                }
                var options = OptionPattern().Matches(select.Groups["body"].Value).Select(o => Attributes(o.Groups["attrs"].Value)).ToList();
                var chosen = options.FirstOrDefault(o => o.ContainsKey("selected")) ?? options.FirstOrDefault();
                fields[name] = chosen?.GetValueOrDefault("value", "") ?? "";
            }
            foreach (Match textarea in TextAreaPattern().Matches(body))
            {
                var a = Attributes(textarea.Groups["attrs"].Value);
                if (a.TryGetValue("name", out var name))
                {
                    fields[name] = WebUtility.HtmlDecode(textarea.Groups["body"].Value);
                }
            }
            foreach (Match button in ButtonPattern().Matches(body))
            {
                var a = Attributes(button.Groups["attrs"].Value);
                if (a.TryGetValue("name", out var name))
                {
                    buttons.Add((name, a.GetValueOrDefault("value", "")));
                }
            }
            forms.Add(new HtmlForm(attributes.GetValueOrDefault("action", ""), attributes.GetValueOrDefault("method", "get").ToLowerInvariant(), fields, buttons));
        }
        return forms;
    }

    /// <summary>The one form whose action contains <paramref name="actionPart"/> (e.g. <c>handler=Refresh</c>).</summary>
    public static HtmlForm Find(string html, string actionPart)
    {
        var matches = All(html).Where(f => f.Action.Contains(actionPart, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new InvalidOperationException($"No form with an action containing '{actionPart}' in the page:\n{html}"),
            _ => throw new InvalidOperationException($"{matches.Count} forms with an action containing '{actionPart}'."),
        };
    }

    /// <summary>The fields to post: the form's own values, changed by <paramref name="values"/>, plus the pressed
    /// button when it has a name.</summary>
    public Dictionary<string, string> With(IReadOnlyDictionary<string, string>? values = null, (string Name, string Value)? button = null)
    {
        var result = new Dictionary<string, string>(Fields, StringComparer.Ordinal);
        foreach (var (key, value) in values ?? new Dictionary<string, string>())
        {
            result[key] = value;
        }
        if (button is { } pressed)
        {
            result[pressed.Name] = pressed.Value;
        }
        return result;
    }

    private static Dictionary<string, string> Attributes(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match attribute in AttributePattern().Matches(text))
        {
            var value = attribute.Groups["dq"].Success ? attribute.Groups["dq"].Value
                : attribute.Groups["sq"].Success ? attribute.Groups["sq"].Value
                : attribute.Groups["bare"].Value;
            result[attribute.Groups["name"].Value] = WebUtility.HtmlDecode(value);
        }
        return result;
    }

    [GeneratedRegex(@"<form(?<attrs>[^>]*)>(?<body>.*?)</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FormPattern();

    [GeneratedRegex(@"<input(?<attrs>[^>]*)/?>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InputPattern();

    [GeneratedRegex(@"<select(?<attrs>[^>]*)>(?<body>.*?)</select>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex SelectPattern();

    [GeneratedRegex(@"<option(?<attrs>[^>]*)>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex OptionPattern();

    [GeneratedRegex(@"<textarea(?<attrs>[^>]*)>(?<body>.*?)</textarea>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex TextAreaPattern();

    [GeneratedRegex(@"<button(?<attrs>[^>]*)>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ButtonPattern();

    [GeneratedRegex(@"(?<name>[a-zA-Z_:][-a-zA-Z0-9_:.\[\]]*)(?:\s*=\s*(?:""(?<dq>[^""]*)""|'(?<sq>[^']*)'|(?<bare>[^\s""'>/]+)))?", RegexOptions.Singleline)]
    private static partial Regex AttributePattern();
}
