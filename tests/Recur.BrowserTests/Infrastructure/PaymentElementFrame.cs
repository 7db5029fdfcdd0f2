using Microsoft.Playwright;

namespace Recur.BrowserTests.Infrastructure;

/// <summary>
/// The sandbox Stripe.js's Payment Element and 3-D Secure modal as a customer sees them, whichever page mounts them:
/// one place that knows the frames' titles and the form's labels.
/// </summary>
public sealed class PaymentElementFrame(IPage page)
{
    /// <summary>The Payment Element's cross-origin frame.</summary>
    public IFrameLocator Element { get; } = page.FrameLocator("iframe[title='Secure payment input frame']");

    /// <summary>The modal Stripe.js opens over the page for a 3-D Secure challenge.</summary>
    public ILocator ChallengeModal { get; } = page.Locator("[data-stripe-sandbox='challenge']");

    /// <summary>The challenge page inside the modal.</summary>
    public IFrameLocator Challenge { get; } = page.FrameLocator("iframe[title='3D Secure authentication']");

    /// <summary>Card number, expiry and CVC, and the postal code when the element asks for it.</summary>
    public async Task FillCardAsync(string number, string expiry, string cvc, string? postalCode = null)
    {
        await Element.GetByLabel("Card number").FillAsync(number);
        await Element.GetByLabel("Expiration date").FillAsync(expiry);
        await Element.GetByLabel("Security code").FillAsync(cvc);
        if (postalCode is not null)
        {
            await Element.GetByLabel("Postal code").FillAsync(postalCode);
        }
    }

    /// <summary>Sort code and account number, and the Direct Debit mandate ticked unless told otherwise.</summary>
    public async Task FillBankAccountAsync(string sortCode, string accountNumber, bool acceptMandate = true)
    {
        await Element.GetByLabel("Sort code").FillAsync(sortCode);
        await Element.GetByLabel("Account number").FillAsync(accountNumber);
        if (acceptMandate)
        {
            await Element.GetByLabel("I confirm that I hold this bank account").CheckAsync();
        }
    }
}
