using System.Text.Json;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Customers;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.StripeSandbox.PaymentMethods;

/// <summary>
/// PaymentMethods as the other resources use them: made from parameters (<c>type</c>, <c>card</c>,
/// <c>bacs_debit</c>, <c>billing_details</c>, top-level or under <c>payment_method_data</c>), found by id (a
/// <c>pm_card_*</c> id makes a fresh card PaymentMethod, as Stripe does), attached to and detached from customers.
/// Callers that change state hold the store's gate and publish the <see cref="ObjectEventBatch"/> afterwards.
/// </summary>
public static class PaymentMethodAttachments
{
    public const string Kind = "payment_method";

    /// <summary>Parameters Stripe.js sends along with the PaymentMethod's own, which change nothing here.</summary>
    public static readonly string[] ClientParameters =
        ["payment_user_agent", "time_on_page", "guid", "muid", "sid", "key", "referrer", "client_attribution_metadata"];

    /// <summary>The row of the test card table a card PaymentMethod behaves as.</summary>
    public static TestCard? CardOf(StoredObject paymentMethod) => TestCards.ForKey(paymentMethod.Meta["test_card"]?.ToString());

    /// <summary>The BACS test account a bacs_debit PaymentMethod behaves as.</summary>
    public static BacsTestAccount BacsAccountOf(StoredObject paymentMethod) =>
        BacsTestAccounts.ForKey(paymentMethod.Meta["bacs_account"]?.ToString());

    public static bool CvcGiven(StoredObject paymentMethod) => paymentMethod.Meta["cvc_given"]?.GetValue<bool>() == true;

    /// <summary>Whether the card was set up for future off-session payments (a SetupIntent, or a payment with
    /// <c>setup_future_usage</c>, succeeded with it).</summary>
    public static bool SetUpForOffSession(StoredObject paymentMethod) =>
        paymentMethod.Meta["set_up_for_off_session"]?.GetValue<bool>() == true;

    public static string? CustomerOf(StoredObject paymentMethod) =>
        paymentMethod.Data["customer"] is { } customer && customer.GetValueKind() == JsonValueKind.String
            ? customer.ToString()
            : null;

    /// <summary>Under the gate: marks a card as set up for off-session use.</summary>
    public static void MarkSetUpForOffSession(SandboxStore store, StoredObject paymentMethod)
    {
        if (SetUpForOffSession(paymentMethod))
        {
            return;
        }

        var meta = paymentMethod.Meta.DeepClone().AsObject();
        meta["set_up_for_off_session"] = true;
        paymentMethod.Meta = meta;
        store.Save(paymentMethod);
    }

    /// <summary>
    /// A PaymentMethod the caller may use, by id: an existing one in the caller's scope, or a fresh card made from a
    /// <c>pm_card_*</c> test id. Otherwise Stripe's 404 on <paramref name="param"/>.
    /// </summary>
    public static IResult? Resolve(SandboxStore store, ApiCaller caller, string id, long now, string param,
        out StoredObject? paymentMethod)
    {
        paymentMethod = null;
        if (TestCards.ForPaymentMethodId(id) is { } row)
        {
            var scope = caller.StripeAccount ?? caller.Platform;
            var expires = DateTimeOffset.FromUnixTimeSeconds(now).AddYears(1);
            var card = CardInput.ToJson(row, row.Number[^4..], expires.Month, expires.Year,
                CardInput.Fingerprint(scope, row.Number), "unchecked");
            paymentMethod = New(caller, now, "card", card, BillingDetails(null), []);
            paymentMethod.Meta["test_card"] = row.Key;
            paymentMethod.Meta["cvc_given"] = true;
            store.Save(paymentMethod);
            return null;
        }

        var found = store.Find(id);
        if (found is { Kind: Kind } && caller.CanSee(found))
        {
            paymentMethod = found;
            return null;
        }

        return StripeErrors.NotFound("PaymentMethod", id, param);
    }

