using System.IO.Compression;
using System.Xml.Linq;

namespace Constellation.Packaging.Tests;

public class PackageContentTests
{
    [TestCase("Constellation.Attestation")]
    [TestCase("Constellation.Atls")]
    public void Library_packages_carry_readme_license_expression_and_xml_docs(string id)
    {
        using var package = ZipFile.OpenRead(LocalFeed.Package(id));

        package.Entries.Select(e => e.FullName).Should().Contain(new[] { "PACKAGE.md", $"lib/net10.0/{id}.dll", $"lib/net10.0/{id}.xml" });
        var nuspec = ReadNuspec(package, id);
        var ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        metadata.Element(ns + "license")!.Value.Should().Be("Apache-2.0");
        metadata.Element(ns + "license")!.Attribute("type")!.Value.Should().Be("expression");
        metadata.Element(ns + "readme")!.Value.Should().Be("PACKAGE.md");
        metadata.Element(ns + "repository")!.Attribute("type")!.Value.Should().Be("git");
        metadata.Element(ns + "repository")!.Attribute("commit")!.Value.Should().MatchRegex("^[0-9a-f]{40}$");
    }

    [TestCase("Constellation.Attestation")]
    [TestCase("Constellation.Atls")]
    [TestCase("Constellation.Cli")]
    public void Every_package_has_a_symbols_package(string id)
    {
        File.Exists(Path.Combine(LocalFeed.Directory, $"{id}.{LocalFeed.Version}.snupkg")).Should().BeTrue();
    }

    [Test]
    public void The_cli_package_is_a_dotnet_tool_named_constellation()
    {
        using var package = ZipFile.OpenRead(LocalFeed.Package("Constellation.Cli"));

        var settings = package.Entries.Single(e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
        using var stream = settings.Open();
        XDocument.Load(stream).Descendants("Command").Single().Attribute("Name")!.Value.Should().Be("constellation");
    }

    private static XDocument ReadNuspec(ZipArchive package, string id)
    {
        using var stream = package.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(stream);
    }
}
