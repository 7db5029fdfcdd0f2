using System.Text;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Accounts;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.AccountLinks;

/// <summary>
/// What the hosted onboarding form collects, with the field names tests and browsers rely on: <c>business_name</c>,
/// <c>country</c>, <c>default_currency</c>, <c>url</c>, <c>product_description</c>, <c>support_phone</c>,
/// <c>sort_code</c>, <c>account_number</c>, <c>action</c> (<c>submit</c> or <c>leave</c>) and the page's
/// <c>nonce</c>; for an account that requested Bacs Direct Debit also <c>statement_descriptor</c> and the
/// <c>bacs_terms</c> checkbox (value <c>accepted</c>): see <see cref="AccountRequirements.BacsDue"/>.
/// </summary>
public sealed record OnboardingForm(
    string BusinessName, string Country, string DefaultCurrency, string Url, string ProductDescription,
    string SupportPhone, string SortCode, string AccountNumber, string StatementDescriptor = "", bool BacsTermsAccepted = false)
{
    /// <summary>The form as first shown: what the account already has, GB and gbp by default.</summary>
    public static OnboardingForm FromAccount(JsonObject account)
    {
        var profile = account["business_profile"];
        var country = account["country"]?.ToString() ?? AccountObjects.DefaultCountry;
        return new OnboardingForm(
            profile?["name"]?.ToString() ?? "",
            country,
            account["default_currency"]?.ToString() ?? AccountObjects.CountryCurrencies.GetValueOrDefault(country, "gbp"),
            profile?["url"]?.ToString() ?? "",
            profile?["product_description"]?.ToString() ?? "",
            profile?["support_phone"]?.ToString() ?? "",
            "", "",
            account["settings"]?["payments"]?["statement_descriptor"]?.ToString() ?? "");
    }

    public static OnboardingForm FromPost(IFormCollection form)
    {
        string Field(string name) => form[name].FirstOrDefault()?.Trim() ?? "";
        return new OnboardingForm(Field("business_name"), Field("country").ToUpperInvariant(),
            Field("default_currency").ToLowerInvariant(), Field("url"), Field("product_description"),
            Field("support_phone"), Field("sort_code"), Field("account_number"), Field("statement_descriptor"),
            form["bacs_terms"].Contains("accepted"));
    }

    /// <summary>The statement descriptor given, else one made from the business name (as Stripe suggests it).</summary>
    public string EffectiveStatementDescriptor =>
        StatementDescriptor != "" ? StatementDescriptor : AccountObjects.StatementDescriptor(BusinessName);

    /// <summary>What is wrong with the form for a final submit, in plain words, one message per problem.
    /// <paramref name="bacs"/>: the account requested Bacs Direct Debit, so its questions must be answered too.</summary>
    public IReadOnlyList<string> Problems(bool livemode, bool bacs = false)
    {
        var problems = new List<string>();
        if (BusinessName == "")
        {
            problems.Add("Enter the business name.");
        }

        if (!AccountObjects.CountryCurrencies.ContainsKey(Country))
        {
            problems.Add("Choose the country where the business is based.");
        }
        else if (!Currencies(Country).Contains(DefaultCurrency))
        {
            problems.Add($"Choose a currency that a business in {Country} can be paid out in ({string.Join(", ", Currencies(Country))}).");
        }

        if (Url != "" && !AccountInput.LooksLikeUrl(Url))
        {
            problems.Add("Enter the website as an address like https://example.com.");
        }
        else if (Url == "" && ProductDescription == "")
        {
            problems.Add("Enter the business website or, if it has none, a description of what it sells.");
        }

        if (!IsPhone(SupportPhone))
        {
            problems.Add("Enter a support phone number customers can call (7 to 15 digits).");
        }

        if (SortCode == "" || AccountNumber == "")
        {
            problems.Add("Enter the sort code and account number of the bank account for payouts.");
        }
        else if (AccountObjects.CountryCurrencies.ContainsKey(Country)
                 && BankAccounts.Validate(Country, SortCode, AccountNumber, livemode, out _, out _) is { } bankProblem)
        {
            problems.Add("Bank account: " + bankProblem);
        }

        if (bacs)
        {
            if (StatementDescriptors.Problem(EffectiveStatementDescriptor) is { } descriptorProblem)
            {
                problems.Add("Bacs Direct Debit: " + descriptorProblem);
            }

            if (!BacsTermsAccepted)
            {
                problems.Add("Bacs Direct Debit: accept the Bacs Direct Debit terms to collect payments by Direct Debit.");
            }
        }

        return problems;
    }

    /// <summary>"Save and return later": keeps the business details that were entered and are valid; the bank
    /// account and the Terms of Service wait for a final submit.</summary>
    public void SaveDraft(JsonObject account)
    {
        var profile = account["business_profile"]!.AsObject();
        if (BusinessName != "")
        {
            profile["name"] = BusinessName;
        }

        if (Url != "" && AccountInput.LooksLikeUrl(Url))
        {
            profile["url"] = NormalizeUrl(Url);
        }

        if (ProductDescription != "")
        {
            profile["product_description"] = ProductDescription;
        }

        if (IsPhone(SupportPhone))
        {
            profile["support_phone"] = SupportPhone;
        }

        if (StatementDescriptor != "" && StatementDescriptors.Problem(StatementDescriptor) is null)
        {
            account["settings"]!["payments"]!["statement_descriptor"] = StatementDescriptor;
        }

        if (AccountObjects.CountryCurrencies.ContainsKey(Country))
        {
            account["country"] = Country;
            if (Currencies(Country).Contains(DefaultCurrency))
            {
                account["default_currency"] = DefaultCurrency;
            }
        }
    }

    /// <summary>"Agree and submit" on a form without <see cref="Problems"/>: everything is collected, the Terms of
    /// Service are accepted from <paramref name="ip"/>, and the bank account becomes the payout account.</summary>
    public void Submit(StoredObject account, long now, string ip, string? userAgent)
    {
        var data = account.Data;
        SaveDraft(data);
        data["business_type"] ??= "company";
        data["tos_acceptance"] = new JsonObject { ["date"] = now, ["ip"] = ip, ["user_agent"] = userAgent };
        data["details_submitted"] = true;
        data["settings"]!["dashboard"]!["display_name"] = BusinessName;
        var payments = data["settings"]!["payments"]!;
        payments["statement_descriptor"] ??= EffectiveStatementDescriptor;
        if (BacsTermsAccepted && AccountRequirements.AsksBacsQuestions(data, account.Meta))
        {
            account.Meta["bacs_terms"] = new JsonObject { ["date"] = now, ["ip"] = ip, ["user_agent"] = userAgent };
        }

        BankAccounts.Validate(Country, SortCode, AccountNumber, account.Livemode, out var routing, out var number);
        var holderType = data["business_type"]?.ToString() == "individual" ? "individual" : "company";
        BankAccounts.AddDefault(data,
            BankAccounts.Create(account.Id, Country, DefaultCurrency, routing, number, BusinessName, holderType, account.Livemode));
    }

    /// <summary>The page's form, with <paramref name="problems"/> shown above it.</summary>
    public string Render(string action, string nonce, bool livemode, IReadOnlyList<string> due, IReadOnlyList<string> problems,
        bool bacs = false)
    {
        var html = new StringBuilder();
        if (problems.Count > 0)
        {
            html.Append("<div class=\"errors\" role=\"alert\"><p><strong>Please correct the following:</strong></p><ul>");
            foreach (var problem in problems)
            {
                html.Append("<li>").Append(SandboxHtml.Encode(problem)).Append("</li>");
            }

            html.Append("</ul></div>\n");
        }

        if (due.Count > 0)
        {
            html.Append("<p class=\"hint\">Stripe still needs: ").Append(SandboxHtml.Encode(string.Join(", ", due))).Append("</p>\n");
        }

        html.Append("<form method=\"post\" action=\"").Append(SandboxHtml.Encode(action)).Append("\">\n")
            .Append("<input type=\"hidden\" name=\"nonce\" value=\"").Append(SandboxHtml.Encode(nonce)).Append("\">\n")
            .Append("<h2>Business details</h2>\n");
        Input(html, "business_name", "Business name", BusinessName, "text", "organization");
        Select(html, "country", "Country", Country, AccountObjects.CountryCurrencies.Keys.Order(StringComparer.Ordinal));
        Select(html, "default_currency", "Default currency", DefaultCurrency,
            AccountObjects.CountryCurrencies.Values.Distinct().Order(StringComparer.Ordinal));
        Input(html, "url", "Business website", Url, "text", "url");
        Input(html, "product_description", "Product description (if the business has no website)", ProductDescription, "text", "off");
        Input(html, "support_phone", "Support phone number", SupportPhone, "tel", "tel");
        html.Append("<h2>Bank account for payouts</h2>\n");
        if (!livemode)
        {
            html.Append("<p class=\"hint\">Test mode: use Stripe's test bank, sort code <strong>10-88-00</strong> and account number <strong>00012345</strong> (in the US, routing number 110000000 and account number 000123456789).</p>\n");
        }

        Input(html, "sort_code", "Sort code", SortCode, "text", "off");
        Input(html, "account_number", "Account number", AccountNumber, "text", "off");
        if (bacs)
        {
            html.Append("<h2>Bacs Direct Debit</h2>\n")
                .Append("<p class=\"hint\">Your platform asked to collect payments by Bacs Direct Debit for you. Your customers see the statement descriptor on their bank statements and Direct Debit mandates.</p>\n");
            Input(html, "statement_descriptor", "Statement descriptor (5 to 22 characters)", StatementDescriptor == "" ? EffectiveStatementDescriptor : StatementDescriptor, "text", "off");
            html.Append("<label class=\"check\"><input id=\"bacs_terms\" name=\"bacs_terms\" type=\"checkbox\" value=\"accepted\"")
                .Append(BacsTermsAccepted ? " checked" : "")
                .Append("> I accept the Bacs Direct Debit terms (sandbox): as a Direct Debit service user, my business gives customers advance notice of every debit and honours the Direct Debit Guarantee.</label>\n");
        }

        html.Append("<p class=\"hint\">By selecting “Agree and submit” you agree to the Stripe Connected Account Agreement (sandbox).</p>\n")
            .Append("<div class=\"actions\">")
            .Append("<button type=\"submit\" name=\"action\" value=\"submit\" class=\"primary\">Agree and submit</button>")
            .Append("<button type=\"submit\" name=\"action\" value=\"leave\">Save and return later</button>")
            .Append("</div>\n</form>");
        return html.ToString();
    }

    private static IReadOnlyList<string> Currencies(string country) =>
        new[] { AccountObjects.CountryCurrencies[country], "eur", "gbp", "usd" }.Distinct().ToList();

    private static bool IsPhone(string text)
    {
        var digits = text.Count(char.IsAsciiDigit);
        return digits is >= 7 and <= 15 && text.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')');
    }

    private static string NormalizeUrl(string url) => url.Contains("://", StringComparison.Ordinal) ? url : "https://" + url;

    private static void Input(StringBuilder html, string name, string label, string value, string type, string autocomplete) =>
        html.Append("<label for=\"").Append(name).Append("\">").Append(SandboxHtml.Encode(label)).Append("</label>")
            .Append("<input id=\"").Append(name).Append("\" name=\"").Append(name).Append("\" type=\"").Append(type)
            .Append("\" autocomplete=\"").Append(autocomplete).Append("\" value=\"").Append(SandboxHtml.Encode(value))
            .Append("\">\n");

    private static void Select(StringBuilder html, string name, string label, string value, IEnumerable<string> options)
    {
        html.Append("<label for=\"").Append(name).Append("\">").Append(SandboxHtml.Encode(label)).Append("</label>")
            .Append("<select id=\"").Append(name).Append("\" name=\"").Append(name).Append("\">");
        foreach (var option in options.Contains(value) ? options : options.Append(value))
        {
            html.Append("<option value=\"").Append(SandboxHtml.Encode(option)).Append('"')
                .Append(option == value ? " selected" : "").Append('>').Append(SandboxHtml.Encode(option)).Append("</option>");
        }

        html.Append("</select>\n");
    }
}
