using Microsoft.Playwright;

namespace Recur.BrowserTests.Infrastructure;

/// <summary>What a browser test keeps when it fails: a full-page screenshot and the address the browser was at.</summary>
public static class FailureScreenshots
{
    /// <summary>Runs the steps; on failure keeps <c>artifacts/screenshots/failure-{test}.png</c>, names it in the
    /// test output, and rethrows.</summary>
    public static async Task RunAsync(IPage page, Func<Task> steps, string test)
    {
        var path = BrowserFixture.ScreenshotPath($"failure-{test}.png");
        File.Delete(path);
        try
        {
            await steps();
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = path, FullPage = true });
            TestContext.Current.TestOutputHelper?.WriteLine($"The browser at {page.Url} when the test failed: {path}");
            throw;
        }
    }
}
