using System.Net.Http.Headers;
using System.Text;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// A sandbox API key. Every key names its platform by its suffix: <c>sk_test_X</c>, <c>pk_test_X</c>,
/// <c>sk_live_X</c> and <c>pk_live_X</c> all belong to platform <c>X</c>, whose Connect client id is <c>ca_X</c>.
/// A key never seen before is simply a new, empty platform.
/// </summary>
public sealed record ApiKey(string Platform, bool Livemode, bool IsSecret)
{
    public string ClientId => $"ca_{Platform}";

    /// <summary>The key as the client sent it.</summary>
    public string Text => $"{(IsSecret ? "sk" : "pk")}_{(Livemode ? "live" : "test")}_{Platform}";

    public static ApiKey? Parse(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        foreach (var (prefix, livemode, secret) in Prefixes)
        {
            if (raw.StartsWith(prefix, StringComparison.Ordinal) && raw.Length > prefix.Length
                && raw[prefix.Length..].All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return new ApiKey(raw[prefix.Length..], livemode, secret);
            }
        }

        return null;
    }

    /// <summary>The key from <c>Authorization: Bearer …</c> or <c>Basic base64(key:)</c>; null when there is none.</summary>
    public static string? FromHeader(string? authorization)
    {
        if (!AuthenticationHeaderValue.TryParse(authorization, out var header) || header.Parameter is null)
        {
            return null;
        }

        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return header.Parameter.Trim();
        }

        if (header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
                return decoded.Split(':', 2)[0];
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>How Stripe shows a key in an error: its kind and its last four characters.</summary>
    public static string Redact(string raw) =>
        raw.Length <= 12 ? raw[..Math.Min(raw.Length, 3)] + "****" : $"{raw[..8]}****{raw[^4..]}";

    private static readonly (string Prefix, bool Livemode, bool Secret)[] Prefixes =
    [
        ("sk_test_", false, true), ("sk_live_", true, true), ("pk_test_", false, false), ("pk_live_", true, false),
    ];
}
