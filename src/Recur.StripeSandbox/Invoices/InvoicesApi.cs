using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Prices;
using Recur.StripeSandbox.Scheduling;

namespace Recur.StripeSandbox.Invoices;

/// <summary>
/// <c>/v1/invoices</c>: retrieve, list (filters <c>customer</c>, <c>subscription</c>, <c>status</c>,
/// <c>collection_method</c>), <c>pay</c> and <c>lines</c>; <c>/v1/invoice_payments</c> (list for an invoice or a
/// PaymentIntent, retrieve); and the hosted invoice page behind <c>hosted_invoice_url</c>. Invoices are made by
/// subscriptions (<see cref="InvoiceFlow"/>).
/// </summary>
public static class InvoicesApi
{
    private const string Url = "/v1/invoices";
    private static readonly string[] Statuses = ["draft", "open", "paid", "uncollectible", "void"];

    public static IEndpointRouteBuilder MapInvoices(this IEndpointRouteBuilder app)
    {
        var invoices = app.MapGroup(Url);
        invoices.MapGet("", List);
        invoices.MapGet("/{id}", Retrieve);
        invoices.MapGet("/{id}/lines", Lines);
        invoices.MapPost("/{id}/pay", Pay);
        invoices.MapPost("/{id}/finalize", FinalizeInvoice);
        invoices.MapPost("/{id}/void", VoidInvoice);
        invoices.MapPost("/{id}/mark_uncollectible", MarkUncollectible);
        app.MapGet("/v1/invoice_payments", ListPayments);
        app.MapGet("/v1/invoice_payments/{id}", RetrievePayment);
        app.MapGet("/invoices/{token}", HostedPage);
        return app;
    }

    private static IResult Retrieve(string id, StripeRequest request) =>
        request.Find(id, InvoiceFlow.Kind) is { } invoice ? request.Respond(invoice.Data) : StripeErrors.NotFound("invoice", id);

    private static IResult Lines(string id, StripeRequest request)
    {
        var unknown = request.Params.Unknown(null, "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (request.Find(id, InvoiceFlow.Kind) is not { } invoice)
        {
            return StripeErrors.NotFound("invoice", id);
        }

        var lines = (invoice.Data["lines"]?["data"] as JsonArray ?? []).OfType<JsonObject>().Select((line, i) => new StoredObject
        {
            Id = line["id"]!.ToString(),
            Kind = "line_item",
            Platform = invoice.Platform,
            Livemode = invoice.Livemode,
            Account = invoice.Account,
            Created = invoice.Created,
            Sequence = i,
            Data = line,
        }).ToList();
        return request.RespondList(lines, $"{Url}/{id}/lines");
    }

    private static IResult List(StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "customer", "subscription", "status", "collection_method", "created", "due_date",
            "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var status = p.String("status");
        if (status is not null && !Statuses.Contains(status))
        {
            return StripeErrors.InvalidRequest($"Invalid status: must be one of {string.Join(", ", Statuses)}", "status");
        }

        var created = CreatedFilter.Parse(p);
        if (created.Error is not null)
        {
            return created.Error;
        }

        var customer = p.String("customer");
        var subscription = p.String("subscription");
        var collection = p.String("collection_method");
        var invoices = request.Store.All(InvoiceFlow.Kind, i => request.Caller.CanSee(i) && created.Matches(i.Created)
            && (customer is null || i.Data["customer"]?.ToString() == customer)
            && (subscription is null || i.Meta["subscription"]?.ToString() == subscription)
            && (status is null || i.Data["status"]?.ToString() == status)
            && (collection is null || i.Data["collection_method"]?.ToString() == collection));
        return request.RespondList(invoices, Url);
    }

    /// <summary>
    /// Collects an invoice now: with <c>payment_method</c> (or the default), or marks it paid with
    /// <c>paid_out_of_band=true</c>. A decline answers with the card error (402); a payment that needs 3-D Secure with
    /// <c>invoice_payment_intent_requires_action</c> (402); a BACS debit leaves the invoice open while it processes.
    /// </summary>
    private static IResult Pay(string id, StripeRequest request, InvoiceFlow flow)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "payment_method", "paid_out_of_band", "off_session", "forgive", "mandate", "source");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        foreach (var flag in new[] { "paid_out_of_band", "off_session", "forgive" })
        {
            if (!p.TryBool(flag, out _))
            {
                return StripeErrors.InvalidRequest($"Invalid boolean: {p.String(flag)}", flag);
            }
        }

