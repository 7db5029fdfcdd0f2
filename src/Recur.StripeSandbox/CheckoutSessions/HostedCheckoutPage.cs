using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Prices;
using Recur.StripeSandbox.StripeJs;

namespace Recur.StripeSandbox.CheckoutSessions;

/// <summary>
/// The page behind a Checkout Session's <c>url</c> (<c>/c/pay/{id}</c>, on the sandbox's origin as Checkout is on
/// checkout.stripe.com): what is bought, the customer's email, card or Bacs Direct Debit details (with the Direct
/// Debit terms the customer accepts, as Stripe's Bacs mandate rules ask: docs.stripe.com/payments/bacs-debit,
/// "Mandates"), and a back link to <c>cancel_url</c>. The details become a PaymentMethod exactly as
/// <c>POST /v1/payment_methods</c> makes one (Stripe's test cards and Bacs test accounts), then
/// <see cref="CheckoutSessionFlow"/> finishes the session and the browser goes to <c>success_url</c>.
/// The session id in the path is the page's only key, as Stripe's hosted Checkout URL is.
/// </summary>
public static class HostedCheckoutPage
{
    public static IEndpointRouteBuilder MapHostedCheckoutPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/c/pay/{id}", Show);
        app.MapPost("/c/pay/{id}", SubmitAsync).DisableAntiforgery();
        app.MapGet("/c/pay/{id}/return", Return);
        return app;
    }

    private static IResult Show(string id, string? type, CheckoutSessionFlow flow, SandboxStore store)
    {
        var session = flow.Find(id);
        if (session is null)
        {
            return SandboxHtml.Result("Checkout not found", null, "<p>There is no such checkout.</p>", StatusCodes.Status404NotFound);
        }

        return Closed(session) ?? Form(session, store, type, new Dictionary<string, string>(), null);
    }

    private static IResult Return(string id, CheckoutSessionFlow flow, SandboxStore store)
    {
        var session = flow.Find(id);
        if (session is null)
        {
            return SandboxHtml.Result("Checkout not found", null, "<p>There is no such checkout.</p>", StatusCodes.Status404NotFound);
        }

        if (Closed(session) is { } closed)
        {
            return closed;
        }

        var step = flow.Resume(id);
        return step.RedirectTo is { } next
            ? TypedResults.Redirect(next)
            : Form(session, store, "card", new Dictionary<string, string>(), step.Error);
    }

    private static async Task<IResult> SubmitAsync(string id, HttpContext http, CheckoutSessionFlow flow, SandboxStore store)
    {
        var session = flow.Find(id);
        if (session is null)
        {
            return SandboxHtml.Result("Checkout not found", null, "<p>There is no such checkout.</p>", StatusCodes.Status404NotFound);
        }

        if (Closed(session) is { } closed)
        {
            return closed;
        }

        var form = http.Request.HasFormContentType
            ? await http.Request.ReadFormAsync(http.RequestAborted)
            : new FormCollection(null);
        var values = form.ToDictionary(f => f.Key, f => f.Value.ToString().Trim(), StringComparer.Ordinal);
        string Value(string name) => values.GetValueOrDefault(name, "");
        var type = Value("type");
        var email = Value("email");
        string? error = null;
        if (email.Length == 0 || !email.Contains('@', StringComparison.Ordinal))
        {
            error = "Enter your email address.";
        }
        else if (type == "bacs_debit" && Value("mandate") != "accepted")
        {
            error = "Confirm the Direct Debit terms to continue.";
        }

        if (error is null)
        {
            var submission = Submission(values, type, http);
            var step = flow.Submit(id, submission, $"{Origin(http)}/c/pay/{id}/return", Origin(http));
            if (step.RedirectTo is { } next)
            {
                return TypedResults.Redirect(next);
            }

            error = step.Error;
        }

        return Form(flow.Find(id) ?? session, store, type, values, error, StatusCodes.Status400BadRequest);
    }

    private static string Origin(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";

    /// <summary>The form's fields as the PaymentMethod's parameters, and the mandate's online acceptance.</summary>
    private static CheckoutSubmission Submission(Dictionary<string, string> values, string type, HttpContext http)
    {
        string Value(string name) => values.GetValueOrDefault(name, "");
        var pairs = new List<KeyValuePair<string, string>> { new("type", type) };
        void Add(string name, string value)
        {
            if (value.Length > 0)
            {
                pairs.Add(new(name, value));
            }
        }

        Add("billing_details[email]", Value("email"));
        Add("billing_details[name]", Value("name"));
        Add("billing_details[address][country]", Value("country"));
        Add("billing_details[address][postal_code]", Value("postal_code"));
        JsonObject? address = null;
        if (type == "card")
        {
            var expiry = new string([.. Value("expiry").Where(char.IsAsciiDigit)]);
            pairs.Add(new("card[number]", new string([.. Value("number").Where(char.IsAsciiDigit)])));
            pairs.Add(new("card[exp_month]", expiry.Length >= 2 ? expiry[..2] : expiry));
            pairs.Add(new("card[exp_year]", expiry.Length >= 4 ? "20" + expiry[2..4] : ""));
            Add("card[cvc]", Value("cvc"));
        }
        else
        {
            pairs.Add(new("bacs_debit[sort_code]", Value("sort_code")));
            pairs.Add(new("bacs_debit[account_number]", Value("account_number")));
            Add("billing_details[address][line1]", Value("line1"));
            Add("billing_details[address][line2]", Value("line2"));
            Add("billing_details[address][city]", Value("city"));
        }

        if (Value("country").Length > 0)
        {
            address = new JsonObject
            {
                ["city"] = NullIfEmpty(Value("city")), ["country"] = Value("country"), ["line1"] = NullIfEmpty(Value("line1")),
                ["line2"] = NullIfEmpty(Value("line2")), ["postal_code"] = NullIfEmpty(Value("postal_code")), ["state"] = null,
            };
        }

        var acceptance = new JsonObject
        {
            ["accepted_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["offline"] = null,
            ["online"] = new JsonObject
            {
                ["ip_address"] = http.Connection.RemoteIpAddress?.MapToIPv4().ToString() ?? "127.0.0.1",
                ["user_agent"] = http.Request.Headers.UserAgent.FirstOrDefault() ?? "",
            },
            ["type"] = "online",
        };
        return new CheckoutSubmission(StripeParams.Parse(pairs), Value("email"), NullIfEmpty(Value("name")), address, acceptance);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static IResult? Closed(StoredObject session) => CheckoutSessionFlow.Status(session) switch
    {
        "complete" => SandboxHtml.Result("Checkout complete", session.Livemode,
            $"""<p data-testid="checkout-closed">This checkout is already complete.</p><p><a href="{SandboxHtml.Encode(CheckoutSessionFlow.SuccessUrl(session))}">Continue</a></p>"""),
        "expired" => SandboxHtml.Result("Checkout expired", session.Livemode,
            Back(session, """<p data-testid="checkout-closed">This checkout has expired. Go back and start again.</p>"""),
            StatusCodes.Status410Gone),
        _ => null,
    };

    private static string Back(StoredObject session, string body) =>
        session.Data["cancel_url"]?.ToString() is { } cancel
            ? $"""{body}<p><a data-testid="checkout-back" href="{SandboxHtml.Encode(cancel)}">← Back</a></p>"""
            : body;

    private static IResult Form(StoredObject session, SandboxStore store, string? chosen, Dictionary<string, string> values,
        string? error, int status = StatusCodes.Status200OK)
    {
        string E(string? text) => SandboxHtml.Encode(text);
        string Value(string name, string fallback = "") => E(values.GetValueOrDefault(name, fallback));
        var types = (session.Data["payment_method_types"] as JsonArray)!.Select(t => t!.ToString()).ToList();
        var type = chosen is not null && types.Contains(chosen) ? chosen : types[0];
        var key = $"pk_{(session.Livemode ? "live" : "test")}_{session.Platform}";
        var merchant = StripeJsEndpoints.MerchantName(store, key, session.Account);
        var email = values.GetValueOrDefault("email")
            ?? session.Data["customer_email"]?.ToString()
            ?? (session.Data["customer"]?.ToString() is { } customer ? store.Find(customer)?.Data["email"]?.ToString() : null)
            ?? "";

        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""<p data-testid="checkout-merchant"><strong>{E(merchant)}</strong></p>""");
        html.Append(Summary(session));
        if (error is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<div class="errors" role="alert" data-testid="checkout-error"><p>{E(error)}</p></div>""");
        }

        if (types.Count > 1)
        {
            html.Append("<p>Pay with: ");
            html.AppendJoin(" · ", types.Select(t => t == type
                ? $"<strong>{E(Label(t))}</strong>"
                : $"""<a data-testid="choose-{E(t)}" href="?type={E(t)}">{E(Label(t))}</a>"""));
            html.Append("</p>");
        }

        html.Append("""<form method="post" novalidate>""");
        html.Append(CultureInfo.InvariantCulture, $"""<input type="hidden" name="type" value="{E(type)}">""");
        html.Append(CultureInfo.InvariantCulture, $"""<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" value="{E(email)}">""");
        if (type == "card")
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <h2>Card information</h2>
                <label for="number">Card number</label><input id="number" name="number" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" value="{Value("number")}">
                <label for="expiry">Expiry (MM / YY)</label><input id="expiry" name="expiry" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY" value="{Value("expiry")}">
                <label for="cvc">CVC</label><input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC">
                <label for="name">Name on card</label><input id="name" name="name" autocomplete="cc-name" value="{Value("name")}">
                <label for="country">Country</label><input id="country" name="country" autocomplete="country" maxlength="2" value="{Value("country", "GB")}">
                <label for="postal_code">Postal code</label><input id="postal_code" name="postal_code" autocomplete="postal-code" value="{Value("postal_code")}">
                """);
        }
        else
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <h2>Bank account (UK)</h2>
                <label for="name">Account holder's full name</label><input id="name" name="name" autocomplete="name" value="{Value("name")}">
                <label for="sort_code">Sort code</label><input id="sort_code" name="sort_code" inputmode="numeric" placeholder="10-88-00" value="{Value("sort_code")}">
                <label for="account_number">Account number</label><input id="account_number" name="account_number" inputmode="numeric" placeholder="00012345" value="{Value("account_number")}">
                <h2>Billing address</h2>
                <label for="line1">Address line 1</label><input id="line1" name="line1" autocomplete="address-line1" value="{Value("line1")}">
                <label for="line2">Address line 2 (optional)</label><input id="line2" name="line2" autocomplete="address-line2" value="{Value("line2")}">
                <label for="city">Town or city</label><input id="city" name="city" autocomplete="address-level2" value="{Value("city")}">
                <label for="postal_code">Postcode</label><input id="postal_code" name="postal_code" autocomplete="postal-code" value="{Value("postal_code")}">
                <input type="hidden" name="country" value="GB">
                <h2>Direct Debit Instruction</h2>
                <div data-testid="mandate-terms">
                <p>By confirming, you instruct your bank to pay {E(merchant)} by Direct Debit from the account above, collected
                through Stripe as {E(merchant)}'s payment partner. The Direct Debit Guarantee protects each payment. Stripe emails
                you a copy of this instruction and notice before every debit.</p>
                <p>A debit on an existing instruction takes about 4 business days to confirm; the first one, with a new
                instruction, up to 7 business days.</p>
                </div>
                <label class="check"><input type="checkbox" name="mandate" value="accepted" style="width:auto"> I hold this account,
                I am the only person needed to authorise debits from it, and I accept the Direct Debit Instruction above.</label>
                """);
        }

        var action = session.Data["mode"]!.ToString() == "setup"
            ? "Save"
            : session.Meta["trial_period_days"] is JsonValue ? "Start trial" : "Subscribe";
        html.Append("<div class=\"actions\">");
        html.Append(CultureInfo.InvariantCulture, $"""<button type="submit" class="primary" data-testid="checkout-submit">{E(action)}</button>""");
        if (session.Data["cancel_url"]?.ToString() is { } cancel)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<a data-testid="checkout-back" href="{E(cancel)}">← Back</a>""");
        }

        html.Append("</div></form>");
        return SandboxHtml.Result($"Pay {merchant}", session.Livemode, html.ToString(), status);
    }

    private static string Label(string type) => type == "card" ? "Card" : "Bacs Direct Debit";

    private static string Summary(StoredObject session)
    {
        if (session.Data["mode"]!.ToString() == "setup")
        {
            return """<p data-testid="checkout-summary">Save your payment details for future payments. Nothing is charged now.</p>""";
        }

        var text = new StringBuilder("""<dl data-testid="checkout-summary">""");
        var currency = session.Data["currency"]?.ToString() ?? "gbp";
        foreach (var line in (session.Meta["lines"] as JsonArray ?? []).Select(l => l!.AsObject()))
        {
            var every = line["interval"]?.ToString() is { } interval
                ? $" every {(line["interval_count"]?.GetValue<long>() is > 1 and var n ? $"{n} {interval}s" : interval)}"
                : " once";
            text.Append(CultureInfo.InvariantCulture,
                $"<dt>{SandboxHtml.Encode(line["name"]?.ToString())}</dt><dd>{SandboxHtml.Encode(Currencies.Format(JsonNumber.Read(line["amount"]), currency))}{every}</dd>");
        }

        text.Append("</dl>");
        if (session.Meta["trial_period_days"] is JsonValue days)
        {
            text.Append(CultureInfo.InvariantCulture, $"<p>{days.GetValue<long>()} days free, then billed as above.</p>");
        }

        return text.ToString();
    }
}
