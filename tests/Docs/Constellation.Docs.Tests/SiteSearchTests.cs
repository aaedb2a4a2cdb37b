using System.Text.Json;
using Constellation.Docs.Tests.Browser;

namespace Constellation.Docs.Tests;

/// <summary>
/// The site search (docfx's client-side lunr index, run in a web worker) driven as a reader does: type into the search
/// box of a page in headless Chromium and read the results it renders.
/// </summary>
public class SiteSearchTests : SiteInBrowserFixture
{
    [Test]
    public async Task Searching_for_SnpReport_finds_its_api_page()
    {
        var page = await OpenSearchAsync();

        var hits = await SearchAsync(page, "SnpReport");

        hits.Select(h => h.Href).Should().Contain(h => h.StartsWith("api/Constellation.Attestation.Snp.WireFormat.SnpReport.html", StringComparison.Ordinal));
        hits.Should().Contain(h => h.Title.Contains("SnpReport", StringComparison.Ordinal));
        await SiteInBrowser.SaveScreenshotAsync(page, "search-snpreport");
    }

    [Test]
    public async Task Searching_for_a_word_no_page_contains_finds_nothing()
    {
        // The control for the test above: the results depend on the query, not on the page.
        var page = await OpenSearchAsync();

        var hits = await SearchAsync(page, "Zyzzyvaquux");

        hits.Should().BeEmpty();
        (await page.EvaluateAsync("document.querySelector('#search-results .search-list')?.textContent ?? ''")).GetString()
            .Should().Contain("Zyzzyvaquux");
    }

    private async Task<BrowserPage> OpenSearchAsync()
    {
        var page = await Site.OpenAsync("index.html");
        // The worker has loaded index.json and the box is enabled (docfx sets searchReady).
        await page.WaitForAsync("window.docfx?.searchReady === true && !document.getElementById('search-query').disabled", "the search index");
        return page;
    }

    private static async Task<List<(string Href, string Title)>> SearchAsync(BrowserPage page, string query)
    {
        await page.EvaluateAsync("window.docfx.searchResultReady = false; const box = document.getElementById('search-query'); box.value = ''; box.focus(); true");
        await page.InsertTextAsync(query);
        await page.WaitForAsync(
            $"window.docfx.searchResultReady === true && document.getElementById('search-query').value === {JsonSerializer.Serialize(query)} && document.querySelector('#search-results .search-list') !== null",
            $"the results for \"{query}\"");
        var hits = await page.EvaluateAsync(
            "[...document.querySelectorAll('#search-results .sr-item')].map(i => ({ href: i.querySelector('.item-title a')?.getAttribute('href') ?? '', title: i.querySelector('.item-title')?.textContent.trim() ?? '' }))");
        return hits.EnumerateArray().Select(h => (h.GetProperty("href").GetString()!, h.GetProperty("title").GetString()!)).ToList();
    }
}
