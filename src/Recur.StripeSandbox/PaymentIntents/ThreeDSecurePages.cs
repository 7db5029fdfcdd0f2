using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Recur.StripeSandbox.Infrastructure;
using Recur.StripeSandbox.Prices;
using Recur.StripeSandbox.Scheduling;
using Recur.StripeSandbox.SetupIntents;

namespace Recur.StripeSandbox.PaymentIntents;

/// <summary>
/// The hosted 3-D Secure challenge behind <c>next_action.redirect_to_url.url</c> (<c>/3ds/{token}</c>): the card
/// holder completes or fails authentication. Afterwards the browser goes to the intent's <c>return_url</c> with
/// <c>payment_intent</c>, <c>payment_intent_client_secret</c> and <c>redirect_status</c> (or the
/// <c>setup_intent</c> equivalents), as Stripe sends it; without a return URL, or when the page is framed (Stripe.js's
/// 3-D Secure modal), it says it may be closed and posts <c>{ type: 'stripe-sandbox-3ds-done' }</c> to its parent.
/// The token is single-use and works only while the intent waits in <c>requires_action</c>.
/// </summary>
public static class ThreeDSecurePages
{
    public static IServiceCollection AddPaymentIntents(this IServiceCollection services)
    {
        services.AddSingleton<SandboxOrigin>();
        services.AddSingleton<PaymentIntentOutcomes>();
        services.AddSingleton<PaymentIntentFlow>();
        services.AddScheduledWork(PaymentIntentFlow.SettlementWork, (provider, work, _) =>
        {
            provider.GetRequiredService<PaymentIntentFlow>().Settle(work);
            return Task.CompletedTask;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapThreeDSecurePages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/3ds/{token}", Show);
        app.MapPost("/3ds/{token}", DecideAsync);
        return app;
    }

    private static IResult Show(string token, SandboxStore store)
    {
        if (Challenge(store, token) is not { } challenge || store.Find(challenge.Meta["intent"]!.ToString()) is not { } intent)
        {
            return Finished();
        }

        var payment = intent.Kind == PaymentIntentFlow.Kind;
        var paymentMethod = store.Find(intent.Data["payment_method"]?.ToString() ?? "");
        var card = paymentMethod?.Data["card"];
        var what = payment
            ? $"Pay {Currencies.Format(IntentSupport.Number(intent.Data["amount"]), intent.Data["currency"]!.ToString())}"
            : "Save your card for future payments";
        var body = $"""
            <p>Your bank asks you to confirm this {(payment ? "payment" : "card")}. This is the Stripe sandbox's
            3-D Secure test page: choose what the card holder does.</p>
            <dl>
            <dt>Request</dt><dd>{SandboxHtml.Encode(what)}</dd>
            <dt>Card</dt><dd>{SandboxHtml.Encode(Title(card?["brand"]?.ToString()))} •••• {SandboxHtml.Encode(card?["last4"]?.ToString())}</dd>
            </dl>
            <form method="post">
            <input type="hidden" name="framed" value="">
            <script>if (window.parent !== window) document.currentScript.previousElementSibling.value = '1';</script>
            <div class="actions">
            <button class="primary" type="submit" name="action" value="complete">Complete authentication</button>
            <button type="submit" name="action" value="fail">Fail authentication</button>
            </div>
            </form>
            """ + InFrame;
        return SandboxHtml.Result("3D Secure authentication", intent.Livemode, body);
    }

    private static async Task<IResult> DecideAsync(string token, HttpContext http, SandboxStore store,
        PaymentIntentFlow payments, SetupIntentFlow setups)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadStripeFormAsync(http.RequestAborted) : null;
        var action = form?["action"].FirstOrDefault();
        if (action is not ("complete" or "fail"))
        {
            return SandboxHtml.Result("3D Secure authentication", null,
                """<p class="errors">Choose Complete authentication or Fail authentication.</p>""",
                StatusCodes.Status400BadRequest);
        }

        if (Challenge(store, token) is not { } challenge)
        {
            return Finished();
        }

        var payment = challenge.Meta["intent_kind"]?.ToString() == PaymentIntentFlow.Kind;
        var authenticated = action == "complete";
        var intent = payment ? payments.CompleteChallenge(challenge, authenticated) : setups.CompleteChallenge(challenge, authenticated);
        if (intent is null)
        {
            return Finished();
        }

        var status = intent.Data["status"]!.ToString();
        // Inside Stripe.js's modal the page stays put and tells the modal it is done, as Stripe's challenge frame
        // does; only a challenge opened as a whole page goes on to return_url.
        var framed = form?["framed"].FirstOrDefault() == "1";
        var returnUrl = challenge.Meta["return_url"]?.ToString();
        if (returnUrl is not null && !framed)
        {
            var prefix = payment ? "payment_intent" : "setup_intent";
            return TypedResults.Redirect(QueryHelpers.AddQueryString(returnUrl, new Dictionary<string, string?>
            {
                [prefix] = intent.Id,
                [$"{prefix}_client_secret"] = intent.Data["client_secret"]?.ToString(),
                ["redirect_status"] = status is "succeeded" or "processing" ? status : "failed",
            }));
        }

        var message = authenticated ? "Authentication complete." : "Authentication failed.";
        return SandboxHtml.Result("3D Secure authentication", intent.Livemode,
            $$"""
            <p>{{SandboxHtml.Encode(message)}} You can close this window.</p>
            <script>if (window.parent !== window) { window.parent.postMessage({ type: 'stripe-sandbox-3ds-done' }, '*'); }</script>
            """ + InFrame);
    }

    /// <summary>Inside Stripe.js's modal the page drops its outer margin and grey backdrop and tells the modal its
    /// height (<c>{ type: 'stripe-sandbox-3ds-size', height }</c>), so the modal fits the challenge rather than
    /// leaving a blank area under it.</summary>
    private const string InFrame = """

        <script>
        (function () {
          if (window.parent === window) { return; }
          var main = document.querySelector('main');
          document.body.style.background = '#fff';
          main.style.margin = '0';
          main.style.boxShadow = 'none';
          main.style.maxWidth = 'none';
          function tell() {
            window.parent.postMessage({ type: 'stripe-sandbox-3ds-size', height: Math.ceil(main.getBoundingClientRect().height) }, '*');
          }
          tell();
          window.addEventListener('load', tell);
          window.addEventListener('resize', tell);
        })();
        </script>
        """;

    private static StoredObject? Challenge(SandboxStore store, string token) =>
        store.Find(token) is { Kind: IntentSupport.ChallengeKind } challenge ? challenge : null;

    private static IResult Finished() => SandboxHtml.Result("3D Secure authentication", null,
        "<p>This authentication has already finished, or the link is not valid. You can close this window.</p>" + InFrame,
        StatusCodes.Status404NotFound);

    private static string Title(string? brand) => brand switch
    {
        null => "Card",
        "amex" => "American Express",
        _ => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(brand),
    };
}
