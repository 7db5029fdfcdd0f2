namespace Recur.Tests.Infrastructure;

/// <summary>The steps an admin takes on the Stripe card and on the sandbox's hosted pages.</summary>
public static class StripeConnectFlows
{
    /// <summary>A new tenant, signed up in a new browser.</summary>
    public static async Task<(RecurBrowser Browser, string Email)> SignUpTenantAsync(this IRecurHost factory, string businessName = "Acme Books")
    {
        var browser = factory.NewBrowser();
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        var page = await browser.SignUpAsync(businessName, email);
        Assert.Equal("/admin", page.Url.AbsolutePath);
        return (browser, email);
    }

    public static async Task<Page> ChooseSettingsAsync(this RecurBrowser browser, string environment, string accountType)
    {
        var card = await browser.StripeCardAsync(environment);
        return await browser.SubmitAsync(card, card.Form("handler=Settings"), new Dictionary<string, string>
        {
            ["environment"] = environment,
            ["accountType"] = accountType,
        });
    }

    /// <summary>Presses "I already have a Stripe account" and lands on the sandbox's OAuth consent page.</summary>
    public static async Task<Page> StartOAuthAsync(this RecurBrowser browser, string environment = "test")
    {
        var card = await browser.StripeCardAsync(environment);
        return await browser.SubmitAsync(card, card.Form("handler=ConnectExisting"));
    }

    /// <summary>Answers the consent page; returns the callback URL Stripe sent the browser to, not yet visited.</summary>
    public static async Task<Uri> DecideOnConsentPageAsync(this RecurBrowser browser, Page consent, string decision,
        string email, string businessName = "Existing Books Ltd", string country = "GB")
    {
        var form = consent.Form("/oauth/authorize");
        var response = await browser.PostRawAsync(consent, form, new Dictionary<string, string>
        {
            ["email"] = email,
            ["business_name"] = businessName,
            ["country"] = country,
        }, ("decision", decision));
        Assert.True((int)response.StatusCode is >= 300 and < 400, $"The consent page answered {(int)response.StatusCode}.");
        var location = response.Headers.Location!;
        return location.IsAbsoluteUri ? location : new Uri(consent.Url, location);
    }

    /// <summary>The whole OAuth connection; returns the card it ends on and the callback URL used.</summary>
    public static async Task<(Page Card, Uri Callback)> ConnectExistingAccountAsync(this RecurBrowser browser,
        string environment = "test", string decision = "allow", string? stripeEmail = null, string businessName = "Existing Books Ltd",
        string country = "GB")
    {
        var consent = await browser.StartOAuthAsync(environment);
        var callback = await browser.DecideOnConsentPageAsync(consent, decision, stripeEmail ?? $"owner-{Guid.NewGuid():N}@example.com", businessName, country);
        var card = await browser.GetAsync(callback.ToString());
        return (card, callback);
    }

    /// <summary>Disconnects the environment's account from its card, confirming when Recur asks.</summary>
    public static async Task<Page> DisconnectAsync(this RecurBrowser browser, string environment = "test") =>
        await browser.SubmitConfirmedAsync(await browser.StripeCardAsync(environment), "handler=Disconnect");

    /// <summary>Presses "create a new account" and lands on the sandbox's hosted onboarding page.</summary>
    public static async Task<Page> CreateNewAccountAsync(this RecurBrowser browser, string environment = "test")
    {
        var card = await browser.StripeCardAsync(environment);
        return await browser.SubmitAsync(card, card.Form("handler=CreateAccount"));
    }

    /// <summary>Fills the hosted onboarding form and submits it: Stripe's test bank account in test mode, a
    /// real-looking one in live mode (where the test sort code is refused, as on Stripe), and the Bacs Direct Debit
    /// terms ticked (the form asks for them when Recur requested Bacs for a GB account; elsewhere the box is absent
    /// and the value is ignored).</summary>
    public static Task<Page> CompleteOnboardingAsync(this RecurBrowser browser, Page onboarding, string businessName = "Acme Books", bool live = false) =>
        browser.SubmitAsync(onboarding, onboarding.Form("/connect/onboarding/"), new Dictionary<string, string>
        {
            ["business_name"] = businessName,
            ["country"] = "GB",
            ["default_currency"] = "gbp",
            ["url"] = "https://acme.example",
            ["product_description"] = "Book subscriptions",
            ["support_phone"] = "+442071234567",
            ["sort_code"] = live ? "200000" : "108800",
            ["account_number"] = live ? "55779911" : "00012345",
            ["bacs_terms"] = "accepted",
        }, ("action", "submit"));

    /// <summary>Leaves the hosted onboarding early, with requirements still due.</summary>
    public static Task<Page> LeaveOnboardingAsync(this RecurBrowser browser, Page onboarding) =>
        browser.SubmitAsync(onboarding, onboarding.Form("/connect/onboarding/"), button: ("action", "leave"));

    /// <summary>The connection id carried by the card's Refresh form.</summary>
    public static Guid ConnectionId(this Page card) => Guid.Parse(card.Form("handler=Refresh").Fields["connectionId"]);

    /// <summary>Reads the card again until its status is <paramref name="status"/> (webhooks arrive asynchronously).</summary>
    public static async Task<Page> WaitForStatusAsync(this RecurBrowser browser, string status, string environment = "test")
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var card = await browser.StripeCardAsync(environment);
            if (card.TestId("status") == status || DateTime.UtcNow > deadline)
            {
                return card;
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Reads the card again until its last Connect event is no longer <paramref name="before"/>, or gives up
    /// after a while (events arriving within the same second show the same time).</summary>
    public static async Task WaitForLastEventAfterAsync(this RecurBrowser browser, string? before, string environment = "test")
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await browser.StripeCardAsync(environment)).TestId("last-event") == before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    /// <summary>What a Standard account's owner does in the Stripe Dashboard (Settings → Payment methods): turns Bacs
    /// Direct Debit on, here on the sandbox's dashboard page.</summary>
    public static async Task TurnOnBacsInStripeDashboardAsync(this IRecurHost factory, string accountId)
    {
        using var http = new HttpClient { BaseAddress = factory.SandboxAddress };
        using var response = await http.PostAsync($"/dashboard/{accountId}/payment-methods/bacs-debit",
            new FormUrlEncodedContent([]), TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"The sandbox dashboard answered {(int)response.StatusCode}.");
    }
}
