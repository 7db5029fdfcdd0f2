namespace Recur.StripeSandbox.Accounts;

/// <summary>
/// Stripe's rules for an account's statement descriptor (https://docs.stripe.com/get-started/account/statement-descriptors):
/// 5 to 22 characters of the Latin alphabet, at least one letter, and none of <c>&lt; &gt; \ ' " *</c>.
/// </summary>
public static class StatementDescriptors
{
    /// <summary>What is wrong with <paramref name="descriptor"/>, in plain words; null when Stripe accepts it.</summary>
    public static string? Problem(string? descriptor)
    {
        if (string.IsNullOrWhiteSpace(descriptor))
        {
            return "Enter a statement descriptor.";
        }

        if (descriptor.Length is < 5 or > 22)
        {
            return "The statement descriptor must be 5 to 22 characters long.";
        }

        if (!descriptor.Any(char.IsAsciiLetter))
        {
            return "The statement descriptor must contain at least one letter.";
        }

        return descriptor.Any(c => c is '<' or '>' or '\\' or '\'' or '"' or '*' || c < ' ' || c > '~')
            ? "The statement descriptor may use Latin letters, digits, spaces and punctuation other than < > \\ ' \" *."
            : null;
    }
}