    /// <summary>
    /// A new PaymentMethod from parameters at <paramref name="prefix"/> (null for the top level), saved in the
    /// caller's scope. Raw card numbers need a publishable key, as Stripe refuses them from servers.
    /// </summary>
    public static IResult? Create(SandboxStore store, ApiCaller caller, StripeParams parameters, string? prefix, long now,
        out StoredObject? paymentMethod)
    {
        paymentMethod = null;
        string Path(string field) => prefix is null ? field : $"{prefix}.{field}";
        string Name(string field) => StripeParams.BracketName(Path(field));
        string[] known = ["type", "card", "bacs_debit", "billing_details", "metadata", "allow_redisplay"];
        var unknown = parameters.Unknown(prefix, prefix is null ? [.. known, .. ClientParameters] : known);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var type = parameters.String(Path("type"));
        if (string.IsNullOrEmpty(type))
        {
            return StripeErrors.MissingParameter(Name("type"));
        }

        if (type is not ("card" or "bacs_debit"))
        {
            return StripeErrors.InvalidRequest(
                $"Invalid {Name("type")}: the sandbox supports card and bacs_debit PaymentMethods, not '{type}'.", Name("type"));
        }

        var other = type == "card" ? "bacs_debit" : "card";
        if (parameters.Has(Path(other)))
        {
            return StripeErrors.InvalidRequest(
                $"You cannot pass {Name(other)} for a PaymentMethod of type {type}.", Name(other));
        }

        var allowRedisplay = parameters.String(Path("allow_redisplay")) ?? "unspecified";
        if (allowRedisplay is not ("always" or "limited" or "unspecified"))
        {
            return StripeErrors.InvalidRequest(
                $"Invalid {Name("allow_redisplay")}: must be one of always, limited, or unspecified", Name("allow_redisplay"));
        }

        var metadata = parameters.Object(Path("metadata"));
        if (metadata is not null && (metadata.Count > 50 || metadata.Any(kv => kv.Key.Length > 40 || kv.Value is not JsonValue)))
        {
            return StripeErrors.InvalidRequest("Invalid metadata: at most 50 keys of up to 40 characters, with string values.",
                Name("metadata"));
        }

        var error = ParseBillingDetails(parameters, Path("billing_details"), null, out var billing);
        if (error is not null)
        {
            return error;
        }

        var scope = caller.StripeAccount ?? caller.Platform;
        var meta = new JsonObject();
        JsonObject details;
        if (type == "card")
        {
            if (!parameters.Has(Path("card")))
            {
                return StripeErrors.MissingParameter(Name("card"));
            }

            if (caller.Key.IsSecret)
            {
                return StripeErrors.InvalidRequest(
                    "Sending credit card numbers directly to the Stripe API is generally unsafe. Use Stripe.js (a publishable key), or a test PaymentMethod such as pm_card_visa: see https://stripe.com/docs/testing.",
                    Name("card"));
            }

            error = CardInput.Parse(parameters, Path("card"), scope, DateTimeOffset.FromUnixTimeSeconds(now), out var card);
            if (error is not null)
            {
                return error;
            }

            details = CardInput.ToJson(card!.Row, card.Last4, card.ExpMonth, card.ExpYear, card.Fingerprint,
                card.CvcGiven ? "unchecked" : null);
            meta["test_card"] = card.Row.Key;
            meta["cvc_given"] = card.CvcGiven;
        }
        else
        {
            error = BacsTestAccounts.Parse(parameters, Path("bacs_debit"), scope, out var bank);
            if (error is not null)
            {
                return error;
            }

            // Stripe needs the account holder's name, email and full address for the mandate.
            foreach (var (field, value) in new[]
            {
                ("billing_details.name", billing!["name"]), ("billing_details.email", billing["email"]),
                ("billing_details.address.line1", billing["address"]!["line1"]),
                ("billing_details.address.city", billing["address"]!["city"]),
                ("billing_details.address.postal_code", billing["address"]!["postal_code"]),
                ("billing_details.address.country", billing["address"]!["country"]),
            })
            {
                if (value is null)
                {
                    return StripeErrors.MissingParameter(Name(field));
                }
            }

            details = BacsTestAccounts.ToJson(bank!.Value.SortCode, bank.Value.Last4, bank.Value.Fingerprint);
            meta["bacs_account"] = bank.Value.Account.Key;
        }

        paymentMethod = New(caller, now, type, details, billing!, metadata?.DeepClone().AsObject() ?? []);
        paymentMethod.Data["allow_redisplay"] = allowRedisplay;
        foreach (var (key, value) in meta)
        {
            paymentMethod.Meta[key] = value?.DeepClone();
        }

        store.Save(paymentMethod);
        return null;
    }

    /// <summary>
    /// <c>billing_details[name|email|phone|address]</c> merged over <paramref name="existing"/>; always a whole hash,
    /// with nulls for what nobody gave.
    /// </summary>
    public static IResult? ParseBillingDetails(StripeParams parameters, string path, JsonObject? existing, out JsonObject? billing)
    {
        billing = BillingDetails(existing);
        if (!parameters.Has(path))
        {
            return null;
        }

        var unknown = parameters.Unknown(path, "address", "email", "name", "phone", "tax_id");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        foreach (var field in new[] { "email", "name", "phone", "tax_id" })
        {
            if (parameters.String($"{path}.{field}") is { } value)
            {
                billing[field] = value == "" ? null : value;
            }
        }

        var error = Addresses.Parse(parameters, $"{path}.address", billing["address"] as JsonObject, out var address);
        billing["address"] = address ?? Addresses.Empty();
        return error;
    }

