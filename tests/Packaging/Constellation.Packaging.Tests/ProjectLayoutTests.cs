using System.Xml.Linq;
using Constellation.Tests;

namespace Constellation.Packaging.Tests;

/// <summary>
/// The layering of <c>src/</c>: libraries, one shared host library (<c>Constellation.Cluster</c>), hosts (the CLI and
/// the two daemons). Hosts never reference each other; logic lives in the libraries; every project tracks its public
/// surface.
/// </summary>
public class ProjectLayoutTests
{
    // What each project may reference. A new project must take its place here.
    private static readonly Dictionary<string, string[]> AllowedReferences = new(StringComparer.Ordinal)
    {
        ["Constellation.Attestation"] = [],
        ["Constellation.Atls"] = ["Constellation.Attestation"],
        ["Constellation.Cluster"] = ["Constellation.Attestation", "Constellation.Atls"],
        ["Constellation.Cli"] = ["Constellation.Attestation", "Constellation.Atls", "Constellation.Cluster"],
        ["Constellation.Bootstrapper"] = ["Constellation.Attestation", "Constellation.Atls", "Constellation.Cluster"],
        ["Constellation.ClusterServices"] = ["Constellation.Attestation", "Constellation.Atls", "Constellation.Cluster"],
        ["Constellation.Debugd"] = ["Constellation.Attestation", "Constellation.Atls", "Constellation.Cluster"],
        ["Constellation.Node"] = ["Constellation.Attestation", "Constellation.Atls", "Constellation.Cluster"],
    };

    [Test]
    public void Every_project_under_src_has_a_declared_place_in_the_layering()
    {
        SourceProjects().Select(p => p.Name).Should().BeEquivalentTo(AllowedReferences.Keys);
    }

    [Test]
    public void Every_project_under_src_references_only_the_projects_below_it()
    {
        foreach (var project in SourceProjects())
        {
            AllowedReferences.TryGetValue(project.Name, out var allowed).Should().BeTrue($"{project.Name} has a place in the layering");
            project.References.Should().BeSubsetOf(allowed!, $"{project.Name} references only the layers below it");
        }
    }

    [Test]
    public void No_project_under_src_references_a_host()
    {
        var projects = SourceProjects();
        var hosts = projects.Where(p => p.IsExecutable).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        hosts.Should().Contain(["Constellation.Cli", "Constellation.Bootstrapper", "Constellation.ClusterServices", "Constellation.Node"], "the scan must see the hosts it guards");
        projects.SelectMany(p => p.References.Where(hosts.Contains).Select(host => $"{p.Name} -> {host}"))
            .Should().BeEmpty("hosts are thin and never reference each other; what they share is in Constellation.Cluster");
    }

    [Test]
    public void Every_project_under_src_tracks_its_public_surface()
    {
        foreach (var project in SourceProjects())
        {
            File.Exists(Path.Combine(project.Directory, "PublicAPI.Shipped.txt")).Should().BeTrue($"{project.Name} has PublicAPI.Shipped.txt");
            File.Exists(Path.Combine(project.Directory, "PublicAPI.Unshipped.txt")).Should().BeTrue($"{project.Name} has PublicAPI.Unshipped.txt");
        }
    }

    [TestCase("Constellation.Attestation", new[] { "Constellation.Attestation.AttestationException", "Constellation.Attestation.Snp.WireFormat.SnpReport", "Constellation.Attestation.Tdx.Verify.TdxQuoteVerifier", "Constellation.Attestation.Tpm.Validate.TpmQuoteValidator", "Constellation.Attestation.Variants.AttestationVariantRegistry" })]
    [TestCase("Constellation.Atls", new[] { "Constellation.Atls.AtlsClient", "Constellation.Atls.AtlsServer", "Constellation.Atls.AtlsOptions" })]
    public void The_packages_have_shipped_their_surface(string project, string[] types)
    {
        // The packages' API is the shipped baseline: a change to it shows as an Unshipped (or *REMOVED*) line in review.
        var shipped = File.ReadAllLines(Path.Combine(TestData.Root, "src", project, "PublicAPI.Shipped.txt"));
        shipped.Should().Contain(types, $"{project}'s PublicAPI.Shipped.txt lists the package's public types");
    }

    [Test]
    public void Every_project_under_src_has_one_test_project_named_after_it()
    {
        foreach (var project in SourceProjects())
        {
            var tests = Path.Combine(TestData.Root, "tests", project.Name + ".Tests", project.Name + ".Tests.csproj");
            File.Exists(tests).Should().BeTrue($"{project.Name} is tested by tests/{project.Name}.Tests");
        }
    }

    private static List<SourceProject> SourceProjects() =>
        Directory.EnumerateFiles(Path.Combine(TestData.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Where(path => !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))
            .Select(SourceProject.Load)
            .ToList();

    private sealed record SourceProject(string Name, string Directory, bool IsExecutable, IReadOnlyList<string> References)
    {
        public static SourceProject Load(string path)
        {
            var project = XDocument.Load(path).Root!;
            var references = project.Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                .ToList();
            var outputType = project.Descendants("OutputType").Select(e => e.Value).FirstOrDefault();
            return new SourceProject(
                Path.GetFileNameWithoutExtension(path), Path.GetDirectoryName(path)!, string.Equals(outputType, "Exe", StringComparison.OrdinalIgnoreCase), references);
        }
    }
}
