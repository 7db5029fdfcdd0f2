namespace Recur.BrowserTests;

public sealed class SmokeTests
{
    [Fact]
    public void True_is_true() => Assert.True(true);
}
