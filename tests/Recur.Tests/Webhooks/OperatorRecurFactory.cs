using Recur.Tests.Infrastructure;
using Recur.Web.Webhooks;

namespace Recur.Tests.Webhooks;

/// <summary>A Recur whose platform operator is <see cref="OperatorEmail"/> (<c>Recur:OperatorEmails</c>).</summary>
public class OperatorRecurFactory : RecurFactory
{
    public const string OperatorEmail = "operator@recur.example";

    private readonly SemaphoreSlim _signUp = new(1, 1);
    private bool _signedUp;

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        [PlatformOperators.EmailsSetting] = "someone-else@recur.example, " + OperatorEmail,
    };

    /// <summary>A browser signed in as the operator (who signs up once, as a tenant of their own).</summary>
    public async Task<RecurBrowser> OperatorBrowserAsync()
    {
        var browser = NewBrowser();
        await _signUp.WaitAsync();
        try
        {
            if (!_signedUp)
            {
                await browser.SignUpAsync("Recur Platform Ops", OperatorEmail);
                _signedUp = true;
                return browser;
            }
        }
        finally
        {
            _signUp.Release();
        }
        await browser.SignInAsync(OperatorEmail);
        return browser;
    }
}
