namespace Constellation.Docs.Tests.Browser;

/// <summary>A fixture whose tests share one served site and one headless Chromium (started once, stopped after the last test).</summary>
[NonParallelizable]
public abstract class SiteInBrowserFixture
{
    private SiteInBrowser? _site;

    internal SiteInBrowser Site => _site ?? throw new InvalidOperationException("the site and browser did not start");

    [OneTimeSetUp]
    public async Task StartSiteAndBrowserAsync() => _site = await SiteInBrowser.StartAsync();

    [OneTimeTearDown]
    public async Task StopSiteAndBrowserAsync()
    {
        if (_site is not null)
        {
            await _site.DisposeAsync();
        }
    }
}
