using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.Customers;

/// <summary>Stripe's address hash (<c>city</c>, <c>country</c>, <c>line1</c>, <c>line2</c>, <c>postal_code</c>, <c>state</c>).</summary>
public static class Addresses
{
    public static readonly string[] Fields = ["city", "country", "line1", "line2", "postal_code", "state"];

    /// <summary>Every field null: how Stripe shows an address nobody gave.</summary>
    public static JsonObject Empty()
    {
        var address = new JsonObject();
        foreach (var field in Fields)
        {
            address[field] = null;
        }

        return address;
    }

    /// <summary>
    /// The address under <paramref name="path"/>, merged over <paramref name="existing"/>: absent leaves
    /// <paramref name="address"/> as <paramref name="existing"/>; an empty string clears it (null).
    /// </summary>
    public static IResult? Parse(StripeParams parameters, string path, JsonObject? existing, out JsonObject? address)
    {
        address = existing?.DeepClone().AsObject();
        var node = parameters.Node(path);
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue clear && clear.ToString() == "")
        {
            address = null;
            return null;
        }

        if (node is not JsonObject given)
        {
            return StripeErrors.InvalidRequest(
                $"Invalid object: {StripeParams.BracketName(path)} must be a hash of {string.Join(", ", Fields)}.",
                StripeParams.BracketName(path));
        }

        var unknown = parameters.Unknown(path, Fields);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        address ??= Empty();
        foreach (var (field, value) in given)
        {
            var text = value?.ToString();
            address[field] = string.IsNullOrEmpty(text) ? null : field == "country" ? text.ToUpperInvariant() : text;
        }

        return null;
    }
}