    /// <summary>
    /// Under the gate: attaches a PaymentMethod to a customer (<c>payment_method.attached</c>). Cards are checked as
    /// Stripe checks them when saving them, so declining test cards are refused (402), while
    /// <c>4000000000000341</c> attaches. A bacs_debit PaymentMethod can only be saved with its mandate, through a
    /// SetupIntent or PaymentIntent (<paramref name="withMandate"/>).
    /// </summary>
    public static IResult? Attach(SandboxStore store, StoredObject paymentMethod, StoredObject customer,
        ObjectEventBatch batch, bool withMandate = false)
    {
        var current = CustomerOf(paymentMethod);
        if (current == customer.Id)
        {
            return null;
        }

        if (current is not null)
        {
            return StripeErrors.InvalidRequest(
                "The payment method you provided has already been attached to a customer.", "payment_method");
        }

        var type = paymentMethod.Data["type"]?.ToString();
        if (type == "bacs_debit" && !withMandate)
        {
            return StripeErrors.InvalidRequest(
                "A bacs_debit PaymentMethod can't be attached to a Customer directly, because debits need a mandate: confirm a SetupIntent (or a PaymentIntent with setup_future_usage) with mandate_data for this customer instead.",
                "payment_method");
        }

        if (type == "card" && CardOf(paymentMethod) is { } card)
        {
            var decision = TestCards.Decide(card, new CardAttempt(Setup: true, OffSession: false,
                SetUpForOffSession: SetUpForOffSession(paymentMethod), Authenticated: true,
                CvcGiven: CvcGiven(paymentMethod), Livemode: paymentMethod.Livemode));
            if (decision.Kind == CardDecisionKind.Declined)
            {
                return DeclineError(decision.Decline!, new JsonObject { ["payment_method"] = paymentMethod.Data.DeepClone() });
            }
        }

        var data = paymentMethod.Data.DeepClone().AsObject();
        data["customer"] = customer.Id;
        paymentMethod.Data = data;
        store.Save(paymentMethod);
        batch.Add("payment_method.attached", paymentMethod);
        return null;
    }

    /// <summary>
    /// Under the gate: detaches a PaymentMethod from its customer (<c>payment_method.detached</c>); when it was the
    /// customer's default, the default is cleared too (<c>customer.updated</c>).
    /// </summary>
    public static void Detach(SandboxStore store, StoredObject paymentMethod, ObjectEventBatch? batch)
    {
        var customerId = CustomerOf(paymentMethod);
        if (customerId is null)
        {
            return;
        }

        var data = paymentMethod.Data.DeepClone().AsObject();
        data["customer"] = null;
        paymentMethod.Data = data;
        store.Save(paymentMethod);
        if (store.Find(customerId) is { Kind: CustomersApi.Kind } customer && !CustomersApi.IsDeleted(customer)
            && CustomersApi.DefaultPaymentMethod(customer) == paymentMethod.Id)
        {
            var before = customer.Data;
            var changed = before.DeepClone().AsObject();
            changed["invoice_settings"]!["default_payment_method"] = null;
            customer.Data = changed;
            store.Save(customer);
            batch?.Add("customer.updated", customer, ObjectEvents.PreviousAttributes(before, changed));
        }

        batch?.Add("payment_method.detached", paymentMethod, new JsonObject { ["customer"] = customerId });
    }

    /// <summary>A decline as Stripe returns it: HTTP 402, <c>card_error</c>, <c>code</c> and <c>decline_code</c>.</summary>
    public static IResult DeclineError(CardDecline decline, JsonObject? extra = null)
    {
        var fields = extra ?? [];
        if (decline.DeclineCode is not null)
        {
            fields["decline_code"] = decline.DeclineCode;
        }

        return StripeErrors.Create(StatusCodes.Status402PaymentRequired, "card_error", decline.Message, decline.Code,
            extra: fields);
    }

    private static JsonObject BillingDetails(JsonObject? existing) => existing?.DeepClone().AsObject() ?? new JsonObject
    {
        ["address"] = Addresses.Empty(),
        ["email"] = null,
        ["name"] = null,
        ["phone"] = null,
        ["tax_id"] = null,
    };

    private static StoredObject New(ApiCaller caller, long now, string type, JsonObject details, JsonObject billing,
        JsonObject metadata)
    {
        var id = Ids.New("pm");
        var data = new JsonObject
        {
            ["id"] = id,
            ["object"] = "payment_method",
            ["allow_redisplay"] = "unspecified",
            ["billing_details"] = billing,
            ["created"] = now,
            ["customer"] = null,
            ["customer_account"] = null,
            ["livemode"] = caller.Livemode,
            ["metadata"] = metadata,
            ["type"] = type,
        };
        data[type] = details;
        return caller.NewObject(Kind, id, now, data);
    }
}
