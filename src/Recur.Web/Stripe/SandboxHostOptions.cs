namespace Recur.Web.Stripe;

/// <summary>Where the embedded Stripe sandbox listens and keeps its state (<c>Sandbox:Url</c>,
/// <c>Sandbox:DatabasePath</c>; an empty path keeps it in memory).</summary>
public sealed class SandboxHostOptions
{
    public const string Section = "Sandbox";

    public string Url { get; set; } = "http://localhost:12111";
    public string? DatabasePath { get; set; } = "data/stripe-sandbox.db";
}
