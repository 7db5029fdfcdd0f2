namespace Recur.Web.Edge;

/// <summary>Reads a choice sent by a form as one of the enum's names, never as a number: <c>Enum.TryParse</c> alone
/// takes "99" (or "-1") and yields a value no choice has.</summary>
public static class EnumNames
{
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        var trimmed = text?.Trim();
        return !string.IsNullOrEmpty(trimmed)
            && char.IsAsciiLetter(trimmed[0])
            && !trimmed.Contains(',', StringComparison.Ordinal)
            && Enum.TryParse(trimmed, ignoreCase: true, out value)
            && Enum.IsDefined(value);
    }
}
