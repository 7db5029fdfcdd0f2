using Recur.BrowserTests.Infrastructure;

namespace Recur.BrowserTests;

public sealed class BrowserSmokeTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Chromium_renders_a_page_and_reads_its_heading()
    {
        var page = await browser.Browser.NewPageAsync();
        await page.SetContentAsync("<h1>Recur</h1>");
        Assert.Equal("Recur", await page.InnerTextAsync("h1"));
    }
}
