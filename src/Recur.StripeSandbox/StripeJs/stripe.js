// The Stripe sandbox's Stripe.js: the part of Stripe.js's API that a checkout page uses, backed by the sandbox this
// script was loaded from. Card and bank details are typed into a frame on the sandbox's origin and sent from there to
// the sandbox API; this page only ever sees ids, intents and errors.
(function () {
  'use strict';

  if (window.Stripe && window.Stripe.__sandbox) {
    return;
  }

  var script = document.currentScript;
  var ORIGIN = new URL(script && script.src ? script.src : location.href, location.href).origin;
  var MAX_Z = '2147483647';

  function IntegrationError(message) {
    var error = new Error(message);
    error.name = 'IntegrationError';
    return error;
  }

  function clone(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  function intentOf(clientSecret) {
    var match = /^((pi|seti)_[A-Za-z0-9]+)_secret_[A-Za-z0-9_]+$/.exec(String(clientSecret || ''));
    return match ? { id: match[1], kind: match[2] === 'pi' ? 'payment' : 'setup' } : null;
  }

  function whenBodyReady(callback) {
    if (document.body) {
      callback();
    } else {
      document.addEventListener('DOMContentLoaded', callback);
    }
  }

  // ---- frames --------------------------------------------------------------------------------------------------

  var frames = {};
  var frameCount = 0;

  window.addEventListener('message', function (event) {
    var data = event.data;
    if (event.origin !== ORIGIN || !data || data.__stripeSandbox !== 1 || typeof data.frame !== 'string') {
      return;
    }
    var host = frames[data.frame];
    if (host && host.iframe.contentWindow && event.source === host.iframe.contentWindow) {
      host.receive(data);
    }
  });

  // One iframe on the sandbox's origin and the calls made to it. Its configuration travels in the URL fragment.
  function FrameHost(path, config, onEvent) {
    var self = this;
    frameCount += 1;
    this.id = 'sandbox' + frameCount + Math.random().toString(36).slice(2, 10);
    this.onEvent = onEvent || function () {};
    this.calls = {};
    this.nextCall = 1;
    this.loaded = new Promise(function (resolve) { self.markLoaded = resolve; });
    config.frame = this.id;
    config.parentOrigin = location.origin;
    this.iframe = document.createElement('iframe');
    this.iframe.name = '__privateStripeFrame' + this.id;
    this.iframe.setAttribute('frameborder', '0');
    this.iframe.setAttribute('allowtransparency', 'true');
    this.iframe.setAttribute('scrolling', 'no');
    this.iframe.setAttribute('allow', 'payment *');
    this.iframe.src = ORIGIN + path + '#' + encodeURIComponent(JSON.stringify(config));
    frames[this.id] = this;
  }

  FrameHost.prototype.call = function (method, args) {
    var self = this;
    return this.loaded.then(function () {
      return new Promise(function (resolve, reject) {
        if (!frames[self.id]) {
          reject(IntegrationError('This Element has been unmounted.'));
          return;
        }
        var call = self.nextCall;
        self.nextCall += 1;
        self.calls[call] = { resolve: resolve, reject: reject };
        self.iframe.contentWindow.postMessage(
          { __stripeSandbox: 1, frame: self.id, call: call, method: method, args: clone(args || {}) }, ORIGIN);
      });
    });
  };

  FrameHost.prototype.receive = function (data) {
    if (typeof data.reply === 'number') {
      var pending = this.calls[data.reply];
      delete this.calls[data.reply];
      if (pending) {
        if (data.failure) {
          pending.reject(IntegrationError(data.failure));
        } else {
          pending.resolve(data.result);
        }
      }
    } else if (data.event === '__loaded') {
      this.markLoaded();
    } else if (data.event === '__resize') {
      this.iframe.style.height = Math.max(0, data.payload.height | 0) + 'px';
    } else if (typeof data.event === 'string') {
      this.onEvent(data.event, data.payload || {});
    }
  };

  FrameHost.prototype.close = function () {
    delete frames[this.id];
    var self = this;
    Object.keys(this.calls).forEach(function (call) {
      self.calls[call].reject(IntegrationError('This Element was unmounted before the call finished.'));
    });
    this.calls = {};
    if (this.iframe.parentNode) {
      this.iframe.parentNode.removeChild(this.iframe);
    }
  };

  // ---- the Payment Element -------------------------------------------------------------------------------------

  var ELEMENT_EVENTS = ['change', 'ready', 'focus', 'blur', 'escape', 'loaderror', 'loaderstart'];

  function PaymentElement(elements, options) {
    this._elements = elements;
    this._options = clone(options || {});
    this._handlers = {};
    this._host = null;
    this._container = null;
    this._destroyed = false;
  }

  PaymentElement.prototype.mount = function (target) {
    if (this._destroyed) {
      throw IntegrationError('This Element has already been destroyed. Please create a new one.');
    }
    var node = typeof target === 'string' ? document.querySelector(target) : target;
    if (!node || node.nodeType !== 1) {
      throw IntegrationError('The selector you specified (' + target + ') applies to no DOM elements that are '
        + 'currently on the page. Make sure the element exists on the page before calling mount().');
    }
    if (this._host) {
      throw IntegrationError('This Element is already mounted. Use `unmount()` before mounting it again.');
    }
    var self = this;
    var stripe = this._elements._stripe;
    var query = '?key=' + encodeURIComponent(stripe.key)
      + (stripe.account ? '&account=' + encodeURIComponent(stripe.account) : '');
    var host = new FrameHost('/v3/elements/payment' + query, {
      key: stripe.key,
      stripeAccount: stripe.account,
      elements: this._elements._options,
      options: this._options,
    }, function (name, payload) { self._event(name, payload); });
    host.iframe.title = 'Secure payment input frame';
    host.iframe.style.cssText = 'border:none;margin:0;padding:0;width:1px;min-width:100%;overflow:hidden;'
      + 'display:block;user-select:none;color-scheme:normal;height:0;transition:height .2s';
    var wrapper = document.createElement('div');
    wrapper.className = '__PrivateStripeElement';
    wrapper.style.cssText = 'margin:0;padding:0;border:none;display:block;background:transparent;position:relative;'
      + 'opacity:1;clear:both;transition:height .2s';
    wrapper.appendChild(host.iframe);
    node.appendChild(wrapper);
    node.classList.add('StripeElement', 'StripeElement--empty');
    this._host = host;
    this._container = node;
    this._wrapper = wrapper;
    setTimeout(function () { self._emit('loaderstart', { elementType: 'payment' }); });
  };

  PaymentElement.prototype.unmount = function () {
    if (this._host) {
      this._host.close();
      if (this._wrapper.parentNode) {
        this._wrapper.parentNode.removeChild(this._wrapper);
      }
      this._container.classList.remove('StripeElement', 'StripeElement--empty', 'StripeElement--complete',
        'StripeElement--focus', 'StripeElement--invalid');
      this._host = null;
      this._container = null;
    }
  };

  PaymentElement.prototype.destroy = function () {
    this.unmount();
    this._destroyed = true;
    if (this._elements._payment === this) {
      this._elements._payment = null;
    }
  };

  PaymentElement.prototype.on = function (name, handler) {
    if (ELEMENT_EVENTS.indexOf(name) < 0) {
      throw IntegrationError('The Payment Element has no "' + name + '" event. Use one of: ' + ELEMENT_EVENTS.join(', ') + '.');
    }
    if (typeof handler !== 'function') {
      throw IntegrationError('element.on("' + name + '"): the handler should be a function.');
    }
    (this._handlers[name] = this._handlers[name] || []).push(handler);
    return this;
  };

  PaymentElement.prototype.addEventListener = PaymentElement.prototype.on;

  PaymentElement.prototype.once = function (name, handler) {
    var self = this;
    function wrapper(event) {
      self.off(name, wrapper);
      handler(event);
    }
    return this.on(name, wrapper);
  };

  PaymentElement.prototype.off = function (name, handler) {
    if (!handler) {
      delete this._handlers[name];
    } else if (this._handlers[name]) {
      this._handlers[name] = this._handlers[name].filter(function (h) { return h !== handler; });
    }
    return this;
  };

  PaymentElement.prototype.removeEventListener = PaymentElement.prototype.off;

  PaymentElement.prototype.update = function (options) {
    var next = clone(options || {});
    var self = this;
    Object.keys(next).forEach(function (name) { self._options[name] = next[name]; });
    if (this._host) {
      this._host.call('update', { options: next });
    }
  };

  PaymentElement.prototype.focus = function () { if (this._host) { this._host.call('focus'); } };
  PaymentElement.prototype.blur = function () { if (this._host) { this._host.call('blur'); } };
  PaymentElement.prototype.clear = function () { if (this._host) { this._host.call('clear'); } };
  PaymentElement.prototype.collapse = function () {};

  PaymentElement.prototype._event = function (name, payload) {
    var classes = this._container && this._container.classList;
    if (classes && name === 'change') {
      classes.toggle('StripeElement--empty', !!payload.empty);
      classes.toggle('StripeElement--complete', !!payload.complete);
    } else if (classes && (name === 'focus' || name === 'blur')) {
      classes.toggle('StripeElement--focus', name === 'focus');
    }
    this._emit(name, payload);
  };

  PaymentElement.prototype._emit = function (name, payload) {
    (this._handlers[name] || []).slice().forEach(function (handler) {
      try {
        handler(payload);
      } catch (error) {
        setTimeout(function () { throw error; });
      }
    });
  };

  PaymentElement.prototype._call = function (method, args) {
    if (!this._host) {
      return Promise.reject(IntegrationError('The Payment Element must be mounted before it can be used.'));
    }
    return this._host.call(method, args);
  };

  // ---- Elements ------------------------------------------------------------------------------------------------

  function Elements(stripe, options) {
    this._stripe = stripe;
    this._options = clone(options || {});
    this._payment = null;
    this._submitted = false;
  }

  Elements.prototype.create = function (type, options) {
    if (type !== 'payment') {
      throw IntegrationError('The Stripe sandbox provides the Payment Element only; "' + type + '" is not available.');
    }
    if (!this._options.clientSecret && !this._options.mode) {
      throw IntegrationError('To create a Payment Element, pass a clientSecret or a mode when calling stripe.elements().');
    }
    if (this._payment) {
      throw IntegrationError('Can only create one Element of type payment.');
    }
    this._payment = new PaymentElement(this, options);
    return this._payment;
  };

  Elements.prototype.getElement = function (type) {
    return type === 'payment' ? this._payment : null;
  };

  // Validates the form: { error } with a validation_error, or { selectedPaymentMethod }.
  Elements.prototype.submit = function () {
    var self = this;
    if (!this._payment) {
      return Promise.reject(IntegrationError('elements.submit() needs a mounted Payment Element.'));
    }
    return this._payment._call('submit').then(function (result) {
      self._submitted = !result.error;
      return result;
    });
  };

  Elements.prototype.update = function (options) {
    var next = clone(options || {});
    var self = this;
    delete next.clientSecret;
    Object.keys(next).forEach(function (name) { self._options[name] = next[name]; });
    if (this._payment && this._payment._host) {
      this._payment._host.call('updateElements', { options: next });
    }
  };

  Elements.prototype.fetchUpdates = function () {
    if (!this._payment || !this._payment._host) {
      return Promise.resolve({});
    }
    return this._payment._call('fetchUpdates');
  };

  // ---- confirming ----------------------------------------------------------------------------------------------

  function names(kind) {
    return kind === 'payment'
      ? { method: 'confirmPayment', result: 'paymentIntent', param: 'payment_intent', lastError: 'last_payment_error' }
      : { method: 'confirmSetup', result: 'setupIntent', param: 'setup_intent', lastError: 'last_setup_error' };
  }

  function returnUrlWith(returnUrl, kind, intent, clientSecret) {
    var n = names(kind);
    var url = new URL(returnUrl, location.href);
    var status = intent.status === 'succeeded' || intent.status === 'processing' || intent.status === 'requires_capture'
      ? intent.status : 'failed';
    url.searchParams.set(n.param, intent.id);
    url.searchParams.set(n.param + '_client_secret', clientSecret);
    url.searchParams.set('redirect_status', status);
    return url.toString();
  }

  // The 3-D Secure challenge in a modal frame over the page, as Stripe.js shows it. Settles once the intent has left
  // requires_action: the frame's own page loads and messages prompt a look, and the intent is polled meanwhile.
  function authenticate(stripe, kind, clientSecret, url) {
    return new Promise(function (resolve) {
      var overlay = document.createElement('div');
      overlay.setAttribute('data-stripe-sandbox', 'challenge');
      overlay.style.cssText = 'position:fixed;inset:0;z-index:' + MAX_Z + ';background:rgba(0,0,0,.4);display:flex;'
        + 'align-items:center;justify-content:center;';
      var box = document.createElement('div');
      box.setAttribute('role', 'dialog');
      box.setAttribute('aria-modal', 'true');
      box.setAttribute('aria-label', '3D Secure authentication');
      // The modal is as tall as the challenge page says it is (it posts its height), within the viewport.
      box.style.cssText = 'background:#fff;border-radius:8px;box-shadow:0 12px 40px rgba(0,0,0,.3);overflow:hidden;'
        + 'width:min(500px,100vw);max-height:100vh;';
      var frame = document.createElement('iframe');
      frame.name = '__privateStripeChallengeFrame';
      frame.title = '3D Secure authentication';
      frame.setAttribute('frameborder', '0');
      frame.style.cssText = 'border:none;width:100%;height:min(360px,100vh);max-height:100vh;display:block;';
      frame.src = url;
      box.appendChild(frame);
      overlay.appendChild(box);

      var done = false;
      var looking = false;
      var timer = null;

      function finish(outcome) {
        if (done) {
          return;
        }
        done = true;
        clearTimeout(timer);
        window.removeEventListener('message', onMessage);
        if (overlay.parentNode) {
          overlay.parentNode.removeChild(overlay);
        }
        resolve(outcome);
      }

      function look() {
        if (done || looking) {
          return;
        }
        looking = true;
        clearTimeout(timer);
        stripe.controller().call('retrieve', { clientSecret: clientSecret }).then(function (outcome) {
          looking = false;
          if (outcome.error || outcome.intent.status !== 'requires_action') {
            finish(outcome);
          } else if (!done) {
            timer = setTimeout(look, 1000);
          }
        }, function () {
          looking = false;
          if (!done) {
            timer = setTimeout(look, 1000);
          }
        });
      }

      function onMessage(event) {
        if (event.source !== frame.contentWindow) {
          return;
        }
        var data = event.data || {};
        if (data.type === 'stripe-sandbox-3ds-size') {
          frame.style.height = 'min(' + Math.max(120, data.height | 0) + 'px,100vh)';
          return;
        }
        look();
      }

      window.addEventListener('message', onMessage);
      frame.addEventListener('load', function () {
        // A challenge that ends by sending the browser to return_url lands back on this page's origin: close it.
        var home = false;
        try {
          home = frame.contentWindow.location.origin === location.origin;
        } catch (e) {
          home = false;
        }
        if (home && overlay.parentNode) {
          overlay.parentNode.removeChild(overlay);
        }
        look();
      });
      whenBodyReady(function () {
        document.body.appendChild(overlay);
        frame.focus();
      });
      timer = setTimeout(look, 1000);
    });
  }

  // From the confirm call's outcome to what confirmPayment / confirmSetup resolve with.
  function settle(stripe, kind, clientSecret, outcome, redirect, returnUrl) {
    var n = names(kind);
    if (outcome.error) {
      return { error: outcome.error };
    }
    var intent = outcome.intent;
    var action = intent.status === 'requires_action' ? intent.next_action : null;
    if (action && action.type === 'redirect_to_url' && action.redirect_to_url && action.redirect_to_url.url) {
      return authenticate(stripe, kind, clientSecret, action.redirect_to_url.url).then(function (after) {
        return after.error ? { error: after.error } : finish(after.intent);
      });
    }
    return finish(intent);

    function finish(final) {
      var lastError = final[n.lastError];
      if (final.status === 'requires_payment_method' && lastError) {
        var error = clone(lastError);
        error[n.param] = final;
        return { error: error };
      }
      if (redirect === 'always') {
        location.assign(returnUrlWith(returnUrl, kind, final, clientSecret));
        return new Promise(function () {});
      }
      var result = {};
      result[n.result] = final;
      return result;
    }
  }

  function confirmIntent(stripe, kind, options) {
    var n = names(kind);
    return Promise.resolve().then(function () {
      var o = options || {};
      var elements = o.elements;
      if (elements && !(elements instanceof Elements)) {
        throw IntegrationError(n.method + '(): `elements` should be the Elements instance the Payment Element was created from.');
      }
      var clientSecret = o.clientSecret || (elements && elements._options.clientSecret);
      if (!clientSecret) {
        throw IntegrationError(n.method + '(): pass `clientSecret` when the Elements instance was created without one.');
      }
      var target = intentOf(clientSecret);
      if (!target || target.kind !== kind) {
        throw IntegrationError(n.method + '(): the client secret should be a ' + (kind === 'payment' ? 'PaymentIntent' : 'SetupIntent')
          + " client secret, of the form ${id}_secret_${secret}.");
      }
      var redirect = o.redirect === undefined ? 'always' : o.redirect;
      if (redirect !== 'always' && redirect !== 'if_required') {
        throw IntegrationError(n.method + '(): `redirect` should be "always" or "if_required".');
      }
      var confirmParams = clone(o.confirmParams || {});
      if (redirect === 'always' && !confirmParams.return_url) {
        throw IntegrationError(n.method + "(): `confirmParams.return_url` is required unless you pass `redirect: 'if_required'`.");
      }
      if (elements && !elements._options.clientSecret && !elements._submitted) {
        throw IntegrationError('elements.submit() must be called before stripe.' + n.method + '().');
      }
      var element = elements && elements._payment;
      if (elements && (!element || !element._host)) {
        throw IntegrationError(n.method + '(): the Payment Element of `elements` must be mounted.');
      }
      var confirming = element
        ? element._call('confirmWithElement', { kind: kind, clientSecret: clientSecret, confirmParams: confirmParams })
        : stripe.controller().call('confirmIntent', { clientSecret: clientSecret, confirmParams: confirmParams });
      return confirming.then(function (outcome) {
        return settle(stripe, kind, clientSecret, outcome, redirect, confirmParams.return_url);
      });
    });
  }

  function retrieveIntent(stripe, kind, clientSecret) {
    var n = names(kind);
    return Promise.resolve().then(function () {
      var target = intentOf(clientSecret);
      if (!target || target.kind !== kind) {
        throw IntegrationError('retrieve' + (kind === 'payment' ? 'PaymentIntent' : 'SetupIntent')
          + '(): the client secret should be of the form ${id}_secret_${secret}.');
      }
      return stripe.controller().call('retrieve', { clientSecret: clientSecret }).then(function (outcome) {
        if (outcome.error) {
          return { error: outcome.error };
        }
        var result = {};
        result[n.result] = outcome.intent;
        return result;
      });
    });
  }

  // ---- Stripe() ------------------------------------------------------------------------------------------------

  function Stripe(key, options) {
    if (typeof key !== 'string' || !key) {
      throw IntegrationError('Please call Stripe() with your publishable key. You used an empty string.');
    }
    if (/^sk_/.test(key) || /^rk_/.test(key)) {
      throw IntegrationError('You should not use your secret key with Stripe.js. Please pass a publishable key instead.');
    }
    if (!/^pk_(test|live)_/.test(key)) {
      throw IntegrationError('Invalid value for Stripe(): apiKey should be a publishable key (pk_test_… or pk_live_…).');
    }
    var opts = options || {};
    var context = { key: key, account: opts.stripeAccount || null, controllerHost: null };
    context.controller = function () {
      if (!context.controllerHost) {
        var host = new FrameHost('/v3/controller', { key: key, stripeAccount: context.account });
        host.iframe.title = 'Stripe sandbox controller';
        host.iframe.setAttribute('aria-hidden', 'true');
        host.iframe.tabIndex = -1;
        host.iframe.style.cssText = 'border:none;margin:0;padding:0;width:1px;height:1px;position:fixed;'
          + 'visibility:hidden;pointer-events:none;left:0;top:0;';
        whenBodyReady(function () { document.body.appendChild(host.iframe); });
        context.controllerHost = host;
      }
      return context.controllerHost;
    };

    return {
      elements: function (elementsOptions) { return new Elements(context, elementsOptions); },
      confirmPayment: function (o) { return confirmIntent(context, 'payment', o); },
      confirmSetup: function (o) { return confirmIntent(context, 'setup', o); },
      retrievePaymentIntent: function (clientSecret) { return retrieveIntent(context, 'payment', clientSecret); },
      retrieveSetupIntent: function (clientSecret) { return retrieveIntent(context, 'setup', clientSecret); },
      handleNextAction: function (o) {
        var clientSecret = (o || {}).clientSecret;
        var target = intentOf(clientSecret);
        if (!target) {
          return Promise.reject(IntegrationError('handleNextAction(): pass the intent\'s clientSecret.'));
        }
        return context.controller().call('retrieve', { clientSecret: clientSecret }).then(function (outcome) {
          return settle(context, target.kind, clientSecret, outcome, 'if_required', null);
        });
      },
      createPaymentMethod: function (o) {
        var elements = (o || {}).elements;
        if (!(elements instanceof Elements) || !elements._payment) {
          return Promise.reject(IntegrationError('createPaymentMethod(): pass `elements` with a mounted Payment Element.'));
        }
        if (!elements._options.clientSecret && !elements._submitted) {
          return Promise.reject(IntegrationError('elements.submit() must be called before stripe.createPaymentMethod().'));
        }
        return elements._payment._call('createPaymentMethod', { params: clone(o.params || {}) });
      },
    };
  }

  Stripe.version = 3;
  Stripe.__sandbox = true;
  window.Stripe = Stripe;
})();
