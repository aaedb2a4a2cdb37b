using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Constellation.Attestation.Config;

/// <summary>
/// Converts a YAML node into the equivalent JSON value with the YAML 1.2 core schema (plain <c>true</c>/<c>false</c>
/// are booleans, plain integers numbers, plain <c>null</c>/<c>~</c>/empty null, everything else a string), so one
/// strict reader serves both encodings.
/// </summary>
internal static partial class YamlJsonBridge
{
    public static JsonElement ToJsonElement(YamlNode node, string path) =>
        JsonSerializer.SerializeToElement(ToJsonNode(node, path), JsonNodeContext.Default.JsonNode);

    private static JsonNode? ToJsonNode(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key })
                    {
                        throw new AttestationFormatException($"{path}: expected a scalar key at {keyNode.Start}");
                    }

                    if (obj.ContainsKey(key))
                    {
                        throw new AttestationFormatException($"{path}.{key}: field appears more than once (at {keyNode.Start})");
                    }

                    obj[key] = ToJsonNode(valueNode, $"{path}.{key}");
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                var i = 0;
                foreach (var item in sequence.Children)
                {
                    array.Add(ToJsonNode(item, $"{path}[{i++}]"));
                }

                return array;
            case YamlScalarNode scalar:
                var text = scalar.Value ?? string.Empty;
                if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
                {
                    switch (text)
                    {
                        case "" or "~" or "null" or "Null" or "NULL":
                            return null;
                        case "true" or "True" or "TRUE":
                            return JsonValue.Create(true);
                        case "false" or "False" or "FALSE":
                            return JsonValue.Create(false);
                    }

                    // Digits with a leading zero are kept as text: they are hex values (xfam "0000…"), never SVNs.
                    if (IntegerPattern().IsMatch(text) && !(text.Length > 1 && text[0] == '0') && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                    {
                        return JsonValue.Create(number);
                    }
                }

                return JsonValue.Create(text);
            default:
                throw new AttestationFormatException($"{path}: unsupported YAML node {node.NodeType} at {node.Start}");
        }
    }

    [GeneratedRegex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();
}
