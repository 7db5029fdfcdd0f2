namespace Recur.StripeSandbox;

/// <summary>
/// Runs the sandbox on its own: <c>dotnet run --project src/Recur.StripeSandbox -- --urls http://127.0.0.1:12111</c>
/// (state in <c>data/stripe-sandbox.db</c>; <c>--database :memory:</c> keeps nothing). A named entry point rather
/// than top-level statements, so that projects referencing both Recur and the sandbox see one global <c>Program</c>.
/// </summary>
internal static class SandboxProgram
{
    public static async Task Main(string[] args)
    {
        var options = SandboxOptions.FromArgs(args);
        var app = SandboxServer.Create(options, args);
        await app.RunAsync();
    }
}