        if (request.Find(id, InvoiceFlow.Kind) is not { } invoice)
        {
            return StripeErrors.NotFound("invoice", id);
        }

        var status = invoice.Data["status"]?.ToString();
        switch (status)
        {
            case "paid":
                return StripeErrors.InvalidRequest("Invoice is already paid", null, "invoice_already_paid");
            case "void":
                return StripeErrors.InvalidRequest("This invoice has been voided and can no longer be paid.", null,
                    "invoice_not_editable");
            case "uncollectible":
                return StripeErrors.InvalidRequest(
                    "This invoice is marked uncollectible: the sandbox pays open invoices only.", null, "invoice_not_editable");
            case "draft":
                var finalizeError = flow.FinalizeDraft(id, request.IdempotencyKey);
                if (finalizeError is not null)
                {
                    return finalizeError;
                }

                break;
        }

        if (p.String("paid_out_of_band") == "true")
        {
            var paid = flow.PayOutOfBand(id, request.IdempotencyKey);
            return request.Respond((paid ?? invoice).Data);
        }

        var result = flow.Attempt(id, p.String("payment_method"), AttemptKind.Manual);
        var after = request.Store.Find(id)!;
        if (result?.Error is { } error)
        {
            return error;
        }

        if (result?.Intent?.Data["status"]?.ToString() == "requires_action")
        {
            return StripeErrors.Create(StatusCodes.Status402PaymentRequired, "card_error",
                "This payment requires additional user action before it can be completed successfully. Payment can be completed using the PaymentIntent associated with the invoice. For more details see: https://stripe.com/docs/billing/subscriptions/overview#requires-action",
                "invoice_payment_intent_requires_action", extra: new JsonObject
                {
                    ["payment_intent"] = result.Intent.Data.DeepClone(),
                });
        }

