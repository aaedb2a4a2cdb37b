using System.Text.RegularExpressions;
using Constellation.Docs.Tests.Site;
using Constellation.Tests;

namespace Constellation.Docs.Tests;

/// <summary>
/// The pages show the samples' code by reference (docfx code snippets), never a copy: every sample is included, and
/// every included region exists (docfx itself renders a missing region as an empty block without a warning).
/// </summary>
public partial class SampleInclusionTests
{
    [Test]
    public void Every_sample_is_included_by_a_documentation_page()
    {
        var included = Snippets().Select(s => s.File).ToHashSet(StringComparer.Ordinal);
        var samples = Directory.EnumerateDirectories(TestData.Repository("samples"))
            .Select(d => Path.Combine(d, "Program.cs"))
            .Where(File.Exists)
            .ToList();

        samples.Should().HaveCountGreaterThanOrEqualTo(6);
        samples.Where(s => !included.Contains(s)).Select(s => Path.GetRelativePath(TestData.Root, s)).Should().BeEmpty();
    }

    [Test]
    public void Every_included_region_exists_in_its_sample()
    {
        var snippets = Snippets();

        snippets.Should().HaveCountGreaterThan(20, "the scan sees the includes it guards");
        foreach (var (page, file, region) in snippets)
        {
            File.Exists(file).Should().BeTrue($"{page} includes {file}");
            if (region is not null)
            {
                var lines = File.ReadAllLines(file).Select(l => l.Trim()).ToList();
                lines.Should().Contain($"// <{region}>", $"{page} includes the region {region} of {file}").And.Contain($"// </{region}>");
            }
        }
    }

    [GeneratedRegex(@"\[!code-[a-z]+\[[^\]]*\]\((?<path>[^)#]+)(#(?<region>[^)]+))?\)\]")]
    private static partial Regex SnippetReference();

    private static List<(string Page, string File, string? Region)> Snippets() =>
        Directory.EnumerateFiles(BuiltSite.Docs, "*.md", SearchOption.AllDirectories)
            .Where(p => !p.Contains("/_site/", StringComparison.Ordinal) && !p.Contains("/api/", StringComparison.Ordinal))
            .SelectMany(page => SnippetReference().Matches(File.ReadAllText(page)).Select(m => (
                Page: Path.GetRelativePath(TestData.Root, page),
                File: Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, m.Groups["path"].Value)),
                Region: m.Groups["region"].Success ? m.Groups["region"].Value : null)))
            .ToList();
}
