// The sandbox's Stripe.js, inside its frames (the Payment Element's form and the hidden controller). A frame is told
// who embeds it through the URL fragment, accepts calls only from that parent window and origin, answers them with
// postMessage, and calls the sandbox API on its own origin with the publishable key, as Stripe.js calls Stripe.
(function () {
  'use strict';

  var config = {};
  try {
    config = JSON.parse(decodeURIComponent(location.hash.slice(1))) || {};
  } catch (e) {
    config = {};
  }

  var parentWindow = window.parent;
  var handlers = {};

  function post(message) {
    if (parentWindow === window || !config.parentOrigin) {
      return;
    }
    message.__stripeSandbox = 1;
    message.frame = config.frame;
    parentWindow.postMessage(message, config.parentOrigin);
  }

  window.addEventListener('message', function (event) {
    var data = event.data;
    if (event.source !== parentWindow || event.origin !== config.parentOrigin || !data
      || data.__stripeSandbox !== 1 || data.frame !== config.frame || typeof data.call !== 'number') {
      return;
    }
    var handler = handlers[data.method];
    Promise.resolve()
      .then(function () {
        if (!handler) {
          throw new Error('This frame does not handle "' + data.method + '".');
        }
        return handler(data.args || {});
      })
      .then(function (result) {
        post({ reply: data.call, result: result === undefined ? null : result });
      }, function (error) {
        post({ reply: data.call, failure: String((error && error.message) || error) });
      });
  });

  // Stripe's form encoding: nested objects as a[b][c], arrays as a[0], a[1].
  function encode(params) {
    var form = new URLSearchParams();
    (function walk(value, name) {
      if (value === undefined || value === null) {
        return;
      }
      if (Array.isArray(value)) {
        value.forEach(function (item, index) { walk(item, name + '[' + index + ']'); });
      } else if (typeof value === 'object') {
        Object.keys(value).forEach(function (key) { walk(value[key], name ? name + '[' + key + ']' : key); });
      } else {
        form.append(name, String(value));
      }
    })(params, '');
    return form.toString();
  }

  // Resolves with { ok: object } or { error: Stripe's error object }; never rejects.
  function api(method, path, params) {
    var headers = { Authorization: 'Bearer ' + config.key };
    if (config.stripeAccount) {
      headers['Stripe-Account'] = config.stripeAccount;
    }
    var url = path;
    var init = { method: method, headers: headers, credentials: 'omit', cache: 'no-store' };
    var body = encode(params || {});
    if (method === 'GET') {
      url += body ? '?' + body : '';
    } else {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      init.body = body;
    }
    return fetch(url, init)
      .then(function (response) {
        return response.json()
          .catch(function () { return null; })
          .then(function (json) {
            if (response.ok && json && !json.error) {
              return { ok: json };
            }
            return {
              error: (json && json.error) || {
                type: 'api_error',
                message: 'The Stripe sandbox answered with HTTP ' + response.status + '.',
              },
            };
          });
      }, function () {
        return {
          error: {
            type: 'api_connection_error',
            message: 'We could not reach the Stripe sandbox. Check your connection and try again.',
          },
        };
      });
  }

  // pi_…_secret_… or seti_…_secret_… → where the intent lives.
  function intentOf(clientSecret) {
    var match = /^((pi|seti)_[A-Za-z0-9]+)_secret_[A-Za-z0-9_]+$/.exec(String(clientSecret || ''));
    if (!match) {
      return null;
    }
    var payment = match[2] === 'pi';
    return {
      id: match[1],
      kind: payment ? 'payment' : 'setup',
      path: (payment ? '/v1/payment_intents/' : '/v1/setup_intents/') + encodeURIComponent(match[1]),
    };
  }

  function requireIntent(clientSecret) {
    var intent = intentOf(clientSecret);
    if (!intent) {
      throw new Error('Invalid client secret: it should look like pi_…_secret_… or seti_…_secret_….');
    }
    return intent;
  }

  // The intent as the client secret's holder may see it: { intent } or { error }.
  function retrieve(clientSecret) {
    var intent = requireIntent(clientSecret);
    return api('GET', intent.path, { client_secret: clientSecret }).then(function (result) {
      return result.error ? { error: result.error } : { intent: result.ok };
    });
  }

  // POST /confirm with the client secret: { intent } or { error } (a decline's error carries the intent).
  function confirm(clientSecret, params) {
    var intent = requireIntent(clientSecret);
    var body = {};
    Object.keys(params || {}).forEach(function (key) { body[key] = params[key]; });
    body.client_secret = clientSecret;
    return api('POST', intent.path + '/confirm', body).then(function (result) {
      return result.error ? { error: result.error } : { intent: result.ok };
    });
  }

  handlers.retrieve = function (args) { return retrieve(args.clientSecret); };

  // confirmPayment / confirmSetup without an element: the merchant passes payment_method (an id) or
  // payment_method_data itself in confirmParams, which go to the API as they are.
  handlers.confirmIntent = function (args) { return confirm(args.clientSecret, args.confirmParams); };

  function emit(name, payload) {
    post({ event: name, payload: payload || {} });
  }

  window.StripeSandboxFrame = {
    config: config,
    handle: function (method, handler) { handlers[method] = handler; },
    emit: emit,
    api: api,
    intentOf: intentOf,
    retrieve: retrieve,
    confirm: confirm,
    // Tells the parent how tall the frame's content is, so the iframe can fit it. Returns the report, so that a
    // frame can size itself before it says it is ready.
    watchSize: function (node) {
      var last = -1;
      function report() {
        var height = Math.ceil(node.getBoundingClientRect().height);
        if (height !== last) {
          last = height;
          emit('__resize', { height: height });
        }
      }
      if (window.ResizeObserver) {
        new ResizeObserver(report).observe(node);
      }
      report();
      return report;
    },
  };

  function loaded() { emit('__loaded'); }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', loaded);
  } else {
    loaded();
  }
})();