        return request.Respond(after.Data);
    }

    private static IResult FinalizeInvoice(string id, StripeRequest request, InvoiceFlow flow)
    {
        var unknown = request.Params.Unknown(null, "auto_advance");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (request.Find(id, InvoiceFlow.Kind) is null)
        {
            return StripeErrors.NotFound("invoice", id);
        }

        return flow.FinalizeDraft(id, request.IdempotencyKey) ?? request.Respond(request.Store.Find(id)!.Data);
    }

    /// <summary>Voids an open invoice; its PaymentIntent is canceled.</summary>
    private static IResult VoidInvoice(string id, StripeRequest request, InvoiceFlow flow)
    {
        var unknown = request.Params.Unknown(null);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        StoredObject? invoice;
        var batch = new ObjectEventBatch();
        string? paymentIntent;
        lock (request.Store.Gate)
        {
            invoice = request.Find(id, InvoiceFlow.Kind);
            if (invoice is null)
            {
                return StripeErrors.NotFound("invoice", id);
            }

            if (invoice.Data["status"]?.ToString() is not ("open" or "uncollectible"))
            {
                return StripeErrors.InvalidRequest(
                    $"You can only void an open or uncollectible invoice; this one is {invoice.Data["status"]}.", null,
                    "invoice_not_editable");
            }

            if (invoice.Data["status"]?.ToString() == "uncollectible")
            {
                var data = invoice.Data.DeepClone().AsObject();
                data["status"] = "open";
                invoice.Data = data;
            }

            var now = request.Http.RequestServices.GetRequiredService<SandboxClock>()
                .NowFor(invoice.Data["customer"]?.ToString()).ToUnixTimeSeconds();
            paymentIntent = flow.Void(id, now, batch);
        }

        batch.Publish(request.Events, request.Store, request.IdempotencyKey);
        flow.CancelPaymentIntent(paymentIntent);
        return request.Respond(request.Store.Find(id)!.Data);
    }

    private static IResult MarkUncollectible(string id, StripeRequest request, InvoiceFlow flow)
    {
        var unknown = request.Params.Unknown(null);
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        if (request.Find(id, InvoiceFlow.Kind) is null)
        {
            return StripeErrors.NotFound("invoice", id);
        }

        return flow.MarkUncollectible(id, request.IdempotencyKey) ?? request.Respond(request.Store.Find(id)!.Data);
    }

    private static IResult ListPayments(StripeRequest request)
    {
        var p = request.Params;
        var unknown = p.Unknown(null, "invoice", "payment", "status", "created", "limit", "starting_after", "ending_before");
        if (unknown is not null)
        {
            return StripeErrors.UnknownParameter(unknown);
        }

        var invoice = p.String("invoice");
        var paymentIntent = p.String("payment.payment_intent");
        var status = p.String("status");
        var payments = request.Store.All(InvoiceObjects.PaymentKind, i => request.Caller.CanSee(i)
            && (invoice is null || i.Data["invoice"]?.ToString() == invoice)
            && (paymentIntent is null || i.Data["payment"]?["payment_intent"]?.ToString() == paymentIntent)
            && (status is null || i.Data["status"]?.ToString() == status));
        return request.RespondList(payments, "/v1/invoice_payments");
    }

    private static IResult RetrievePayment(string id, StripeRequest request) =>
        request.Find(id, InvoiceObjects.PaymentKind) is { } payment
            ? request.Respond(payment.Data)
            : StripeErrors.NotFound("invoice_payment", id);

    /// <summary>The hosted invoice page: what the invoice is for and whether it is paid.</summary>
    private static IResult HostedPage(string token, InvoiceFlow flow)
    {
        if (flow.FindByPage(token) is not { } invoice)
        {
            return SandboxHtml.Result("Invoice not found", null, "<p>This invoice link is not valid.</p>",
                StatusCodes.Status404NotFound);
        }

        var data = invoice.Data;
        var currency = data["currency"]!.ToString();
        string Money(JsonNode? amount) => SandboxHtml.Encode(Currencies.Format(InvoiceObjects.Amount(amount), currency));
        string Date(JsonNode? time) => time is null
            ? ""
            : DateTimeOffset.FromUnixTimeSeconds(InvoiceObjects.Amount(time)).ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        var body = new StringBuilder();
        body.Append("<dl>")
            .Append("<dt>Invoice</dt><dd>").Append(SandboxHtml.Encode(data["number"]?.ToString() ?? invoice.Id)).Append("</dd>")
            .Append("<dt>Status</dt><dd id=\"status\">").Append(SandboxHtml.Encode(data["status"]?.ToString())).Append("</dd>")
            .Append("<dt>Customer</dt><dd>").Append(SandboxHtml.Encode(data["customer_email"]?.ToString() ?? data["customer"]?.ToString())).Append("</dd>")
            .Append("<dt>Issued</dt><dd>").Append(Date(data["status_transitions"]?["finalized_at"])).Append("</dd>")
            .Append("<dt>Amount due</dt><dd>").Append(Money(data["amount_due"])).Append("</dd>")
            .Append("<dt>Amount paid</dt><dd>").Append(Money(data["amount_paid"])).Append("</dd>")
            .Append("</dl><h2>Lines</h2><dl>");
        foreach (var line in (data["lines"]?["data"] as JsonArray ?? []).OfType<JsonObject>())
        {
            body.Append("<dt>").Append(SandboxHtml.Encode(line["description"]?.ToString())).Append("</dt><dd>")
                .Append(Money(line["amount"])).Append(" (").Append(Date(line["period"]?["start"])).Append(" – ")
                .Append(Date(line["period"]?["end"])).Append(")</dd>");
        }

        body.Append("</dl>");
        return SandboxHtml.Result("Invoice", invoice.Livemode, body.ToString());
    }
}
