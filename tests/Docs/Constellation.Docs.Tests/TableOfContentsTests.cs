using System.Text.Json;
using Constellation.Docs.Tests.Site;

namespace Constellation.Docs.Tests;

/// <summary>Every conceptual page is reachable from the table of contents, in the sources and in the built site.</summary>
public class TableOfContentsTests
{
    [Test]
    public void Every_conceptual_page_is_linked_from_the_guide_table_of_contents()
    {
        var pages = ConceptualPages();
        var linked = GuideHrefs().Select(h => Path.GetFullPath(Path.Combine(BuiltSite.Docs, "guide", h))).ToHashSet(StringComparer.Ordinal);

        pages.Should().Contain(Path.Combine(BuiltSite.Docs, "getting-started.md"), "the scan sees the pages it guards");
        pages.Where(p => !linked.Contains(p)).Select(Path.GetFileName).Should().BeEmpty("every docs/*.md page is in docs/guide/toc.yml");
    }

    [Test]
    public void Every_entry_of_the_tables_of_contents_names_a_page_that_exists()
    {
        var guide = GuideHrefs().Select(h => Path.GetFullPath(Path.Combine(BuiltSite.Docs, "guide", h)));
        var root = Yaml.TocHrefs(Yaml.Load(Path.Combine(BuiltSite.Docs, "toc.yml")))
            .Select(h => Path.GetFullPath(Path.Combine(BuiltSite.Docs, h)));

        guide.Concat(root).Where(p => !File.Exists(p) && !Directory.Exists(p)).Should().BeEmpty();
    }

    [Test]
    public void The_built_guide_navigation_lists_every_conceptual_page()
    {
        using var toc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(BuiltSite.Root, "guide", "toc.json")));
        var built = new HashSet<string>(StringComparer.Ordinal);
        Collect(toc.RootElement, built);

        ConceptualPages().Select(p => "../" + Path.ChangeExtension(Path.GetFileName(p), ".html"))
            .Where(h => !built.Contains(h)).Should().BeEmpty("the site's navigation (guide/toc.json) links every page");
        foreach (var href in built)
        {
            File.Exists(Path.GetFullPath(Path.Combine(BuiltSite.Root, "guide", href))).Should().BeTrue($"{href} was built");
        }
    }

    [Test]
    public void The_navigation_bar_leads_to_the_guide_and_the_api_reference()
    {
        var hrefs = Yaml.TocHrefs(Yaml.Load(Path.Combine(BuiltSite.Docs, "toc.yml"))).ToList();

        hrefs.Should().Contain(["guide/", "api/", "api/index.md", "index.md"]);
    }

    private static List<string> ConceptualPages() =>
        Directory.EnumerateFiles(BuiltSite.Docs, "*.md").Select(Path.GetFullPath).ToList();

    private static List<string> GuideHrefs() => Yaml.TocHrefs(Yaml.Load(Path.Combine(BuiltSite.Docs, "guide", "toc.yml"))).ToList();

    private static void Collect(JsonElement node, HashSet<string> hrefs)
    {
        if (node.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in node.EnumerateObject())
            {
                if (property.Name is "href" or "topicHref" && property.Value.ValueKind == JsonValueKind.String)
                {
                    hrefs.Add(property.Value.GetString()!);
                }

                Collect(property.Value, hrefs);
            }
        }
        else if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in node.EnumerateArray())
            {
                Collect(item, hrefs);
            }
        }
    }
}
