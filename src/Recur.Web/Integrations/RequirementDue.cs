namespace Recur.Web.Integrations;

/// <summary>
/// One thing Stripe still needs from the merchant, in plain words, with the Stripe requirement fields it stands for
/// (kept for support: <c>tos_acceptance.date</c> and <c>tos_acceptance.ip</c> are one item, "Acceptance of Stripe's
/// terms of service").
/// </summary>
public sealed record RequirementDue(string Label, IReadOnlyList<string> Fields)
{
    private static readonly IReadOnlyDictionary<string, string> AccountFields = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["business_type"] = "Business type",
        ["external_account"] = "Bank account for payouts",
        ["business_profile.url"] = "Business website or product description",
        ["business_profile.product_description"] = "Business website or product description",
        ["business_profile.support_phone"] = "Customer support phone number",
        ["business_profile.support_email"] = "Customer support email address",
        ["business_profile.support_url"] = "Customer support website",
        ["business_profile.support_address"] = "Customer support address",
        ["business_profile.mcc"] = "Industry",
        ["business_profile.name"] = "Business name",
        ["business_profile.annual_revenue"] = "Annual revenue",
        ["business_profile.estimated_worker_count"] = "Number of employees",
        ["business_profile.minority_owned_business_designation"] = "Minority-owned business designation",
        ["tos_acceptance"] = "Acceptance of Stripe's terms of service",
        ["company.name"] = "Legal business name",
        ["company.address"] = "Registered business address",
        ["company.phone"] = "Business phone number",
        ["company.tax_id"] = "Business tax ID",
        ["company.vat_id"] = "VAT number",
        ["company.registration_number"] = "Company registration number",
        ["company.structure"] = "Company structure",
        ["company.owners_provided"] = "Confirmation that all company owners are listed",
        ["company.directors_provided"] = "Confirmation that all company directors are listed",
        ["company.executives_provided"] = "Confirmation that all company executives are listed",
        ["company.ownership_declaration"] = "Beneficial ownership declaration",
        ["company.verification.document"] = "Company verification document",
        ["settings.payments.statement_descriptor"] = "Statement descriptor (your name on customers' bank statements)",
        ["settings.card_payments.statement_descriptor_prefix"] = "Card statement descriptor prefix",
        ["settings.bacs_debit_payments.terms_acceptance"] = "Acceptance of the Bacs Direct Debit terms",
    };

    private static readonly IReadOnlyDictionary<string, string> PersonFields = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["first_name"] = "legal name",
        ["last_name"] = "legal name",
        ["first_name_kana"] = "legal name",
        ["last_name_kana"] = "legal name",
        ["first_name_kanji"] = "legal name",
        ["last_name_kanji"] = "legal name",
        ["full_name_aliases"] = "other names",
        ["dob"] = "date of birth",
        ["address"] = "home address",
        ["email"] = "email address",
        ["phone"] = "phone number",
        ["id_number"] = "national ID number",
        ["ssn_last_4"] = "last 4 digits of the Social Security number",
        ["nationality"] = "nationality",
        ["political_exposure"] = "politically exposed person declaration",
        ["verification.document"] = "identity document",
        ["verification.additional_document"] = "proof of address",
        ["relationship.title"] = "job title",
        ["relationship"] = "role in the company",
    };

    /// <summary>Who a person requirement is about, by its first segment; <c>person_…</c> ids are anyone the
    /// account listed.</summary>
    private static string? Person(string first) => first switch
    {
        "individual" => "Account holder's",
        "representative" => "Company representative's",
        "owners" => "Company owners'",
        "directors" => "Company directors'",
        "executives" => "Company executives'",
        _ when first.StartsWith("person_", StringComparison.Ordinal) => "Company person's",
        _ => null,
    };

    /// <summary>The fields in plain words, in the order given, each item once: fields that mean the same thing to
    /// the merchant (a date of birth's day, month and year; the terms of service's date and IP) are one item.</summary>
    public static IReadOnlyList<RequirementDue> Describe(IEnumerable<string> fields)
    {
        var items = new List<(string Label, List<string> Fields)>();
        foreach (var field in fields.Distinct(StringComparer.Ordinal))
        {
            var label = LabelFor(field);
            var item = items.FindIndex(i => i.Label == label);
            if (item < 0)
            {
                items.Add((label, [field]));
            }
            else
            {
                items[item].Fields.Add(field);
            }
        }
        return items.Select(i => new RequirementDue(i.Label, i.Fields)).ToList();
    }

    /// <summary>One field in plain words; a field Recur does not know reads as its path in words.</summary>
    public static string LabelFor(string field)
    {
        if (Longest(AccountFields, field) is { } known)
        {
            return known;
        }
        var dot = field.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && Person(field[..dot]) is { } who)
        {
            var rest = field[(dot + 1)..];
            return who + " " + (Longest(PersonFields, rest) ?? Words(rest));
        }
        var segments = field.Split('.', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length > 1
            ? Capitalised(Words(segments[0])) + ": " + Words(string.Join(' ', segments[1..]))
            : Capitalised(Words(field));
    }

    /// <summary>The entry for <paramref name="field"/> itself or for its longest parent path
    /// (<c>company.address.line1</c> → <c>company.address</c>).</summary>
    private static string? Longest(IReadOnlyDictionary<string, string> table, string field)
    {
        for (var path = field; path.Length > 0; path = path.LastIndexOf('.') is var dot and > 0 ? path[..dot] : "")
        {
            if (table.TryGetValue(path, out var label))
            {
                return label;
            }
        }
        return null;
    }

    private static string Words(string path) => path.Replace('.', ' ').Replace('_', ' ').Trim();

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
