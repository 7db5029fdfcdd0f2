namespace Recur.Tests.Infrastructure;

/// <summary>
/// A running Recur as the flows drive it: its address, the address of the Stripe sandbox it talks to, and new
/// browsers. <see cref="RecurFactory"/> hosts Recur in the test process; the resilience tests run it as a real child
/// process they can kill.
/// </summary>
public interface IRecurHost
{
    /// <summary>Recur's address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    Uri ServerAddress { get; }

    /// <summary>The Stripe sandbox's address (where Stripe.js and the hosted pages live).</summary>
    Uri SandboxAddress { get; }

    /// <summary>A browser-like client: its own cookies, redirects followed by hand.</summary>
    RecurBrowser NewBrowser();
}
