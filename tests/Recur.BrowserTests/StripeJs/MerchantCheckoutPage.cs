using System.Net;

namespace Recur.BrowserTests.StripeJs;

/// <summary>
/// The merchant's checkout page in these tests: it loads Stripe.js from the sandbox and uses nothing but Stripe.js's
/// public API, as a page written for the real Stripe.js would. The query says what to set up:
/// <c>pk</c>, <c>account</c> (Stripe-Account), <c>secret</c> (an intent's client secret), <c>types</c> with
/// <c>deferred=1</c> or no secret (deferred mode, e.g. <c>card,bacs_debit</c>; the secret then goes to confirmPayment), <c>redirect</c> (<c>if_required</c> by default) and <c>billing=merchant</c>
/// (the page collects name, email and address itself and passes them in <c>confirmParams</c>).
/// It shows what Stripe.js answered: <c>#status</c>, or <c>#message</c> with <c>#error-type</c>,
/// <c>#error-code</c> and <c>#decline-code</c>; every element event is kept in <c>window.stripeEvents</c>.
/// </summary>
public static class MerchantCheckoutPage
{
    public static string Html(string sandboxUrl) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Merchant checkout</title>
        <script src="{{WebUtility.HtmlEncode(sandboxUrl)}}/v3/"></script>
        <style>body{font-family:sans-serif;max-width:560px;margin:24px auto} #payment-element{margin:16px 0}</style>
        </head>
        <body>
        <h1>Checkout</h1>
        <form id="checkout">
          <div id="payment-element"></div>
          <button id="pay" type="submit">Pay</button>
        </form>
        <p id="status"></p>
        <div id="message" role="alert"></div>
        <dl><dt>Type</dt><dd id="error-type"></dd><dt>Code</dt><dd id="error-code"></dd><dt>Decline code</dt><dd id="decline-code"></dd></dl>
        <script>
        const params = new URLSearchParams(location.search);
        const stripe = Stripe(params.get('pk'), params.get('account') ? { stripeAccount: params.get('account') } : undefined);
        const secret = params.get('secret');
        const setup = secret && secret.startsWith('seti_');
        const deferred = !secret || params.get('deferred') === '1';
        const elements = deferred
          ? stripe.elements({ mode: 'payment', amount: 2000, currency: 'gbp', paymentMethodTypes: (params.get('types') || 'card').split(',') })
          : stripe.elements({ clientSecret: secret, appearance: { theme: 'stripe', variables: { colorPrimary: '#635bff' } } });
        const merchantBilling = params.get('billing') === 'merchant';
        const payment = elements.create('payment', merchantBilling
          ? { fields: { billingDetails: { name: 'never', email: 'never', address: 'never' } } }
          : { defaultValues: { billingDetails: { email: 'jenny@example.com' } } });
        window.stripeEvents = [];
        for (const name of ['ready', 'change', 'focus', 'blur', 'loaderror']) {
          payment.on(name, event => window.stripeEvents.push({ name, event }));
        }
        payment.mount('#payment-element');

        function show(result) {
          window.lastResult = result;
          const error = result.error;
          const intent = result.paymentIntent || result.setupIntent || (error && (error.payment_intent || error.setup_intent));
          document.getElementById('status').textContent = error ? '' : intent.status;
          document.getElementById('message').textContent = error ? error.message : '';
          document.getElementById('error-type').textContent = error ? error.type : '';
          document.getElementById('error-code').textContent = (error && error.code) || '';
          document.getElementById('decline-code').textContent = (error && error.decline_code) || '';
        }

        document.getElementById('checkout').addEventListener('submit', async event => {
          event.preventDefault();
          const pay = document.getElementById('pay');
          pay.disabled = true;
          try {
            const submitted = await elements.submit();
            if (submitted.error) {
              show(submitted);
              return;
            }
            const options = {
              elements,
              confirmParams: { return_url: location.origin + '/return' },
              redirect: params.get('redirect') || 'if_required',
            };
            if (deferred) {
              options.clientSecret = secret;
            }
            if (merchantBilling) {
              options.confirmParams.payment_method_data = { billing_details: {
                name: 'Jenny Rosen', email: 'jenny@example.com',
                address: { line1: '1 High Street', line2: null, city: 'London', state: null, postal_code: 'SW1A 1AA', country: 'GB' },
              } };
            }
            show(setup ? await stripe.confirmSetup(options) : await stripe.confirmPayment(options));
          } finally {
            pay.disabled = false;
          }
        });
        </script>
        </body>
        </html>
        """;
}
