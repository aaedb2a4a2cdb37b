using System.Text.RegularExpressions;
using Constellation.Tests;

namespace Constellation.Packaging.Tests;

/// <summary>
/// The repository passes its tests with nothing beside the checkout: tests, benchmarks and scripts read real evidence
/// from <c>testdata/</c> only. <c>.ci/run</c> also runs the suite with the checkout alone in its parent directory.
/// </summary>
public class SelfContainedRepositoryTests
{
    // What reaching beside the checkout looked like before testdata/ moved in, and any other way to spell it.
    private static readonly Regex OutsideReference = new(
        @"\.\./shared|shared/testdata|CONSTELLATION_TESTDATA|/work/|\.\./\.library",
        RegexOptions.CultureInvariant);

    private static readonly string[] ScannedRoots = ["tests", "benchmarks", "scripts", ".ci", "samples"];

    private static readonly string[] ScannedExtensions = [".cs", ".csproj", ".props", ".targets", ".sh", ".go", ".json", ""];

    [Test]
    public void No_test_benchmark_or_script_refers_to_a_path_beside_the_checkout()
    {
        var offenders = new List<string>();
        foreach (var file in ScannedFiles())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (OutsideReference.IsMatch(lines[i]))
                {
                    offenders.Add($"{Path.GetRelativePath(TestData.Root, file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        offenders.Should().BeEmpty("tests read real evidence from the repository's testdata/ only");
    }

    [Test]
    public void The_scan_sees_the_files_it_guards()
    {
        // A scan that matched no files would pass vacuously; it must cover the helper that locates the evidence.
        ScannedFiles().Select(f => Path.GetRelativePath(TestData.Root, f))
            .Should().Contain(["tests/Shared/TestData.cs", ".ci/run", "scripts/test.sh", "scripts/fuzz.sh"]);
    }

    [Test]
    public void The_scan_flags_a_reference_beside_the_checkout()
    {
        OutsideReference.IsMatch("var path = \"../shared/testdata/snp/ark-milan.pem\";").Should().BeTrue();
        OutsideReference.IsMatch("Environment.GetEnvironmentVariable(\"CONSTELLATION_TESTDATA\")").Should().BeTrue();
        OutsideReference.IsMatch("TestData.Evidence(\"snp/ark-milan.pem\")").Should().BeFalse();
    }

    [Test]
    public void Every_file_in_testdata_is_described_in_its_manifest()
    {
        var manifest = File.ReadAllText(TestData.Evidence("MANIFEST.md"));
        var described = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match token in Regex.Matches(manifest, @"[\w.{},-]+"))
        {
            described.UnionWith(ExpandBraces(token.Value));
        }

        var files = Directory.EnumerateFiles(TestData.EvidenceRoot, "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName)
            .Where(name => name != "MANIFEST.md")
            .ToList();

        files.Should().HaveCountGreaterThan(40);
        files.Where(name => !described.Contains(name!)).Should().BeEmpty("MANIFEST.md states provenance and verdicts of every vector");
    }

    // "a_{x,y}_{1,2}.pem" names four files in the manifest's tables.
    private static IEnumerable<string> ExpandBraces(string token)
    {
        var open = token.IndexOf('{', StringComparison.Ordinal);
        var close = open < 0 ? -1 : token.IndexOf('}', open);
        if (close < 0)
        {
            return [token];
        }

        var head = token[..open];
        var tail = token[(close + 1)..];
        return token[(open + 1)..close].Split(',').SelectMany(choice => ExpandBraces(head + choice + tail));
    }

    private static IEnumerable<string> ScannedFiles()
    {
        foreach (var root in ScannedRoots)
        {
            var directory = Path.Combine(TestData.Root, root);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(TestData.Root, file);
                if (relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal)
                    || relative.EndsWith("SelfContainedRepositoryTests.cs", StringComparison.Ordinal))
                {
                    continue;
                }

                if (ScannedExtensions.Contains(Path.GetExtension(file)))
                {
                    yield return file;
                }
            }
        }
    }
}
