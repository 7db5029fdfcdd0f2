using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// The frame of every hosted page the sandbox serves (onboarding, Express dashboard, ...): plain HTML with a little
/// inline CSS, no external assets, a heading and a TEST MODE / LIVE MODE badge.
/// </summary>
public static class SandboxHtml
{
    /// <summary>Encodes text for HTML; letters and punctuation outside ASCII (e.g. "—") stay as they are.</summary>
    public static string Encode(string? text) => Encoder.Encode(text ?? "");

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>A whole page. <paramref name="body"/> is HTML already encoded by the caller.</summary>
    public static string Page(string heading, bool? livemode, string body)
    {
        var badge = livemode switch
        {
            true => """<span class="badge live">LIVE MODE</span>""",
            false => """<span class="badge test">TEST MODE</span>""",
            null => "",
        };
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Encode(heading)).Append("</title>\n<style>").Append(Css).Append("</style>\n")
            .Append("</head>\n<body>\n<main>\n<header>").Append(badge)
            .Append("<h1>").Append(Encode(heading)).Append("</h1></header>\n")
            .Append(body)
            .Append("\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    public static IResult Result(string heading, bool? livemode, string body, int status = StatusCodes.Status200OK) =>
        TypedResults.Content(Page(heading, livemode, body), "text/html; charset=utf-8", Encoding.UTF8, status);

    private const string Css = """
        body{margin:0;background:#f6f9fc;color:#1a1f36;font:15px/1.5 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
        main{max-width:560px;margin:32px auto;background:#fff;border-radius:8px;box-shadow:0 2px 8px rgba(50,50,93,.12);padding:24px 32px}
        header{border-bottom:1px solid #e3e8ee;margin-bottom:16px}
        h1{font-size:20px;margin:8px 0 12px}
        h2{font-size:16px;margin:20px 0 8px}
        .badge{display:inline-block;font-size:12px;font-weight:700;letter-spacing:.05em;padding:2px 8px;border-radius:4px}
        .badge.test{background:#ffde92;color:#983705}
        .badge.live{background:#cbf4c9;color:#0e6245}
        label{display:block;font-weight:600;margin-top:12px}
        input,select{box-sizing:border-box;width:100%;padding:8px 10px;margin-top:4px;border:1px solid #c1c9d2;border-radius:4px;font:inherit}
        .hint{color:#697386;font-size:13px}
        .errors{background:#fde8e8;border:1px solid #f5b5b5;color:#a41c1c;border-radius:4px;padding:8px 16px}
        .actions{display:flex;gap:12px;margin-top:24px}
        button{font:inherit;font-weight:600;padding:10px 16px;border-radius:4px;border:1px solid #c1c9d2;background:#fff;cursor:pointer}
        button.primary{background:#635bff;border-color:#635bff;color:#fff}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px}
        dt{color:#697386}
        dd{margin:0}
        """;
}
