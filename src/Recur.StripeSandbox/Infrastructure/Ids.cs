using System.Security.Cryptography;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>Stripe-style ids: a prefix and random letters and digits, e.g. <c>acct_1PgafTB7WZ01zgkW</c>.</summary>
public static class Ids
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix, int length = 24) =>
        $"{prefix}_{RandomNumberGenerator.GetString(Alphabet, length)}";

    /// <summary>A secret token for URLs and signing secrets.</summary>
    public static string Secret(string prefix) => New(prefix, 32);
}
