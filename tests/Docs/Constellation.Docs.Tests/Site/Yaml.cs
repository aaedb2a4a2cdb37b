using YamlDotNet.RepresentationModel;

namespace Constellation.Docs.Tests.Site;

/// <summary>Reads docfx's YAML (table-of-contents files, API metadata) as plain nodes: no types, tags are ignored.</summary>
internal static class Yaml
{
    public static YamlNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return stream.Documents.Single().RootNode;
    }

    public static string? Scalar(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar
            ? scalar.Value
            : null;

    public static IEnumerable<YamlNode> Sequence(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode sequence
            ? sequence.Children
            : [];

    /// <summary>Every <c>href</c> (and <c>topicHref</c>) of a table of contents, nested items included.</summary>
    public static IEnumerable<string> TocHrefs(YamlNode items)
    {
        foreach (var item in (items as YamlSequenceNode)?.Children ?? [])
        {
            foreach (var key in new[] { "href", "topicHref" })
            {
                if (Scalar(item, key) is { } href)
                {
                    yield return href;
                }
            }

            if (item is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode("items"), out var nested))
            {
                foreach (var href in TocHrefs(nested))
                {
                    yield return href;
                }
            }
        }
    }
}
