using System.Text.Json;
using Constellation.Docs.Tests.Browser;
using Constellation.Tests;

namespace Constellation.Docs.Tests;

/// <summary>The getting-started page and an API page, opened in headless Chromium, render with their code samples.</summary>
public class SitePageRenderingTests : SiteInBrowserFixture
{
    [Test]
    public async Task The_getting_started_page_renders_the_samples_code_highlighted_with_the_guide_beside_it()
    {
        var page = await Site.OpenAsync("getting-started.html");
        await page.WaitForAsync("document.querySelector('article h1')?.textContent === 'Getting started'", "the page title");
        await page.WaitForAsync("document.querySelectorAll('article pre code.hljs').length >= 10", "the code samples to be highlighted");
        await page.WaitForAsync("document.querySelectorAll('nav#toc a').length >= 10", "the guide's table of contents");

        var code = Strings(await page.EvaluateAsync("[...document.querySelectorAll('article pre code')].map(c => c.textContent)"));
        code.Should().NotContain(c => string.IsNullOrWhiteSpace(c), "every included sample region has content");
        Normalized(code).Should().Contain(Normalized([SampleRegion("SnpReportVerification", "verify")]), "the page shows the SNP sample's code as it is in the sample");
        code.Should().Contain(c => c.Contains("TdxCollateral.LoadDirectoryAsync", StringComparison.Ordinal))
            .And.Contain(c => c.Contains("TpmQuoteValidator.Validate", StringComparison.Ordinal))
            .And.Contain(c => c.Contains("AddAtlsClient(\"attested\")", StringComparison.Ordinal))
            .And.Contain(c => c.Contains("UpdateableAttestationValidator.CreateAsync", StringComparison.Ordinal));

        var guide = Strings(await page.EvaluateAsync("[...document.querySelectorAll('nav#toc a')].map(a => a.textContent.trim())"));
        guide.Should().Contain(["Getting started", "Samples", "Attested TLS", "Collateral caching and offline use", "Troubleshooting"]);
        (await page.EvaluateAsync("document.querySelector('nav#toc li.active > a')?.textContent.trim() ?? ''")).GetString().Should().Be("Getting started");

        await SiteInBrowser.SaveScreenshotAsync(page, "getting-started");
    }

    [Test]
    public async Task The_snp_report_verifier_api_page_renders_its_declaration_members_and_an_example_from_the_sample()
    {
        var page = await Site.OpenAsync("api/Constellation.Attestation.Snp.Verify.SnpReportVerifier.html");
        await page.WaitForAsync("document.querySelector('article h1')?.textContent.includes('SnpReportVerifier')", "the type's title");
        await page.WaitForAsync("document.querySelectorAll('article pre code.hljs').length >= 3", "the declaration and examples to be highlighted");

        (await page.EvaluateAsync("document.querySelector('article h1').textContent.trim()")).GetString().Should().Be("Class SnpReportVerifier");
        var code = Strings(await page.EvaluateAsync("[...document.querySelectorAll('article pre code')].map(c => c.textContent)"));
        code.Should().Contain(c => c.Contains("public sealed class SnpReportVerifier", StringComparison.Ordinal), "the declaration")
            .And.Contain(c => c.Contains("public SnpReportVerificationResult Verify(SnpReport report, SnpEvidenceCertificates certificates)", StringComparison.Ordinal), "the Verify method");

        var examples = Strings(await page.EvaluateAsync(
            "(() => { const h = [...document.querySelectorAll('article h2')].find(e => e.textContent.trim() === 'Examples'); const out = []; " +
            "for (let e = h?.nextElementSibling; e && e.tagName !== 'H2'; e = e.nextElementSibling) e.querySelectorAll('code').forEach(c => out.push(c.textContent)); " +
            "return out; })()"));
        Normalized(examples).Should().Contain(Normalized([SampleRegion("SnpReportVerification", "verify")]), "the Examples section is the SNP sample's code");

        (await page.EvaluateAsync("document.querySelector('article').textContent")).GetString()
            .Should().Contain("Verifies an SEV-SNP report: the ECDSA P-384 signature", "the type's summary from its XML docs");

        await SiteInBrowser.SaveScreenshotAsync(page, "api-snp-report-verifier");
    }

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToList();

    // docfx removes the region's common indentation; compare line by line without leading and trailing blanks.
    private static List<string> Normalized(IEnumerable<string> blocks) =>
        blocks.Select(b => string.Join('\n', b.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n').Select(l => l.Trim())).Trim()).ToList();

    private static string SampleRegion(string sample, string region)
    {
        var lines = File.ReadAllLines(TestData.Repository(Path.Combine("samples", sample, "Program.cs")));
        var start = Array.FindIndex(lines, l => l.Trim() == $"// <{region}>");
        var end = Array.FindIndex(lines, l => l.Trim() == $"// </{region}>");
        start.Should().BeGreaterThan(-1, $"samples/{sample}/Program.cs has the region {region}");
        end.Should().BeGreaterThan(start);
        return string.Join('\n', lines[(start + 1)..end]);
    }
}
