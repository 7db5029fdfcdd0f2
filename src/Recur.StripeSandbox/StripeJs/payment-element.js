// The sandbox's Payment Element: the form inside the frame. It shows the intent's payment method types (card, Bacs
// Direct Debit), validates as Stripe's Elements do, and on confirm creates the PaymentMethod and confirms the intent
// itself, so card and bank details go from this frame to the sandbox API and nowhere else.
(function () {
  'use strict';

  var F = window.StripeSandboxFrame;
  var config = F.config;
  var root = document.getElementById('root');
  var merchant = root.getAttribute('data-merchant') || 'the merchant';

  var SUPPORTED = ['card', 'bacs_debit'];
  var LABELS = { card: 'Card', bacs_debit: 'Bacs Direct Debit' };
  var COUNTRIES = [
    ['AU', 'Australia'], ['AT', 'Austria'], ['BE', 'Belgium'], ['BR', 'Brazil'], ['BG', 'Bulgaria'], ['CA', 'Canada'],
    ['HR', 'Croatia'], ['CY', 'Cyprus'], ['CZ', 'Czechia'], ['DK', 'Denmark'], ['EE', 'Estonia'], ['FI', 'Finland'],
    ['FR', 'France'], ['DE', 'Germany'], ['GI', 'Gibraltar'], ['GR', 'Greece'], ['GG', 'Guernsey'],
    ['HK', 'Hong Kong'], ['HU', 'Hungary'], ['IN', 'India'], ['IE', 'Ireland'], ['IM', 'Isle of Man'],
    ['IT', 'Italy'], ['JP', 'Japan'], ['JE', 'Jersey'], ['LV', 'Latvia'], ['LT', 'Lithuania'], ['LU', 'Luxembourg'],
    ['MT', 'Malta'], ['MX', 'Mexico'], ['NL', 'Netherlands'], ['NZ', 'New Zealand'], ['NO', 'Norway'],
    ['PL', 'Poland'], ['PT', 'Portugal'], ['RO', 'Romania'], ['SG', 'Singapore'], ['SK', 'Slovakia'],
    ['SI', 'Slovenia'], ['ZA', 'South Africa'], ['ES', 'Spain'], ['SE', 'Sweden'], ['CH', 'Switzerland'],
    ['AE', 'United Arab Emirates'], ['GB', 'United Kingdom'], ['US', 'United States'],
  ];

  var elementOptions = config.options || {};
  var elementsOptions = config.elements || {};
  var intent = null;
  var state = {
    types: [],
    type: null,
    values: {},       // "type.field" → what was typed
    shown: {},        // "type.field" → the error shown under the field
    busy: false,
    lastChange: null,
    focused: false,
  };

  // ---- options -------------------------------------------------------------------------------------------------

  // Whether the element collects a billing detail; fields.billingDetails may say 'never' for all, one, or one part of
  // the address, and the merchant then passes it in confirmParams.payment_method_data.billing_details.
  function collects(detail, part) {
    var billing = (elementOptions.fields || {}).billingDetails;
    if (billing === 'never') {
      return false;
    }
    if (!billing || typeof billing !== 'object') {
      return true;
    }
    var value = billing[detail];
    if (value === 'never') {
      return false;
    }
    if (part && value && typeof value === 'object') {
      return value[part] !== 'never';
    }
    return true;
  }

  function defaultBilling() {
    return ((elementOptions.defaultValues || {}).billingDetails) || {};
  }

  function defaultValue(type, name) {
    var billing = defaultBilling();
    var address = billing.address || {};
    switch (name) {
      case 'email': return billing.email || '';
      case 'name': return billing.name || '';
      case 'line1': return address.line1 || '';
      case 'line2': return address.line2 || '';
      case 'city': return address.city || '';
      case 'postal_code': return address.postal_code || '';
      case 'country': return address.country || (type === 'bacs_debit' ? 'GB' : guessCountry());
      default: return '';
    }
  }

  function guessCountry() {
    var match = /-([A-Z]{2})$/.exec(navigator.language || '');
    var code = match ? match[1] : 'GB';
    return COUNTRIES.some(function (c) { return c[0] === code; }) ? code : 'GB';
  }

  function applyAppearance(appearance) {
    var a = appearance || {};
    var variables = a.variables || {};
    var style = document.documentElement.style;
    var map = {
      colorPrimary: '--primary', colorBackground: '--background', colorText: '--text', colorDanger: '--danger',
      fontFamily: '--font', fontSizeBase: '--font-size', borderRadius: '--radius', spacingUnit: '--spacing',
    };
    Object.keys(map).forEach(function (key) {
      if (typeof variables[key] === 'string' && variables[key]) {
        style.setProperty(map[key], variables[key]);
      } else {
        style.removeProperty(map[key]);
      }
    });
    document.documentElement.classList.toggle('night', a.theme === 'night');
    document.documentElement.classList.toggle('flat', a.theme === 'flat');
  }

  // ---- cards ---------------------------------------------------------------------------------------------------

  var BRANDS = [
    { brand: 'amex', test: /^3[47]/, lengths: [15], cvc: 4, groups: [4, 6, 5] },
    { brand: 'diners', test: /^3(0[0-5]|[68])/, lengths: [14, 16], cvc: 3, groups: [4, 6, 4] },
    { brand: 'discover', test: /^(6011|65|64[4-9])/, lengths: [16, 19], cvc: 3 },
    { brand: 'jcb', test: /^35/, lengths: [16, 17, 18, 19], cvc: 3 },
    { brand: 'unionpay', test: /^62/, lengths: [16, 17, 18, 19], cvc: 3 },
    { brand: 'mastercard', test: /^(5[1-5]|2[2-7])/, lengths: [16], cvc: 3 },
    { brand: 'visa', test: /^4/, lengths: [16], cvc: 3 },
  ];
  var UNKNOWN_BRAND = { brand: 'unknown', lengths: [16], cvc: 3 };

  function digits(text) { return String(text || '').replace(/\D/g, ''); }

  function brandOf(number) {
    var d = digits(number);
    for (var i = 0; i < BRANDS.length; i++) {
      if (BRANDS[i].test.test(d)) {
        return BRANDS[i];
      }
    }
    return UNKNOWN_BRAND;
  }

  function luhn(d) {
    var sum = 0;
    for (var i = 0; i < d.length; i++) {
      var n = +d[d.length - 1 - i];
      if (i % 2 === 1) {
        n *= 2;
        if (n > 9) {
          n -= 9;
        }
      }
      sum += n;
    }
    return d.length > 0 && sum % 10 === 0;
  }

  function formatCardNumber(text) {
    var brand = brandOf(text);
    var d = digits(text).slice(0, Math.max.apply(null, brand.lengths));
    var groups = brand.groups || [4, 4, 4, 4, 3];
    var parts = [];
    var at = 0;
    for (var i = 0; i < groups.length && at < d.length; i++) {
      parts.push(d.slice(at, at + groups[i]));
      at += groups[i];
    }
    return parts.join(' ');
  }

  function formatExpiry(text, previous) {
    var d = digits(text);
    if (d.length === 1 && +d > 1) {
      d = '0' + d;
    }
    d = d.slice(0, 4);
    // Deleting the separator deletes the month's last digit too, as people expect.
    if (previous && previous.length > text.length && /\/ ?$/.test(previous) && d.length === 2) {
      return d.slice(0, 1);
    }
    if (d.length >= 2) {
      return d.slice(0, 2) + ' / ' + d.slice(2);
    }
    return d;
  }

  function expiryParts(text) {
    var d = digits(text);
    return { month: +d.slice(0, 2), year: 2000 + +d.slice(2, 4), complete: d.length === 4 };
  }

  function problem(code, message) { return { code: code, message: message }; }

  function checkCardNumber(value) {
    var d = digits(value);
    var brand = brandOf(d);
    var longest = Math.max.apply(null, brand.lengths);
    if (!d) {
      return problem('incomplete_number', 'Your card number is incomplete.');
    }
    if (brand.lengths.indexOf(d.length) >= 0 && luhn(d)) {
      return null;
    }
    if (d.length < longest) {
      return problem('incomplete_number', 'Your card number is incomplete.');
    }
    return problem('invalid_number', 'Your card number is invalid.');
  }

  function checkExpiry(value) {
    var e = expiryParts(value);
    if (!e.complete) {
      return problem('incomplete_expiry', "Your card's expiration date is incomplete.");
    }
    if (e.month < 1 || e.month > 12) {
      return problem('invalid_expiry_month', "Your card's expiration date is invalid.");
    }
    var now = new Date();
    var year = now.getFullYear();
    var month = now.getMonth() + 1;
    if (e.year < year) {
      return problem('invalid_expiry_year_past', "Your card's expiration year is in the past.");
    }
    if (e.year === year && e.month < month) {
      return problem('invalid_expiry_month_past', "Your card's expiration date is in the past.");
    }
    if (e.year > year + 50) {
      return problem('invalid_expiry_year', "Your card's expiration year is invalid.");
    }
    return null;
  }

  function checkCvc(value) {
    var d = digits(value);
    var expected = brandOf(currentValue('card', 'number')).cvc;
    if (d.length < expected) {
      return problem('incomplete_cvc', "Your card's security code is incomplete.");
    }
    if (d.length > expected) {
      return problem('invalid_cvc', "Your card's security code is invalid.");
    }
    return null;
  }

  var POSTAL = {
    US: [/^\d{5}(-?\d{4})?$/, 'ZIP'],
    GB: [/^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i, 'Postal code'],
    CA: [/^[A-Z]\d[A-Z] ?\d[A-Z]\d$/i, 'Postal code'],
  };

  function checkPostal(value, type) {
    var text = String(value || '').trim();
    var rule = POSTAL[currentValue(type, 'country')];
    if (!text) {
      return problem('incomplete_zip', 'Your postal code is incomplete.');
    }
    if (rule && !rule[0].test(text)) {
      return problem('invalid_zip', 'Your postal code is invalid.');
    }
    return null;
  }

  // ---- fields --------------------------------------------------------------------------------------------------

  function required(code, message) {
    return function (value) { return String(value || '').trim() ? null : problem(code, message); };
  }

  function fieldsFor(type) {
    var list = [];
    if (type === 'card') {
      list.push({
        name: 'number', label: 'Card number', placeholder: '1234 1234 1234 1234', autocomplete: 'cc-number',
        inputmode: 'numeric', wide: true, format: formatCardNumber, check: checkCardNumber,
      });
      list.push({
        name: 'expiry', label: 'Expiration date', placeholder: 'MM / YY', autocomplete: 'cc-exp', inputmode: 'numeric',
        format: formatExpiry, check: checkExpiry,
      });
      list.push({
        name: 'cvc', label: 'Security code', placeholder: 'CVC', autocomplete: 'cc-csc', inputmode: 'numeric',
        format: function (v) { return digits(v).slice(0, 4); }, check: checkCvc,
      });
      if (collects('address', 'country')) {
        list.push({ name: 'country', label: 'Country', select: COUNTRIES, autocomplete: 'country' });
      }
      if (collects('address', 'postalCode') && POSTAL[currentValue('card', 'country')]) {
        list.push({
          name: 'postal_code', label: POSTAL[currentValue('card', 'country')][1], placeholder: '',
          autocomplete: 'postal-code', check: function (v) { return checkPostal(v, 'card'); },
        });
      }
    } else if (type === 'bacs_debit') {
      if (collects('email')) {
        list.push({
          name: 'email', label: 'Email', type: 'email', autocomplete: 'email', wide: true,
          check: function (v) {
            var text = String(v || '').trim();
            if (!text) {
              return problem('incomplete_email', 'Your email address is incomplete.');
            }
            return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) ? null : problem('invalid_email', 'Your email address is invalid.');
          },
        });
      }
      if (collects('name')) {
        list.push({
          name: 'name', label: 'Full name', hint: 'As on the bank account', autocomplete: 'name', wide: true,
          check: required('incomplete_name', 'Your full name is incomplete.'),
        });
      }
      list.push({
        name: 'sort_code', label: 'Sort code', placeholder: '10-88-00', inputmode: 'numeric',
        format: function (v) { return (digits(v).slice(0, 6).match(/.{1,2}/g) || []).join('-'); },
        check: function (v) {
          return digits(v).length === 6 ? null : problem('incomplete_sort_code', 'Your sort code is incomplete.');
        },
      });
      list.push({
        name: 'account_number', label: 'Account number', placeholder: '00012345', inputmode: 'numeric',
        format: function (v) { return digits(v).slice(0, 8); },
        check: function (v) {
          return digits(v).length === 8 ? null : problem('incomplete_account_number', 'Your account number is incomplete.');
        },
      });
      if (collects('address', 'line1')) {
        list.push({
          name: 'line1', label: 'Address line 1', autocomplete: 'address-line1', wide: true,
          check: required('incomplete_address_line1', 'Your address is incomplete.'),
        });
      }
      if (collects('address', 'line2')) {
        list.push({ name: 'line2', label: 'Address line 2 (optional)', autocomplete: 'address-line2', wide: true });
      }
      if (collects('address', 'city')) {
        list.push({
          name: 'city', label: 'Town or city', autocomplete: 'address-level2',
          check: required('incomplete_city', 'Your town or city is incomplete.'),
        });
      }
      if (collects('address', 'postalCode')) {
        list.push({
          name: 'postal_code', label: 'Postcode', autocomplete: 'postal-code',
          check: required('incomplete_zip', 'Your postcode is incomplete.'),
        });
      }
      if (collects('address', 'country')) {
        list.push({ name: 'country', label: 'Country', select: COUNTRIES, autocomplete: 'country', wide: true });
      }
      list.push({
        name: 'mandate', checkbox: true, wide: true,
        label: 'I confirm that I hold this bank account, that I am the only person needed to authorise Direct Debits '
          + 'from it, and that I agree to the Direct Debit terms above.',
        check: function (v) {
          return v ? null : problem('incomplete_mandate', 'Please confirm the Direct Debit terms to continue.');
        },
      });
    }
    return list;
  }

  function key(type, name) { return type + '.' + name; }

  function currentValue(type, name) {
    var k = key(type, name);
    if (!(k in state.values)) {
      state.values[k] = name === 'mandate' ? false : defaultValue(type, name);
    }
    return state.values[k];
  }

  function problems(type) {
    var found = [];
    fieldsFor(type).forEach(function (field) {
      var issue = field.check ? field.check(currentValue(type, field.name), type) : null;
      if (issue) {
        found.push({ field: field, issue: issue });
      }
    });
    return found;
  }

  function isEmpty(type) {
    return fieldsFor(type).every(function (field) {
      if (field.select || field.checkbox) {
        return true;
      }
      var value = currentValue(type, field.name);
      return !value || String(value) === defaultValue(type, field.name);
    });
  }

  // ---- rendering -----------------------------------------------------------------------------------------------

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === undefined || value === null || value === false) {
        return;
      }
      if (name === 'text') {
        node.textContent = value;
      } else if (name === 'className') {
        node.className = value;
      } else {
        node.setAttribute(name, value === true ? '' : value);
      }
    });
    (children || []).forEach(function (child) {
      if (child) {
        node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function render() {
    var focusedName = document.activeElement && document.activeElement.getAttribute('data-field');
    root.textContent = '';
    var form = el('form', { novalidate: true, autocomplete: 'on', 'aria-label': 'Payment details' });
    form.addEventListener('submit', function (event) { event.preventDefault(); });

    if (state.types.length > 1) {
      var tabs = el('div', { className: 'tabs', role: 'tablist', 'aria-label': 'Payment method' });
      state.types.forEach(function (type) {
        var tab = el('button', {
          type: 'button', role: 'tab', className: 'tab', 'data-type': type,
          'aria-selected': type === state.type ? 'true' : 'false', disabled: state.busy, text: LABELS[type],
        });
        tab.addEventListener('click', function () { select(type); });
        tabs.appendChild(tab);
      });
      form.appendChild(tabs);
    }

    var type = state.type;
    var grid = el('div', { className: 'fields', 'data-type': type, role: state.types.length > 1 ? 'tabpanel' : null });
    if (type === 'bacs_debit') {
      grid.appendChild(mandateText());
    }
    fieldsFor(type).forEach(function (field) { grid.appendChild(renderField(type, field)); });
    form.appendChild(grid);
    root.appendChild(form);

    if (focusedName) {
      var again = root.querySelector('[data-field="' + focusedName + '"]');
      if (again) {
        again.focus();
      }
    }
  }

  function mandateText() {
    return el('div', { className: 'mandate', id: 'bacs-mandate' }, [
      el('p', { text: 'Direct Debit Instruction' }),
      el('p', {
        text: 'By confirming, you declare that you hold this bank account and that you are the only person whose '
          + 'authorisation is needed to set up Direct Debits from it. ' + merchant + ' collects payments by Direct '
          + 'Debit through its payment provider, Stripe, and the account details you enter here are sent to Stripe '
          + 'for that purpose. Your payments are protected by the Direct Debit Guarantee.',
      }),
    ]);
  }

  function renderField(type, field) {
    var id = 'field-' + type + '-' + field.name;
    var error = state.shown[key(type, field.name)];
    var errorNode = el('div', { className: 'error', id: id + '-error', role: 'alert', text: error ? error.message : '' });
    var input;
    if (field.select) {
      input = el('select', { id: id, name: field.name, autocomplete: field.autocomplete, 'data-field': field.name });
      field.select.forEach(function (option) {
        input.appendChild(el('option', { value: option[0], text: option[1] }));
      });
      input.value = currentValue(type, field.name);
      input.addEventListener('change', function () {
        state.values[key(type, field.name)] = input.value;
        delete state.shown[key(type, 'postal_code')];
        render();
        changed();
      });
    } else if (field.checkbox) {
      input = el('input', { id: id, name: field.name, type: 'checkbox', 'data-field': field.name });
      input.checked = !!currentValue(type, field.name);
      input.addEventListener('change', function () {
        state.values[key(type, field.name)] = input.checked;
        if (input.checked) {
          clearError(type, field.name);
        }
        changed();
      });
    } else {
      input = el('input', {
        id: id, name: field.name, type: field.type || 'text', autocomplete: field.autocomplete,
        inputmode: field.inputmode, placeholder: field.placeholder, spellcheck: 'false', 'data-field': field.name,
        'aria-describedby': id + '-error',
      });
      input.value = currentValue(type, field.name);
      input.addEventListener('input', function () {
        var before = state.values[key(type, field.name)] || '';
        var formatted = field.format ? field.format(input.value, before) : input.value;
        if (formatted !== input.value) {
          input.value = formatted;
        }
        state.values[key(type, field.name)] = formatted;
        if (state.shown[key(type, field.name)] && !(field.check && field.check(formatted, type))) {
          clearError(type, field.name);
        }
        if (field.name === 'number' && state.shown[key(type, 'cvc')] && !checkCvc(currentValue(type, 'cvc'))) {
          clearError(type, 'cvc');
        }
        changed();
      });
      input.addEventListener('blur', function () {
        var value = currentValue(type, field.name);
        var issue = value && field.check ? field.check(value, type) : null;
        if (issue) {
          showError(type, field.name, issue);
        }
      });
    }
    if (error) {
      input.setAttribute('aria-invalid', 'true');
    }
    input.readOnly = state.busy;
    input.disabled = state.busy && (field.select || field.checkbox);

    var label = el('label', { for: id, text: field.label });
    var hint = field.hint ? el('span', { className: 'hint', text: field.hint }) : null;
    var classes = 'field' + (field.wide ? ' wide' : '') + (error ? ' invalid' : '') + (field.checkbox ? ' checkbox' : '');
    return field.checkbox
      ? el('div', { className: classes }, [el('div', { className: 'check' }, [input, label]), errorNode])
      : el('div', { className: classes }, [label, hint, input, errorNode]);
  }

  function showError(type, name, issue) {
    state.shown[key(type, name)] = issue;
    var input = document.getElementById('field-' + type + '-' + name);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.parentNode.closest('.field').classList.add('invalid');
      document.getElementById('field-' + type + '-' + name + '-error').textContent = issue.message;
    }
  }

  function clearError(type, name) {
    delete state.shown[key(type, name)];
    var input = document.getElementById('field-' + type + '-' + name);
    if (input) {
      input.removeAttribute('aria-invalid');
      input.parentNode.closest('.field').classList.remove('invalid');
      document.getElementById('field-' + type + '-' + name + '-error').textContent = '';
    }
  }

  function select(type) {
    if (state.busy || type === state.type || state.types.indexOf(type) < 0) {
      return;
    }
    state.type = type;
    render();
    changed();
  }

  function setBusy(busy) {
    state.busy = busy;
    Array.prototype.forEach.call(root.querySelectorAll('input, select, button'), function (node) {
      if (node.tagName === 'INPUT' && node.type !== 'checkbox') {
        node.readOnly = busy;
      } else {
        node.disabled = busy;
      }
    });
  }

  // ---- events --------------------------------------------------------------------------------------------------

  function changePayload() {
    return {
      elementType: 'payment',
      complete: problems(state.type).length === 0,
      empty: isEmpty(state.type),
      collapsed: false,
      value: { type: state.type },
    };
  }

  function changed() {
    var payload = changePayload();
    var text = JSON.stringify(payload);
    if (text !== state.lastChange) {
      state.lastChange = text;
      F.emit('change', payload);
    }
  }

  document.addEventListener('focusin', function () {
    if (!state.focused) {
      state.focused = true;
      F.emit('focus', { elementType: 'payment' });
    }
  });
  document.addEventListener('focusout', function (event) {
    if (!event.relatedTarget || !root.contains(event.relatedTarget)) {
      state.focused = false;
      F.emit('blur', { elementType: 'payment' });
    }
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') {
      F.emit('escape', { elementType: 'payment' });
    }
  });

  // ---- validation and confirmation -----------------------------------------------------------------------------

  // Shows every problem in the form; the first as Stripe's validation_error, or null when the form is complete.
  function validate() {
    var found = problems(state.type);
    found.forEach(function (p) { showError(state.type, p.field.name, p.issue); });
    if (!found.length) {
      return null;
    }
    var first = document.getElementById('field-' + state.type + '-' + found[0].field.name);
    if (first) {
      first.focus();
    }
    return { type: 'validation_error', code: found[0].issue.code, message: found[0].issue.message };
  }

  function copy(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  function present(value) {
    return value !== undefined && value !== null && String(value).trim() !== '';
  }

  // What the merchant must pass in confirmParams for details the element was told not to collect.
  function requireMerchantDetails(given, method) {
    var address = given.address || {};
    var needed = [];
    if (state.type === 'bacs_debit') {
      if (!collects('email') && !present(given.email)) { needed.push('email'); }
      if (!collects('name') && !present(given.name)) { needed.push('name'); }
      [['line1', 'line1'], ['city', 'city'], ['postalCode', 'postal_code'], ['country', 'country']].forEach(function (p) {
        if (!collects('address', p[0]) && !present(address[p[1]])) { needed.push('address.' + p[1]); }
      });
    } else if (state.type === 'card' && !collects('address', 'country') && !present(address.country)) {
      needed.push('address.country');
    }
    if (needed.length) {
      throw new Error('The Payment Element was created with fields.billingDetails saying "never" for '
        + needed.join(', ') + ', so stripe.' + method + '() must pass them in '
        + 'confirmParams.payment_method_data.billing_details.');
    }
  }

  function billingDetails(given) {
    var details = copy(given) || {};
    details.address = details.address || {};
    var type = state.type;
    fieldsFor(type).forEach(function (field) {
      var value = currentValue(type, field.name);
      if (field.checkbox || !present(value)) {
        return;
      }
      value = String(value).trim();
      if (field.name === 'email' || field.name === 'name') {
        details[field.name] = value;
      } else if (['line1', 'line2', 'city', 'postal_code', 'country'].indexOf(field.name) >= 0) {
        details.address[field.name] = field.name === 'postal_code' ? value.toUpperCase() : value;
      }
    });
    if (!Object.keys(details.address).length) {
      delete details.address;
    }
    return details;
  }

  function createPaymentMethod(paymentMethodData, method) {
    var data = paymentMethodData || {};
    var given = data.billing_details || {};
    requireMerchantDetails(given, method);
    var body = {};
    Object.keys(data).forEach(function (name) {
      if (name !== 'billing_details' && name !== 'type') {
        body[name] = copy(data[name]);
      }
    });
    body.type = state.type;
    // As Stripe.js does, the PaymentMethod says which client made it.
    body.payment_user_agent = 'stripe.js/sandbox; stripe-js-v3/sandbox; payment-element';
    body.billing_details = billingDetails(given);
    if (state.type === 'card') {
      var expiry = expiryParts(currentValue('card', 'expiry'));
      body.card = {
        number: digits(currentValue('card', 'number')),
        exp_month: expiry.month,
        exp_year: expiry.year,
        cvc: digits(currentValue('card', 'cvc')),
      };
    } else {
      body.bacs_debit = {
        sort_code: digits(currentValue('bacs_debit', 'sort_code')),
        account_number: digits(currentValue('bacs_debit', 'account_number')),
      };
    }
    return F.api('POST', '/v1/payment_methods', body);
  }

  function whileBusy(work) {
    setBusy(true);
    return Promise.resolve().then(work).then(function (result) {
      setBusy(false);
      return result;
    }, function (error) {
      setBusy(false);
      throw error;
    });
  }

  // An API error about one of the form's fields (a card's CVC, a bank account number) is shown under that field too.
  var PARAM_FIELDS = {
    'card[number]': 'number', 'card[exp_month]': 'expiry', 'card[exp_year]': 'expiry', 'card[cvc]': 'cvc',
    'bacs_debit[sort_code]': 'sort_code', 'bacs_debit[account_number]': 'account_number',
  };

  function showApiError(error) {
    var name = error && (PARAM_FIELDS[error.param] || PARAM_FIELDS[String(error.param || '').replace(/^payment_method_data/, '')]);
    if (name && document.getElementById('field-' + state.type + '-' + name)) {
      showError(state.type, name, { code: error.code, message: error.message });
    }
    return { error: error };
  }

  F.handle('submit', function () {
    if (!state.type) {
      return { error: { type: 'validation_error', code: 'payment_element_not_ready', message: 'The payment form is still loading.' } };
    }
    var error = validate();
    return error ? { error: error } : { selectedPaymentMethod: state.type };
  });

  F.handle('createPaymentMethod', function (args) {
    var error = validate();
    if (error) {
      return { error: error };
    }
    return whileBusy(function () {
      return createPaymentMethod((args.params || {}).payment_method_data || args.params, 'createPaymentMethod')
        .then(function (result) { return result.error ? showApiError(result.error) : { paymentMethod: result.ok }; });
    });
  });

  // stripe.confirmPayment / confirmSetup with this element: PaymentMethod first, then the intent's confirm.
  F.handle('confirmWithElement', function (args) {
    var method = args.kind === 'setup' ? 'confirmSetup' : 'confirmPayment';
    if (!state.type) {
      return { error: { type: 'validation_error', code: 'payment_element_not_ready', message: 'The payment form is still loading.' } };
    }
    var error = validate();
    if (error) {
      return { error: error };
    }
    var confirmParams = args.confirmParams || {};
    var type = state.type;
    return whileBusy(function () {
      return createPaymentMethod(confirmParams.payment_method_data, method).then(function (created) {
        if (created.error) {
          return showApiError(created.error);
        }
        var params = {};
        Object.keys(confirmParams).forEach(function (name) {
          if (name !== 'payment_method_data' && name !== 'payment_method') {
            params[name] = copy(confirmParams[name]);
          }
        });
        params.payment_method = created.ok.id;
        if (type === 'bacs_debit' && !params.mandate_data) {
          // The customer accepted the mandate in this form; the sandbox records where from, as Stripe does.
          params.mandate_data = { customer_acceptance: { type: 'online', online: { infer_from_client: true } } };
        }
        return F.confirm(args.clientSecret, params);
      });
    });
  });

  F.handle('update', function (args) {
    var next = args.options || {};
    Object.keys(next).forEach(function (name) { elementOptions[name] = next[name]; });
    if (state.type) {
      render();
      changed();
    }
    return null;
  });

  F.handle('updateElements', function (args) {
    var next = args.options || {};
    Object.keys(next).forEach(function (name) { elementsOptions[name] = next[name]; });
    if (next.appearance) {
      applyAppearance(next.appearance);
    }
    if (!elementsOptions.clientSecret && next.paymentMethodTypes) {
      useTypes(next.paymentMethodTypes);
    }
    return null;
  });

  F.handle('fetchUpdates', function () {
    return load().then(function () { return {}; });
  });

  F.handle('focus', function () {
    var first = root.querySelector('input, select');
    if (first) {
      first.focus();
    }
    return null;
  });

  F.handle('blur', function () {
    if (document.activeElement && document.activeElement.blur) {
      document.activeElement.blur();
    }
    return null;
  });

  F.handle('clear', function () {
    state.values = {};
    state.shown = {};
    render();
    changed();
    return null;
  });

  // ---- loading -------------------------------------------------------------------------------------------------

  function useTypes(types) {
    var usable = (types || []).filter(function (t) { return SUPPORTED.indexOf(t) >= 0; });
    if (!usable.length) {
      return false;
    }
    state.types = usable;
    if (usable.indexOf(state.type) < 0) {
      state.type = usable[0];
    }
    render();
    return true;
  }

  function loadError(error) {
    root.textContent = '';
    root.appendChild(el('p', { className: 'load-error', role: 'alert', text: error.message }));
    F.emit('loaderror', { elementType: 'payment', error: error });
  }

  function load() {
    if (!elementsOptions.clientSecret) {
      return Promise.resolve(elementsOptions.paymentMethodTypes || ['card']);
    }
    return F.retrieve(elementsOptions.clientSecret).then(function (result) {
      if (result.error) {
        throw result.error;
      }
      intent = result.intent;
      return intent.payment_method_types || [];
    });
  }

  applyAppearance(elementsOptions.appearance);
  var reportSize = F.watchSize(root);
  load().then(function (types) {
    if (!useTypes(types)) {
      throw {
        type: 'invalid_request_error',
        message: 'None of the payment method types (' + types.join(', ') + ') is available in this Payment Element.',
      };
    }
    state.lastChange = JSON.stringify(changePayload());
    // The frame has its final height before the page hears "ready", so nothing on the page moves after it.
    reportSize();
    F.emit('ready', { elementType: 'payment' });
  }).catch(function (error) {
    loadError(error && error.message ? error : { type: 'api_error', message: 'The payment form could not be loaded.' });
  });
})();
