using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// Fields Stripe leaves out of an object unless the request asks for them with <c>expand[]</c> ("includable"; the
/// API reference marks each with "This field is not included by default. To include it in the response, expand the
/// … field."). The sandbox keeps them on the stored object and removes them from every response and event payload
/// that did not ask: <c>expand[]=payments</c> on an invoice, <c>expand[]=data.payments</c> on a list of invoices,
/// <c>expand[]=latest_invoice.confirmation_secret</c> on a subscription (https://docs.stripe.com/api/expanding_objects).
/// Event payloads never carry them: an event holds the object as an unexpanded API response
/// (https://docs.stripe.com/api/events/object, <c>data.object</c>).
/// </summary>
public static class IncludableFields
{
    /// <summary>Includable fields by the object's <c>object</c> value, each with the page that marks it.</summary>
    private static readonly Dictionary<string, string[]> ByObject = new(StringComparer.Ordinal)
    {
        // https://docs.stripe.com/api/invoices/object: confirmation_secret and payments, both "not included by
        // default" (added in 2025-03-31.basil).
        ["invoice"] = ["confirmation_secret", "payments"],
        // https://docs.stripe.com/upgrades#2022-11-15: a charge's refunds are no longer included by default.
        ["charge"] = ["refunds"],
        // https://docs.stripe.com/upgrades#2020-08-27 (sources, subscriptions, tax_ids no longer included) and
        // https://docs.stripe.com/api/customers/object (cash_balance, invoice_credit_balance: not included by default).
        ["customer"] = ["sources", "subscriptions", "tax_ids", "cash_balance", "invoice_credit_balance"],
    };

    /// <summary>Whether <paramref name="field"/> of an object of kind <paramref name="objectName"/> is includable.</summary>
    public static bool IsIncludable(string objectName, string field) =>
        ByObject.TryGetValue(objectName, out var fields) && fields.Contains(field);

    /// <summary>Removes, throughout <paramref name="body"/>, every includable field whose path is not in
    /// <paramref name="expand"/> (paths as the request sent them, <c>data.</c> for list items).</summary>
    public static void Strip(JsonObject body, IEnumerable<string> expand)
    {
        var requested = new HashSet<string>(expand, StringComparer.Ordinal);
        Strip(body, "", requested);
    }

    /// <summary>An event's <c>data.object</c> and <c>previous_attributes</c>: never with includable fields.</summary>
    public static void StripForEvent(JsonObject dataObject, JsonObject? previousAttributes)
    {
        Strip(dataObject, "", []);
        if (previousAttributes is not null && dataObject["object"]?.ToString() is { } objectName
            && ByObject.TryGetValue(objectName, out var fields))
        {
            foreach (var field in fields)
            {
                previousAttributes.Remove(field);
            }
        }
    }

    private static void Strip(JsonNode? node, string prefix, HashSet<string> requested)
    {
        switch (node)
        {
            case JsonObject json:
                if (json["object"] is JsonValue kind && kind.TryGetValue<string>(out var objectName)
                    && ByObject.TryGetValue(objectName, out var fields))
                {
                    foreach (var field in fields)
                    {
                        if (!requested.Contains(prefix + field))
                        {
                            json.Remove(field);
                        }
                    }
                }

                foreach (var (name, child) in json.ToList())
                {
                    Strip(child, prefix + name + ".", requested);
                }

                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    Strip(item, prefix, requested);
                }

                break;
        }
    }
}
