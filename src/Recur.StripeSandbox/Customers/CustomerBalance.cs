using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Prices;

namespace Recur.StripeSandbox.Customers;

/// <summary>What finalizing an invoice does to its customer's balance, decided before anything is saved.</summary>
/// <param name="Starting">The balance before (negative: a credit; positive: the customer owes).</param>
/// <param name="Ending">The balance once the invoice took what it could.</param>
/// <param name="TooSmall">An amount due under Stripe's minimum charge, moved to the balance as a debit instead.</param>
public sealed record BalanceApplication(StoredObject Customer, long Starting, long Ending, long TooSmall);

/// <summary>
/// A customer's invoice balance (https://docs.stripe.com/billing/customer/balance): a credit (negative) or debit
/// (positive) in the customer's currency that the next invoice to be finalized takes up — <c>starting_balance</c> and
/// <c>ending_balance</c> on the invoice, <c>amount_due</c> reduced by the credit (or raised by the debit), the customer's
/// <c>balance</c> updated — kept as a ledger of customer balance transactions
/// (https://docs.stripe.com/api/customer_balance_transactions): <c>initial</c> and <c>adjustment</c> when the balance is
/// set on the customer or a transaction is created, <c>applied_to_invoice</c> when an invoice takes it,
/// <c>unapplied_from_invoice</c> when that invoice is voided, and <c>invoice_too_small</c> when an amount due under the
/// currency's minimum charge is marked paid and moved to the balance instead.
/// Endpoints: <c>/v1/customers/{id}/balance_transactions</c> (create, list, retrieve, update description and metadata).
/// </summary>
public static class CustomerBalance
{
    public const string TransactionKind = "customer_balance_transaction";

    public static IEndpointRouteBuilder MapCustomerBalanceTransactions(this IEndpointRouteBuilder app)
    {
        var transactions = app.MapGroup("/v1/customers/{customer}/balance_transactions");
        transactions.MapPost("", Create);
        transactions.MapGet("", List);
        transactions.MapGet("/{id}", Retrieve);
        transactions.MapPost("/{id}", Update);
        return app;
    }

    /// <summary>The customer's balance as it applies to an invoice in <paramref name="currency"/>.</summary>
    public static long Of(StoredObject customer, string currency) =>
        customer.Data["currency"]?.ToString() is { } own && own != currency ? 0 : JsonNumber.Read(customer.Data["balance"]);

    /// <summary>
    /// Under the gate: sets <c>starting_balance</c>, <c>ending_balance</c>, <c>amount_due</c> and <c>amount_remaining</c>
    /// on an invoice about to be finalized; the customer is changed only by <see cref="Commit"/>, once the invoice is.
    /// </summary>
    public static BalanceApplication? Plan(SandboxStore store, JsonObject invoice)
    {
        if (store.Find(invoice["customer"]?.ToString() ?? "") is not { Kind: CustomersApi.Kind } customer
            || CustomersApi.IsDeleted(customer))
        {
            return null;
        }

        var currency = invoice["currency"]!.ToString();
        var starting = Of(customer, currency);
        var total = JsonNumber.Read(invoice["total"]);
        var due = Math.Max(0, total + starting);
        var ending = Math.Min(0, total + starting);
        var tooSmall = due > 0 && due < Currencies.MinimumCharge(currency) ? due : 0;
        invoice["starting_balance"] = starting;
        invoice["ending_balance"] = ending + tooSmall;
        invoice["amount_due"] = due;
        invoice["amount_remaining"] = due - tooSmall;
        return starting == 0 && tooSmall == 0 ? null : new BalanceApplication(customer, starting, ending, tooSmall);
    }

    /// <summary>Under the gate: the customer's balance after <paramref name="invoice"/> was finalized, and its ledger.</summary>
    public static void Commit(SandboxStore store, BalanceApplication plan, StoredObject invoice, long now, ObjectEventBatch batch)
    {
        var customer = plan.Customer;
        var before = customer.Data;
        if (plan.Ending != plan.Starting)
        {
            Record(store, customer, "applied_to_invoice", plan.Ending - plan.Starting, invoice, now);
        }

        if (plan.TooSmall > 0)
        {
            Record(store, customer, "invoice_too_small", plan.TooSmall, invoice, now);
        }

        if (!JsonNode.DeepEquals(before, customer.Data))
        {
            batch.Add("customer.updated", customer, ObjectEvents.PreviousAttributes(before, customer.Data));
        }
    }

    /// <summary>Under the gate: a voided invoice gives back the balance it took (<c>unapplied_from_invoice</c>).</summary>
    public static void Unapply(SandboxStore store, StoredObject invoice, long now, ObjectEventBatch batch)
    {
        var taken = store.All(TransactionKind, t => t.Data["invoice"]?.ToString() == invoice.Id
                && t.Data["type"]?.ToString() is "applied_to_invoice" or "unapplied_from_invoice")
            .Sum(t => JsonNumber.Read(t.Data["amount"]));
        if (taken == 0 || store.Find(invoice.Data["customer"]?.ToString() ?? "") is not { Kind: CustomersApi.Kind } customer
            || CustomersApi.IsDeleted(customer))
        {
            return;
        }

        var before = customer.Data;
        Record(store, customer, "unapplied_from_invoice", -taken, invoice, now);
        batch.Add("customer.updated", customer, ObjectEvents.PreviousAttributes(before, customer.Data));
    }

