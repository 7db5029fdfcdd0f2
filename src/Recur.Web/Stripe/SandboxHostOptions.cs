namespace Recur.Web.Stripe;

/// <summary>Where the embedded Stripe sandbox listens and keeps its state (<c>Sandbox:Url</c>,
/// <c>Sandbox:DatabasePath</c>; an empty path keeps it in memory), and the token that opens its fault admin
/// (<c>Sandbox:FaultAdminToken</c>; unset: no fault admin).</summary>
public sealed class SandboxHostOptions
{
    public const string Section = "Sandbox";

    public string Url { get; set; } = "http://localhost:12111";
    public string? DatabasePath { get; set; } = "data/stripe-sandbox.db";
    public string? FaultAdminToken { get; set; }
}
