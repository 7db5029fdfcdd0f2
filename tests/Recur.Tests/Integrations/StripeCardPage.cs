using System.Text.RegularExpressions;
using Recur.Tests.Infrastructure;

namespace Recur.Tests.Integrations;

/// <summary>Reading the Stripe card the way the merchant sees it.</summary>
public static partial class StripeCardPage
{
    /// <summary>The page's text without the elements marked <c>hidden</c> and without scripts.</summary>
    public static string VisibleText(this Page page) =>
        (page with { Html = Script().Replace(HiddenElement().Replace(page.Html, " "), " ") }).Text;

    [GeneratedRegex(@"<(?<tag>form|p|div)\b[^>]*\shidden(?:=""[^""]*"")?[^>]*>.*?</\k<tag>>", RegexOptions.Singleline)]
    private static partial Regex HiddenElement();

    [GeneratedRegex(@"<script\b.*?</script>", RegexOptions.Singleline)]
    private static partial Regex Script();
}
