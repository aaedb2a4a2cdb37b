using Constellation.Docs.Tests.Site;

namespace Constellation.Docs.Tests;

/// <summary>The API reference docfx generates from the XML docs documents every public type and member.</summary>
public class ApiReferenceTests
{
    [Test]
    public void Every_public_type_and_member_of_the_three_libraries_has_a_summary()
    {
        var items = BuiltSite.ApiMetadataFiles
            .SelectMany(file => Yaml.Sequence(Yaml.Load(file), "items"))
            .Where(item => Yaml.Scalar(item, "type") != "Namespace")
            .Select(item => (Uid: Yaml.Scalar(item, "uid")!, Type: Yaml.Scalar(item, "type"), Summary: Yaml.Scalar(item, "summary"),
                Assembly: Yaml.Sequence(item, "assemblies").OfType<YamlDotNet.RepresentationModel.YamlScalarNode>().Select(a => a.Value).FirstOrDefault()))
            .ToList();

        items.Select(i => i.Assembly).Distinct().Should().BeEquivalentTo(["Constellation.Attestation", "Constellation.Atls", "Constellation.Cluster"]);
        items.Should().HaveCountGreaterThan(1000, "the reference covers the whole public surface");
        items.Where(i => string.IsNullOrWhiteSpace(i.Summary)).Select(i => $"{i.Type} {i.Uid}").Should().BeEmpty();
    }
}
