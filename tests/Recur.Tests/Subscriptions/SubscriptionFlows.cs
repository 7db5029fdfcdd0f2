using System.Text.RegularExpressions;
using Recur.Tests.Infrastructure;

namespace Recur.Tests.Subscriptions;

/// <summary>What an admin does on the subscription pages.</summary>
public static class SubscriptionFlows
{
    /// <summary>The detail page of the subscription bought with <paramref name="email"/>, from the list.</summary>
    public static async Task<Page> SubscriptionPageAsync(this RecurBrowser admin, string email)
    {
        var list = await admin.GetAsync("/admin/subscriptions");
        var match = Regex.Match(list.Html, $@"data-subscription=""(?<id>[0-9a-f-]{{36}})"">\s*<td><a href=""[^""]+"">{Regex.Escape(email.ToLowerInvariant())}</a>");
        Assert.True(match.Success, $"No subscription for {email} in the list:\n{list.Text}");
        return await admin.GetAsync("/admin/subscriptions/" + match.Groups["id"].Value);
    }

    /// <summary>Presses an action's button; Cancel now asks first, and is confirmed.</summary>
    public static Task<Page> ActAsync(this RecurBrowser admin, Page detail, string handler) => handler == "CancelNow"
        ? admin.SubmitConfirmedAsync(detail, "handler=" + handler)
        : admin.SubmitAsync(detail, detail.Form("handler=" + handler));

    /// <summary>"Simulate this subscription" on a Test subscription's page; returns the page it lands on (the
    /// simulated copy's, when Stripe made it).</summary>
    public static Task<Page> SimulateAsync(this RecurBrowser admin, Page detail) => admin.ActAsync(detail, "Simulate");

    /// <summary>Simulate time: advances the customer's test clock from the subscription page.</summary>
    public static Task<Page> AdvanceClockAsync(this RecurBrowser admin, Page detail, string step) =>
        admin.SubmitAsync(detail, detail.Form("handler=AdvanceClock"), new Dictionary<string, string> { ["step"] = step });
}
