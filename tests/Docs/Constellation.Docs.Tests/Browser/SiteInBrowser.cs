using Constellation.Docs.Tests.Site;
using Constellation.Tests;

namespace Constellation.Docs.Tests.Browser;

/// <summary>
/// The built site served on 127.0.0.1 and a headless Chromium to look at it, shared by the tests of one fixture.
/// Screenshots go to <c>TestResults/docs-site/</c> in the checkout and are attached to the test result.
/// </summary>
internal sealed class SiteInBrowser : IAsyncDisposable
{
    private SiteInBrowser(StaticSiteServer server, HeadlessChromium browser)
    {
        Server = server;
        Browser = browser;
    }

    public StaticSiteServer Server { get; }

    public HeadlessChromium Browser { get; }

    public static async Task<SiteInBrowser> StartAsync()
    {
        var root = BuiltSite.Root;
        var server = await StaticSiteServer.StartAsync(root);
        try
        {
            return new SiteInBrowser(server, await HeadlessChromium.StartAsync());
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens <paramref name="relative"/> (e.g. <c>getting-started.html</c>) in a new tab and waits for it to load.</summary>
    public async Task<BrowserPage> OpenAsync(string relative)
    {
        var page = await Browser.NewPageAsync();
        await page.NavigateAsync(new Uri(Server.BaseUri, relative));
        return page;
    }

    /// <summary>Saves a screenshot of <paramref name="page"/> under the test results and attaches it.</summary>
    public static async Task SaveScreenshotAsync(BrowserPage page, string name)
    {
        var directory = TestData.Repository(Path.Combine("TestResults", "docs-site"));
        Directory.CreateDirectory(directory);
        var path = await page.ScreenshotAsync(Path.Combine(directory, name + ".png"));
        new FileInfo(path).Length.Should().BeGreaterThan(10_000, "a rendered page is not a blank image");
        TestContext.Out.WriteLine($"screenshot: {path}");
        TestContext.AddTestAttachment(path, name);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Server.DisposeAsync();
    }
}
