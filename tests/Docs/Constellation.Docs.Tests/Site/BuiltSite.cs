using Constellation.Tests;

namespace Constellation.Docs.Tests.Site;

/// <summary>
/// The site <c>bash docs/build.sh</c> writes to <c>docs/_site</c> and the API metadata it generates in <c>docs/api</c>.
/// Missing output is a failure, never a skip: <c>scripts/test.sh</c> builds the site before the tests run.
/// </summary>
internal static class BuiltSite
{
    public static string Docs => TestData.Repository("docs");

    /// <summary>The built site; fails the test when it has not been built.</summary>
    public static string Root
    {
        get
        {
            var site = Path.Combine(Docs, "_site");
            if (!File.Exists(Path.Combine(site, "index.html")) || !File.Exists(Path.Combine(site, "index.json")))
            {
                Assert.Fail($"the documentation site is not built ({site}/index.html and its search index index.json are missing): run 'bash docs/build.sh' (scripts/test.sh does before the tests)");
            }

            return site;
        }
    }

    /// <summary>The API metadata docfx generated from the XML docs (one YAML file per type and namespace).</summary>
    public static IReadOnlyList<string> ApiMetadataFiles
    {
        get
        {
            _ = Root;
            var files = Directory.EnumerateFiles(Path.Combine(Docs, "api"), "*.yml").Where(f => Path.GetFileName(f) != "toc.yml").ToList();
            if (files.Count == 0)
            {
                Assert.Fail("docs/api holds no generated metadata: run 'bash docs/build.sh'");
            }

            return files;
        }
    }
}
