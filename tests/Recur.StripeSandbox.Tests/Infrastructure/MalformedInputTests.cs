using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Stripe;

namespace Recur.StripeSandbox.Tests.Infrastructure;

/// <summary>
/// Bad parameters get Stripe's <c>{"error": {...}}</c> with a 4xx, never a 500: one row per endpoint and malformed
/// input. <c>{cus}</c> in a path or body stands for a real customer of the test's platform.
/// </summary>
public sealed class MalformedInputTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string Deep = "metadata" + string.Concat(Enumerable.Repeat("[a]", 200));

    public static TheoryData<string, string, string> Requests => new()
    {
        // accounts
        { "POST", "/v1/accounts", "email[0]=x" },
        { "POST", "/v1/accounts", "type=express&expand[]=nonsense" },
        { "POST", "/v1/accounts", Deep + "=x" },
        { "POST", "/v1/accounts", "controller[fees][payer][0]=x&capabilities=x" },
        { "POST", "/v1/accounts", "capabilities[card_payments][requested][0]=x" },
        { "GET", "/v1/accounts?limit=abc", "" },
        { "GET", "/v1/accounts?limit=99999999999999999999", "" },
        { "GET", "/v1/accounts/acct_nope", "" },
        { "POST", "/v1/accounts/acct_nope", "email=x" },
        { "DELETE", "/v1/accounts/acct_nope", "" },
        // account_links
        { "POST", "/v1/account_links", "account=acct_nope&type=account_onboarding&refresh_url=x&return_url=y" },
        { "POST", "/v1/account_links", "account[0]=x&type[a]=b" },
        // customers
        { "POST", "/v1/customers", "email[0]=x" },
        { "POST", "/v1/customers", "name[a][b][c]=x" },
        { "POST", "/v1/customers", "expand[]=nonsense" },
        { "POST", "/v1/customers", "expand[a]=b" },
        { "POST", "/v1/customers", "expand[0][0]=b" },
        { "POST", "/v1/customers", Deep + "=x" },
        { "POST", "/v1/customers", "metadata[0]=x" },
        { "POST", "/v1/customers", "address=x" },
        { "POST", "/v1/customers", "address[line1][0]=x" },
        { "POST", "/v1/customers", "invoice_settings[default_payment_method][0]=x" },
        { "POST", "/v1/customers", "test_clock[a]=x" },
        { "POST", "/v1/customers", "test_clock=clock_nope" },
        { "POST", "/v1/customers/{cus}", "email[0]=x&name[0]=y" },
        { "POST", "/v1/customers/{cus}", "invoice_settings[default_payment_method]=pm_nope" },
        { "POST", "/v1/customers/{cus}", "invoice_settings=x" },
        { "GET", "/v1/customers?limit=abc", "" },
        { "GET", "/v1/customers?limit[0]=1", "" },
        { "GET", "/v1/customers?starting_after[0]=x", "" },
        { "GET", "/v1/customers?email[0]=x&test_clock[0]=y", "" },
        { "GET", "/v1/customers?created[gt]=abc", "" },
        { "GET", "/v1/customers/{cus}?expand[]=nonsense", "" },
        { "GET", "/v1/customers/{cus}?expand[]=a.b.c.d.e.f", "" },
        { "GET", "/v1/customers/{cus}?expand[a][b]=c", "" },
        { "GET", "/v1/customers/cus_nope", "" },
        { "DELETE", "/v1/customers/cus_nope", "" },
        // products & prices
        { "POST", "/v1/products", "name[0]=x" },
        { "POST", "/v1/products", "name=x&active=maybe" },
        { "POST", "/v1/products", "name=x&default_price_data[unit_amount]=abc&default_price_data[currency]=usd" },
        { "POST", "/v1/prices", "currency=usd&unit_amount=abc&product_data[name]=x" },
        { "POST", "/v1/prices", "currency=usd&unit_amount=-5&product_data[name]=x" },
        { "POST", "/v1/prices", "currency=usd&unit_amount=99999999999999999999&product_data[name]=x" },
        { "POST", "/v1/prices", "currency[0]=usd&unit_amount[0]=1&product_data=x" },
        { "POST", "/v1/prices", "currency=usd&unit_amount=100&product_data[name]=x&recurring[interval]=fortnight" },
        { "POST", "/v1/prices", "currency=usd&unit_amount=100&product_data[name]=x&recurring[interval]=month&recurring[interval_count]=abc" },
        { "POST", "/v1/prices", "currency=usd&unit_amount=100&product_data[name]=x&recurring=x" },
        { "POST", "/v1/prices", "currency=zzz&unit_amount=100&product=prod_nope" },
        { "POST", "/v1/prices", "currency=usd&unit_amount_decimal=abc&product_data[name]=x" },
        { "GET", "/v1/prices?limit=abc", "" },
        { "GET", "/v1/prices/price_nope", "" },
        { "POST", "/v1/prices/price_nope", "active=false" },
        // payment_methods
        { "POST", "/v1/payment_methods", "type=card&card[number]=abc&card[exp_month]=x&card[exp_year]=y&card[cvc]=z" },
        { "POST", "/v1/payment_methods", "type=card&card[exp_month]=99999999999999999999" },
        { "POST", "/v1/payment_methods", "type[0]=card" },
        { "POST", "/v1/payment_methods", "type=card&card=x" },
        { "POST", "/v1/payment_methods", "type=bacs_debit&bacs_debit=x" },
        { "POST", "/v1/payment_methods", "type=card&card[token]=tok_nope" },
        { "POST", "/v1/payment_methods", "type=nonsense" },
        { "POST", "/v1/payment_methods/pm_nope/attach", "customer={cus}" },
        { "POST", "/v1/payment_methods/pm_card_visa/attach", "customer=cus_nope" },
        { "POST", "/v1/payment_methods/pm_card_visa/attach", "customer[0]=x" },
        { "POST", "/v1/payment_methods/pm_nope/detach", "" },
        { "GET", "/v1/payment_methods?customer={cus}&limit=abc", "" },
        { "GET", "/v1/payment_methods?customer[0]=x", "" },
        { "GET", "/v1/customers/cus_nope/payment_methods", "" },
        // payment_intents
        { "POST", "/v1/payment_intents", "amount=abc&currency=usd" },
        { "POST", "/v1/payment_intents", "amount=-1&currency=usd" },
        { "POST", "/v1/payment_intents", "amount=99999999999999999999&currency=usd" },
        { "POST", "/v1/payment_intents", "amount[0]=1&currency[0]=usd" },
        { "POST", "/v1/payment_intents", "amount=100&currency=zzz" },
        { "POST", "/v1/payment_intents", "amount=100&currency=usd&payment_method_types=card" },
        { "POST", "/v1/payment_intents", "amount=100&currency=usd&payment_method_types[0][a]=card" },
        { "POST", "/v1/payment_intents", "amount=100&currency=usd&confirm=maybe" },
        { "POST", "/v1/payment_intents", "amount=100&currency=usd&confirm=true&payment_method=pm_nope" },
        { "POST", "/v1/payment_intents", "amount=100&currency=usd&customer=cus_nope" },
        { "POST", "/v1/payment_intents", "amount=100&currency=usd&automatic_payment_methods=x" },
        { "POST", "/v1/payment_intents", "amount=100&currency=usd&automatic_payment_methods[enabled]=x" },
        { "POST", "/v1/payment_intents", "amount=100&currency=usd&application_fee_amount=abc" },
        { "POST", "/v1/payment_intents", "amount=100&currency=usd&payment_method_options=x" },
        { "POST", "/v1/payment_intents", "amount=100&currency=usd&payment_method_data=x" },
        { "POST", "/v1/payment_intents", "amount=100&currency=usd&payment_method_data[type]=card&payment_method_data[card]=x" },
        { "POST", "/v1/payment_intents", "amount=100&currency=usd&setup_future_usage=sometimes" },
        { "POST", "/v1/payment_intents", "amount=100&currency=usd&capture_method=later" },
        { "POST", "/v1/payment_intents/pi_nope/confirm", "payment_method=pm_card_visa" },
        { "POST", "/v1/payment_intents/pi_nope/cancel", "" },
        { "POST", "/v1/payment_intents/pi_nope", "amount=abc" },
        { "GET", "/v1/payment_intents?limit=abc", "" },
        { "GET", "/v1/payment_intents?customer[0]=x", "" },
        { "GET", "/v1/payment_intents/pi_nope", "" },
        { "GET", "/v1/charges/ch_nope", "" },
        { "GET", "/v1/charges?limit=abc", "" },
        // setup_intents
        { "POST", "/v1/setup_intents", "customer=cus_nope" },
        { "POST", "/v1/setup_intents", "customer[0]=x&usage=sometimes" },
        { "POST", "/v1/setup_intents", "payment_method_types=x&confirm=maybe" },
        { "POST", "/v1/setup_intents/seti_nope/confirm", "" },
        { "GET", "/v1/setup_intents?limit=abc", "" },
        { "GET", "/v1/setup_attempts?setup_intent=seti_nope", "" },
        { "GET", "/v1/setup_attempts", "" },
        // subscriptions
        { "POST", "/v1/subscriptions", "customer=cus_nope&items[0][price]=price_nope" },
        { "POST", "/v1/subscriptions", "customer={cus}&items=x" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0]=x" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price]=price_nope" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price_data][unit_amount]=abc&items[0][price_data][currency]=usd&items[0][price_data][product]=prod_nope&items[0][price_data][recurring][interval]=month" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price_data]=x" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price_data][recurring]=x" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][quantity]=abc&items[0][price]=price_nope" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[a][b]=c" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[99999999999][price]=x" },
        { "POST", "/v1/subscriptions", "customer[0]=x&items[0][price]=y" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price]=x&trial_end=abc" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price]=x&trial_end=99999999999999" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price]=x&trial_period_days=abc" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price]=x&billing_cycle_anchor=abc" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price]=x&cancel_at=abc" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price]=x&payment_behavior=whenever" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price]=x&collection_method=x&days_until_due=abc" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price]=x&application_fee_percent=abc" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price]=x&default_payment_method=pm_nope" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price]=x&payment_settings=x" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price]=x&add_invoice_items=x" },
        { "POST", "/v1/subscriptions", "customer={cus}&items[0][price]=x&add_invoice_items[0][price_data]=x" },
        { "POST", "/v1/subscriptions/sub_nope", "cancel_at_period_end=maybe" },
        { "POST", "/v1/subscriptions/sub_nope", "items[0][id]=si_nope" },
        { "DELETE", "/v1/subscriptions/sub_nope", "" },
        { "GET", "/v1/subscriptions?limit=abc", "" },
        { "GET", "/v1/subscriptions?customer[0]=x&status[0]=y&price[a]=b", "" },
        { "GET", "/v1/subscriptions/sub_nope", "" },
        { "GET", "/v1/subscription_items?subscription=sub_nope", "" },
        { "GET", "/v1/subscription_items", "" },
        { "GET", "/v1/subscription_items/si_nope", "" },
        // invoices & invoice items
        { "GET", "/v1/invoices?limit=abc", "" },
        { "GET", "/v1/invoices?customer[0]=x&status[0]=y&subscription[a]=z", "" },
        { "GET", "/v1/invoices?created[gte]=abc", "" },
        { "GET", "/v1/invoices/in_nope", "" },
        { "GET", "/v1/invoices/in_nope/lines?limit=abc", "" },
        { "POST", "/v1/invoices/in_nope/pay", "payment_method[0]=x" },
        { "POST", "/v1/invoices/in_nope/finalize", "" },
        { "POST", "/v1/invoices/in_nope/void", "" },
        { "POST", "/v1/invoices/in_nope/mark_uncollectible", "" },
        { "GET", "/v1/invoice_payments?invoice=in_nope", "" },
        { "GET", "/v1/invoice_payments?invoice[0]=x&limit=abc", "" },
        { "GET", "/v1/invoice_payments/inpay_nope", "" },
        { "POST", "/v1/invoiceitems", "customer={cus}&amount=abc&currency=usd" },
        { "POST", "/v1/invoiceitems", "customer={cus}&amount=99999999999999999999&currency=usd" },
        { "POST", "/v1/invoiceitems", "customer={cus}&quantity=abc&unit_amount=x&currency=usd" },
        { "POST", "/v1/invoiceitems", "customer=cus_nope&amount=100&currency=usd" },
        { "POST", "/v1/invoiceitems", "customer[0]=x&amount[0]=1&currency[0]=usd" },
        { "POST", "/v1/invoiceitems", "customer={cus}&price_data=x&currency=usd" },
        { "POST", "/v1/invoiceitems", "customer={cus}&price_data[unit_amount]=abc&price_data[currency]=usd&price_data[product]=prod_nope" },
        { "POST", "/v1/invoiceitems", "customer={cus}&amount=100&currency=usd&period=x" },
        { "POST", "/v1/invoiceitems", "customer={cus}&amount=100&currency=usd&period[start]=abc&period[end]=def" },
        { "POST", "/v1/invoiceitems/ii_nope", "amount=abc" },
        { "GET", "/v1/invoiceitems?limit=abc&customer[0]=x", "" },
        // test clocks
        { "POST", "/v1/test_helpers/test_clocks", "frozen_time=abc" },
        { "POST", "/v1/test_helpers/test_clocks", "frozen_time=99999999999999999999" },
        { "POST", "/v1/test_helpers/test_clocks", "frozen_time=99999999999999" },
        { "POST", "/v1/test_helpers/test_clocks", "frozen_time=-99999999999999" },
        { "POST", "/v1/test_helpers/test_clocks", "frozen_time[0]=1&name[0]=x" },
        { "POST", "/v1/test_helpers/test_clocks", "" },
        { "POST", "/v1/test_helpers/test_clocks/clock_nope/advance", "frozen_time=abc" },
        { "POST", "/v1/test_helpers/test_clocks/clock_nope/advance", "frozen_time=1" },
        { "DELETE", "/v1/test_helpers/test_clocks/clock_nope", "" },
        { "GET", "/v1/test_helpers/test_clocks?limit=abc", "" },
        { "GET", "/v1/test_helpers/test_clocks/clock_nope", "" },
        // webhook endpoints & events
        { "POST", "/v1/webhook_endpoints", "url=not a url&enabled_events[0]=*" },
        { "POST", "/v1/webhook_endpoints", "url[0]=x&enabled_events=*" },
        { "POST", "/v1/webhook_endpoints", "url=https://example.com/hook&enabled_events[0][a]=x" },
        { "POST", "/v1/webhook_endpoints", "url=https://example.com/hook&enabled_events[0]=nonsense.event" },
        { "POST", "/v1/webhook_endpoints", "url=https://example.com/hook&enabled_events[0]=*&connect=maybe" },
        { "POST", "/v1/webhook_endpoints", "url=https://example.com/hook&enabled_events[0]=*&api_version[0]=x" },
        { "POST", "/v1/webhook_endpoints", "url=https://example.com/hook" },
        { "POST", "/v1/webhook_endpoints/we_nope", "disabled=maybe" },
        { "DELETE", "/v1/webhook_endpoints/we_nope", "" },
        { "GET", "/v1/webhook_endpoints?limit=abc", "" },
        { "GET", "/v1/events?limit=abc&type[0]=x&created[gt]=abc", "" },
        { "GET", "/v1/events?types=x&delivery_success=maybe", "" },
        { "GET", "/v1/events/evt_nope", "" },
        // other resources
        { "GET", "/v1/mandates/mandate_nope", "" },
        { "POST", "/v1/accounts/acct_nope/login_links", "" },
        { "GET", "/v1/accounts/acct_nope/capabilities", "" },
        { "POST", "/v1/accounts/acct_nope/capabilities/card_payments", "requested=maybe" },
        { "GET", "/v1/accounts/acct_nope/external_accounts?limit=abc", "" },
        { "POST", "/v1/accounts/acct_nope/external_accounts", "external_account=x" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Malformed_parameters_never_get_a_500_and_refusals_are_stripe_errors(string method, string path, string body)
    {
        var platform = sandbox.NewPlatform();
        var customer = await platform.Test.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "a@example.com" },
            cancellationToken: Ct);
        using var request = Request(platform, method, path.Replace("{cus}", customer.Id, StringComparison.Ordinal),
            body.Replace("{cus}", customer.Id, StringComparison.Ordinal));

        using var response = await Http.SendAsync(request, Ct);

        // Some malformed values are still taken leniently (a 2xx): the point here is that none is a 500.
        if ((int)response.StatusCode >= 300)
        {
            await AssertStripeErrorAsync(response);
        }
    }

    [Theory]
    [InlineData("GET", "/v1/customers?limit[0]=1", "", "limit")]
    [InlineData("GET", "/v1/customers?limit[a]=1", "", "limit")]
    [InlineData("GET", "/v1/customers?starting_after[0]=x", "", "starting_after")]
    [InlineData("GET", "/v1/customers?ending_before[a]=x", "", "ending_before")]
    [InlineData("GET", "/v1/test_helpers/test_clocks?limit[0]=1", "", "limit")]
    [InlineData("POST", "/v1/test_helpers/test_clocks", "frozen_time[0]=1", "frozen_time")]
    [InlineData("POST", "/v1/payment_intents", "amount[a]=1&currency=usd", "amount")]
    [InlineData("POST", "/v1/webhook_endpoints", "url=https://example.com/hook&enabled_events[0]=*&connect[0]=true", "connect")]
    public async Task A_hash_or_array_where_a_single_value_belongs_is_an_invalid_request_error(string method, string path, string body, string param)
    {
        var platform = sandbox.NewPlatform();
        using var request = Request(platform, method, path, body);

        using var response = await Http.SendAsync(request, Ct);

        await AssertStripeErrorAsync(response);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(param, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["param"]?.ToString());
    }

    [Theory]
    [InlineData("email[0]=x", "email")]
    [InlineData("name[a][b][c]=x", "name")]
    [InlineData("description[0]=x&phone=1", "description")]
    [InlineData("tax_exempt[a]=none", "tax_exempt")]
    public async Task A_customer_sent_a_hash_or_array_for_a_text_field_is_refused_and_nothing_is_created_or_changed(string body, string param)
    {
        var platform = sandbox.NewPlatform();
        var existing = await platform.Test.V1.Customers.CreateAsync(
            new CustomerCreateOptions { Email = "a@example.com", Name = "Ada" }, cancellationToken: Ct);

        using var create = Request(platform, "POST", "/v1/customers", body);
        using var created = await Http.SendAsync(create, Ct);
        using var update = Request(platform, "POST", "/v1/customers/" + existing.Id, body);
        using var updated = await Http.SendAsync(update, Ct);

        foreach (var response in new[] { created, updated })
        {
            await AssertStripeErrorAsync(response);
            Assert.Equal(param, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["param"]?.ToString());
        }

        var after = await platform.Test.V1.Customers.GetAsync(existing.Id, cancellationToken: Ct);
        Assert.Equal(("a@example.com", "Ada", "none"), (after.Email, after.Name, after.TaxExempt));
        Assert.Single(await platform.Test.V1.Customers.ListAsync(cancellationToken: Ct));
    }

    public static TheoryData<string, string> Headers => new()
    {
        { "Stripe-Account", "garbage" },
        { "Stripe-Account", "acct_" + new string('x', 5000) },
        { "Stripe-Account", "acct_nope" },
        { "Idempotency-Key", new string('k', 300) },
        { "Authorization", "Bearer garbage" },
        { "Authorization", "Basic !!!notbase64" },
        { "Authorization", "Bearer sk_test_" },
        { "Authorization", "Bearer pk_test_x" },
        { "Authorization", "Bearer " },
        { "Authorization", "Basic " },
        { "Authorization", "garbage" },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public async Task Malformed_headers_get_a_stripe_error_with_a_4xx(string header, string value)
    {
        var platform = sandbox.NewPlatform();
        using var request = Request(platform, "POST", "/v1/customers", "email=a@example.com");
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await Http.SendAsync(request, Ct);

        await AssertStripeErrorAsync(response);
    }

    [Fact]
    public async Task An_empty_idempotency_key_is_ignored_and_the_request_runs()
    {
        var platform = sandbox.NewPlatform();
        using var request = Request(platform, "POST", "/v1/customers", "email=a@example.com");
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "");

        using var response = await Http.SendAsync(request, Ct);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Single(await platform.Test.V1.Customers.ListAsync(cancellationToken: Ct));
    }

    public static TheoryData<string, string> OAuthBodies => new()
    {
        { "application/x-www-form-urlencoded", "" },
        { "application/x-www-form-urlencoded", "grant_type=authorization_code" },
        { "application/x-www-form-urlencoded", "grant_type=authorization_code&code=ac_nope" },
        { "application/x-www-form-urlencoded", "grant_type=authorization_code&code[0]=x" },
        { "application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=rt_nope" },
        { "application/x-www-form-urlencoded", "grant_type=nonsense&code=x" },
        { "application/x-www-form-urlencoded", "%%%=%%%" },
        { "application/json", "{\"grant_type\":" },
        { "text/plain", "garbage" },
        { "multipart/form-data; boundary=x", "garbage" },
    };

    [Theory]
    [MemberData(nameof(OAuthBodies))]
    public async Task Malformed_oauth_token_requests_get_an_oauth_error_with_a_4xx(string contentType, string body)
    {
        var platform = sandbox.NewPlatform();
        using var request = new HttpRequestMessage(HttpMethod.Post, sandbox.BaseUrl + "/oauth/token")
        {
            Content = new StringContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", platform.TestSecretKey);

        using var response = await Http.SendAsync(request, Ct);

        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"{status}: {await response.Content.ReadAsStringAsync(Ct)}");
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.NotNull(json["error"]);
    }

    [Theory]
    [InlineData(2000, 1)]
    [InlineData(1, 5_000_000)]
    public async Task Forms_over_the_size_limits_get_a_stripe_error_with_a_4xx(int keys, int valueLength)
    {
        var platform = sandbox.NewPlatform();
        var value = new string('x', valueLength);
        var body = string.Join("&", Enumerable.Range(0, keys).Select(i => $"metadata[k{i}]={value}"));
        using var request = Request(platform, "POST", "/v1/customers", body);

        using var response = await Http.SendAsync(request, Ct);

        await AssertStripeErrorAsync(response);
        Assert.Empty(await platform.Test.V1.Customers.ListAsync(cancellationToken: Ct));
    }

    [Theory]
    [InlineData("GET", "/connect/onboarding/garbage", "")]
    [InlineData("POST", "/connect/onboarding/garbage", "business_type[0]=x")]
    [InlineData("GET", "/3ds/garbage", "")]
    [InlineData("POST", "/3ds/garbage", "action=complete")]
    [InlineData("POST", "/3ds/garbage", "action[0]=x")]
    [InlineData("GET", "/express/garbage", "")]
    [InlineData("GET", "/invoices/garbage", "")]
    [InlineData("GET", "/bacs/mandates/garbage", "")]
    [InlineData("GET", "/dashboard/acct_nope", "")]
    [InlineData("POST", "/dashboard/acct_nope/disconnect", "client_id=ca_nope")]
    [InlineData("GET", "/oauth/authorize", "")]
    [InlineData("GET", "/oauth/authorize?client_id=garbage&response_type=code&scope=read_write&redirect_uri=not%20a%20url", "")]
    [InlineData("GET", "/oauth/authorize?client_id[0]=x&state[a]=b", "")]
    [InlineData("POST", "/oauth/authorize", "decision=allow")]
    [InlineData("POST", "/oauth/authorize", "decision[0]=x&client_id[a]=y")]
    [InlineData("POST", "/oauth/deauthorize", "client_id=garbage&stripe_user_id=acct_nope")]
    [InlineData("POST", "/oauth/deauthorize", "")]
    [InlineData("GET", "/v3/controller?key=garbage", "")]
    [InlineData("GET", "/v3/elements/payment?clientSecret=garbage", "")]
    public async Task Hosted_pages_with_unknown_tokens_or_garbage_never_answer_a_500(string method, string path, string body)
    {
        var platform = sandbox.NewPlatform();
        using var request = Request(platform, method, path, body);

        using var response = await Http.SendAsync(request, Ct);

        var status = (int)response.StatusCode;
        Assert.True(status < 500, $"{status}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    [Theory]
    [InlineData("text/plain", "garbage")]
    [InlineData("application/json", "{\"email\":")]
    [InlineData("multipart/form-data; boundary=x", "garbage")]
    [InlineData("application/x-www-form-urlencoded", "%%%&&&==[[[")]
    public async Task Bodies_that_are_not_a_valid_form_get_a_stripe_error_with_a_4xx(string contentType, string body)
    {
        var platform = sandbox.NewPlatform();
        using var request = Request(platform, "POST", "/v1/customers", "");
        request.Content = new StringContent(body);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await Http.SendAsync(request, Ct);

        var status = (int)response.StatusCode;
        Assert.True(status is (>= 200 and < 300) or (>= 400 and < 500),
            $"{status}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static readonly HttpClient Http = new();

    private HttpRequestMessage Request(SandboxPlatform platform, string method, string path, string body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), sandbox.BaseUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", platform.TestSecretKey);
        if (method != "GET" && method != "DELETE")
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        }

        return request;
    }

    private static async Task AssertStripeErrorAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"{status}: {text}");
        var error = JsonNode.Parse(text)!["error"];
        Assert.NotNull(error);
        Assert.Contains(error["type"]?.ToString(), new[] { "invalid_request_error", "idempotency_error", "card_error" });
        Assert.False(string.IsNullOrEmpty(error["message"]?.ToString()), text);
    }
}
