namespace Recur.StripeSandbox.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Options_default_to_port_12111() => Assert.Equal("http://127.0.0.1:12111", new SandboxOptions().Url);
}