    /// <summary>
    /// Under the gate: the ledger entry for a balance set directly on the customer (<c>balance</c> on create or update):
    /// <c>initial</c> or <c>adjustment</c>, for the difference from <paramref name="previous"/>.
    /// </summary>
    public static void RecordSetBalance(SandboxStore store, StoredObject customer, long previous, string type, long now)
    {
        var current = JsonNumber.Read(customer.Data["balance"]);
        if (current == previous)
        {
            return;
        }

        var data = customer.Data.DeepClone().AsObject();
        data["balance"] = previous;
        customer.Data = data;
        Record(store, customer, type, current - previous, null, now);
    }

    /// <summary>
    /// Under the gate: a ledger entry of <paramref name="amount"/> and the customer's balance moved by it. The
    /// customer's <c>currency</c> is set to the entry's when it had none.
    /// </summary>
    public static StoredObject Record(SandboxStore store, StoredObject customer, string type, long amount, StoredObject? invoice,
        long now, string? currency = null, string? description = null, JsonObject? metadata = null)
    {
        currency ??= invoice?.Data["currency"]?.ToString() ?? customer.Data["currency"]?.ToString();
        var data = customer.Data.DeepClone().AsObject();
        var ending = JsonNumber.Read(data["balance"]) + amount;
        data["balance"] = ending;
        data["currency"] ??= currency;
        customer.Data = data;
        store.Save(customer);
        var id = Ids.New("cbtxn");
        return store.Save(customer.NewInSameScope(TransactionKind, id, now, new JsonObject
        {
            ["id"] = id,
            ["object"] = TransactionKind,
            ["amount"] = amount,
            ["checkout_session"] = null,
            ["created"] = now,
            ["credit_note"] = null,
            ["currency"] = currency,
            ["customer"] = customer.Id,
            ["customer_account"] = null,
            ["description"] = description,
            ["ending_balance"] = ending,
            ["invoice"] = invoice?.Id,
            ["livemode"] = customer.Livemode,
            ["metadata"] = metadata ?? new JsonObject(),
            ["type"] = type,
        }));
    }

    private static IResult Create(string customer, StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "amount", "currency", "description", "metadata");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (!p.Has("amount"))
        {
            return StripeErrors.MissingParameter("amount");
        }

        if (!p.TryLong("amount", out var amount) || amount is null)
        {
            return StripeErrors.InvalidRequest($"Invalid integer: {p.String("amount")}", "amount", "parameter_invalid_integer");
        }

        if (p.String("currency") is not { } currency)
        {
            return StripeErrors.MissingParameter("currency");
        }

        var error = p.NotAString("description") ?? p.MetadataError();
        if (error is not null)
        {
            return error;
        }

        StoredObject transaction;
        StoredObject owner;
        JsonObject before;
        lock (request.Store.Gate)
        {
            if (CustomersApi.FindUsable(request.Store, request.Caller, customer) is not { } found)
            {
                return CustomersApi.NotFound(customer, "customer");
            }

            currency = currency.ToLowerInvariant();
            if (found.Data["currency"]?.ToString() is { } own && own != currency)
            {
                return StripeErrors.InvalidRequest(
                    $"The customer's balance is in {own}; a transaction in {currency} cannot change it.", "currency");
            }

            owner = found;
            before = found.Data;
            transaction = Record(request.Store, found, "adjustment", amount.Value, null, request.Now, currency,
                p.String("description"), p.MergeMetadata(null));
        }

        request.Events.Publish(request.Store, "customer.updated", owner,
            ObjectEvents.PreviousAttributes(before, owner.Data), request.IdempotencyKey);
        return request.Respond(transaction.Data);
    }

    private static IResult List(string customer, StripeRequest request)
    {
        var unknown = request.Params.Unknown(null, "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (request.Find(customer, CustomersApi.Kind) is null)
        {
            return CustomersApi.NotFound(customer, "customer");
        }

        return request.RespondList(request.Store.All(TransactionKind,
            t => request.Caller.CanSee(t) && t.Data["customer"]?.ToString() == customer), $"/v1/customers/{customer}/balance_transactions");
    }

    private static IResult Retrieve(string customer, string id, StripeRequest request) =>
        request.Find(id, TransactionKind) is { } transaction && transaction.Data["customer"]?.ToString() == customer
            ? request.Respond(transaction.Data)
            : StripeErrors.NotFound("customer_balance_transaction", id);

    private static IResult Update(string customer, string id, StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "description", "metadata");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var error = p.NotAString("description") ?? p.MetadataError();
        if (error is not null)
        {
            return error;
        }

        lock (request.Store.Gate)
        {
            if (request.Find(id, TransactionKind) is not { } transaction || transaction.Data["customer"]?.ToString() != customer)
            {
                return StripeErrors.NotFound("customer_balance_transaction", id);
            }

            var data = transaction.Data.DeepClone().AsObject();
            if (p.Node("description") is { } description)
            {
                data["description"] = description.ToString() == "" ? null : description.ToString();
            }

            data["metadata"] = p.MergeMetadata(data["metadata"] as JsonObject);
            transaction.Data = data;
            request.Store.Save(transaction);
            return request.Respond(data);
        }
    }
}
