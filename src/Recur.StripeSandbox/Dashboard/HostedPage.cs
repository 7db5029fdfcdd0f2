using System.Text.Encodings.Web;

namespace Recur.StripeSandbox.Dashboard;

/// <summary>
/// The frame of the sandbox's own HTML pages (the OAuth consent page and the account dashboard): plain HTML with a
/// little inline CSS, a "Stripe sandbox" header and a mode badge, so nobody mistakes them for Stripe.
/// </summary>
public static class HostedPage
{
    public static IResult Render(string title, string badge, string body, int status = StatusCodes.Status200OK) =>
        TypedResults.Content($$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{Encode(title)}}</title>
            <style>
              body { font-family: system-ui, sans-serif; background: #f6f9fc; color: #30313d; margin: 0; }
              main { max-width: 34rem; margin: 2rem auto; background: #fff; padding: 2rem; border-radius: 8px;
                     box-shadow: 0 2px 8px rgba(0,0,0,.08); }
              header { display: flex; justify-content: space-between; align-items: center; margin-bottom: 1rem; }
              .brand { font-weight: 700; color: #635bff; }
              .badge { font-size: .75rem; font-weight: 700; padding: .2rem .5rem; border-radius: 4px; }
              .badge.test { background: #ffde92; color: #5e3b00; }
              .badge.live { background: #d7f7c2; color: #05400a; }
              .badge.sandbox { background: #e3e8ee; color: #30313d; }
              h1 { font-size: 1.35rem; }
              label { display: block; margin: .75rem 0; font-weight: 600; }
              input[type=text], input[type=email] { display: block; width: 100%; box-sizing: border-box;
                     padding: .5rem; margin-top: .25rem; border: 1px solid #d5dbe1; border-radius: 4px; font: inherit; }
              button { font: inherit; font-weight: 600; padding: .6rem 1rem; border-radius: 4px; border: 0;
                       background: #635bff; color: #fff; cursor: pointer; margin: .5rem .5rem 0 0; }
              button.secondary { background: #e3e8ee; color: #30313d; }
              dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; }
              dt { font-weight: 600; }
              .note { color: #687385; font-size: .9rem; }
              .error { color: #df1b41; font-weight: 600; }
              table { width: 100%; border-collapse: collapse; }
              td { padding: .5rem 0; border-top: 1px solid #e3e8ee; }
            </style>
            </head>
            <body>
            <main>
            <header><span class="brand">Stripe sandbox</span>{{badge}}</header>
            {{body}}
            </main>
            </body>
            </html>
            """, "text/html; charset=utf-8", statusCode: status);

    public static string ModeBadge(bool livemode) => livemode
        ? """<span class="badge live">LIVE MODE</span>"""
        : """<span class="badge test">TEST MODE</span>""";

    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? "");
}
