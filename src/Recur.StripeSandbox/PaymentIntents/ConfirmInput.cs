using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Mandates;
using Recur.StripeSandbox.PaymentMethods;

namespace Recur.StripeSandbox.PaymentIntents;

/// <summary>
/// What a confirmation says, for PaymentIntents and SetupIntents alike, from the confirm call or from create with
/// <c>confirm=true</c>: the PaymentMethod (<c>payment_method</c>, or one made from <c>payment_method_data</c>), the
/// mandate acceptance, <c>return_url</c>, <c>off_session</c> and the like.
/// </summary>
public sealed record ConfirmInput
{
    /// <summary>Parameters a confirmation reads (<c>payment_method_options</c> and <c>use_stripe_sdk</c> are accepted and
    /// change nothing here).</summary>
    public static readonly string[] PaymentParameters =
    [
        "payment_method", "payment_method_data", "mandate_data", "return_url", "off_session", "setup_future_usage",
        "receipt_email", "error_on_requires_action", "payment_method_options", "use_stripe_sdk", "client_secret",
    ];

    public static readonly string[] SetupParameters =
    [
        "payment_method", "payment_method_data", "mandate_data", "return_url", "payment_method_options",
        "use_stripe_sdk", "client_secret",
    ];

    /// <summary>A PaymentMethod id, a <c>pm_card_*</c> id, or the PaymentMethod just made from
    /// <c>payment_method_data</c>; null keeps the intent's own.</summary>
    public string? PaymentMethod { get; init; }

    /// <summary>The customer's acceptance from <c>mandate_data</c>, for a new BACS mandate.</summary>
    public JsonObject? MandateAcceptance { get; init; }

    public string? ReturnUrl { get; init; }

    /// <summary><c>off_session=true</c>: the customer is not there, so a needed authentication fails the payment.</summary>
    public bool OffSession { get; init; }

    /// <summary>
    /// An invoice's automatic payment (renewals): the customer is not there, but as Stripe Billing does, a needed
    /// authentication leaves the payment in <c>requires_action</c> for the customer to complete later.
    /// </summary>
    public bool Billing { get; init; }

    /// <summary><c>setup_future_usage</c> from the confirmation: null leaves it; <c>""</c> clears it.</summary>
    public string? SetupFutureUsage { get; init; }

    public string? ReceiptEmail { get; init; }

    /// <summary><c>error_on_requires_action=true</c>: a needed authentication fails the attempt instead.</summary>
    public bool ErrorOnRequiresAction { get; init; }

    /// <summary>
    /// The confirmation comes from a Checkout Session's hosted page: the only place a SetupIntent may collect a BACS
    /// mandate (see <see cref="SetupIntents.SetupIntentFlow"/>). Never set from an API request.
    /// </summary>
    public bool ThroughCheckout { get; init; }

    /// <summary>Reads a confirmation from the request. A PaymentMethod from <c>payment_method_data</c> is created here,
    /// as Stripe creates it even when the confirmation then fails.</summary>
    public static IResult? Parse(StripeRequest request, bool payment, out ConfirmInput input)
    {
        input = new ConfirmInput();
        var p = request.Params;
        if (p.Has("payment_method") && p.Has("payment_method_data"))
        {
            return StripeErrors.InvalidRequest(
                "You may only specify one of these parameters: payment_method, payment_method_data.", "payment_method_data");
        }

        var paymentMethod = p.String("payment_method");
        if (p.Has("payment_method_data"))
        {
            var error = PaymentMethodAttachments.Create(request.Store, request.Caller, p, "payment_method_data", request.Now,
                out var created);
            if (error is not null)
            {
                return error;
            }

            paymentMethod = created!.Id;
        }

        JsonObject? acceptance = null;
        if (p.Has("mandate_data"))
        {
            var error = BacsMandates.ParseAcceptance(p, "mandate_data", request.Http, request.Now, out acceptance);
            if (error is not null)
            {
                return error;
            }
        }

        var returnUrl = p.String("return_url");
        if (returnUrl is not null && !Uri.TryCreate(returnUrl, UriKind.Absolute, out _))
        {
            return StripeErrors.InvalidRequest($"Invalid URL: {returnUrl}. return_url must be an absolute URL.", "return_url",
                "url_invalid");
        }

        var offSession = false;
        if (payment && p.String("off_session") is { } offSessionText)
        {
            if (offSessionText is not ("true" or "false" or "one_off" or "recurring"))
            {
                return StripeErrors.InvalidRequest($"Invalid boolean: {offSessionText}", "off_session");
            }

            if (!request.Caller.Key.IsSecret)
            {
                return StripeErrors.InvalidRequest("off_session can only be set with a secret key.", "off_session");
            }

            offSession = offSessionText != "false";
        }

        var setupFutureUsage = payment ? p.String("setup_future_usage") : null;
        if (setupFutureUsage is not (null or "" or "on_session" or "off_session"))
        {
            return StripeErrors.InvalidRequest(
                "Invalid setup_future_usage: must be one of off_session or on_session", "setup_future_usage");
        }

        if (!p.TryBool("error_on_requires_action", out var errorOnRequiresAction))
        {
            return StripeErrors.InvalidRequest($"Invalid boolean: {p.String("error_on_requires_action")}",
                "error_on_requires_action");
        }

        input = new ConfirmInput
        {
            PaymentMethod = paymentMethod,
            MandateAcceptance = acceptance,
            ReturnUrl = returnUrl,
            OffSession = offSession,
            SetupFutureUsage = setupFutureUsage,
            ReceiptEmail = payment ? p.String("receipt_email") : null,
            ErrorOnRequiresAction = errorOnRequiresAction == true,
        };
        return null;
    }
}
