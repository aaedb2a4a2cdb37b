using System;
using System.Globalization;
using System.IO;
using System.Text;
using Constellation.Attestation.Variants;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Constellation.Attestation.Config;

/// <summary>
/// Reads and writes the <c>attestation:</c> section of <c>constellation-conf.yaml</c>: a mapping with exactly one
/// key, the variant's config key (e.g. <c>qemuVTPM</c>), whose value is the variant's config.
/// </summary>
/// <remarks>
/// Field names are exact (YAML is case-sensitive); unknown fields, duplicates and bad values are errors naming
/// the field, e.g. <c>attestation.awsSEVSNP.bootloaderVersion</c>. Output follows yaml.v3's layout with two-space
/// indentation; certificates are written as double-quoted strings; <c>amdSigningKey</c> is omitted when empty.
/// The variant's <see cref="AttestationVariantDefinition"/> reads and writes its fields. The <c>dummy</c> variant
/// (JSON-only upstream) is accepted under the key <c>dummy</c>.
/// </remarks>
public static class AttestationConfigYaml
{
    /// <summary>Parses an attestation section given as YAML text (the mapping <c>{&lt;configKey&gt;: {...}}</c>).</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <returns>The config; its variant (of <see cref="AttestationVariantRegistry.Default"/>) is selected by the key.</returns>
    /// <exception cref="AttestationFormatException">The YAML is malformed, has zero or several variant keys, or a field is invalid.</exception>
    public static AttestationConfig ParseSection(string yaml) => ParseSection(yaml, AttestationVariantRegistry.Default);

    /// <summary>Parses an attestation section given as YAML text, its key looked up in a registry.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="registry">The variants the key may select.</param>
    /// <returns>The config.</returns>
    /// <exception cref="AttestationFormatException">The YAML is malformed, has zero or several variant keys, or a field is invalid.</exception>
    public static AttestationConfig ParseSection(string yaml, AttestationVariantRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return FromSectionNode(LoadSingleDocument(yaml, "attestation"), "attestation", registry);
    }

    /// <summary>Reads an attestation section from a parsed YAML node.</summary>
    /// <param name="section">The mapping under <c>attestation:</c>.</param>
    /// <param name="path">The path used in error messages, usually <c>attestation</c>.</param>
    /// <returns>The config.</returns>
    /// <exception cref="AttestationFormatException">The section is not exactly one known variant key with a valid config.</exception>
    public static AttestationConfig FromSectionNode(YamlNode section, string path = "attestation") =>
        FromSectionNode(section, path, AttestationVariantRegistry.Default);

    /// <summary>Reads an attestation section from a parsed YAML node, its key looked up in a registry.</summary>
    /// <param name="section">The mapping under <c>attestation:</c>.</param>
    /// <param name="path">The path used in error messages, usually <c>attestation</c>.</param>
    /// <param name="registry">The variants the key may select.</param>
    /// <returns>The config.</returns>
    /// <exception cref="AttestationFormatException">The section is not exactly one variant key of the registry with a valid config.</exception>
    public static AttestationConfig FromSectionNode(YamlNode section, string path, AttestationVariantRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(registry);
        if (section is not YamlMappingNode mapping || mapping.Children.Count != 1)
        {
            throw new AttestationFormatException(
                $"{path}: expected exactly one variant key (one of {KnownKeys(registry)}), got {Describe(section)}");
        }

        var (keyNode, valueNode) = System.Linq.Enumerable.First(mapping.Children);
        var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
        AttestationVariantDefinition definition;
        try
        {
            definition = registry.FromConfigKey(key);
        }
        catch (UnknownVariantException ex)
        {
            throw new AttestationFormatException($"{path}: unknown variant key \"{key}\" (known: {KnownKeys(registry)})", ex);
        }

        return FromVariantNode(definition, valueNode, $"{path}.{key}");
    }

    /// <summary>Reads the config of a variant of <see cref="AttestationVariantRegistry.Default"/> from a parsed YAML node (the value under its config key).</summary>
    /// <param name="variant">The variant.</param>
    /// <param name="node">The mapping node.</param>
    /// <param name="path">The path used in error messages.</param>
    /// <returns>The config.</returns>
    /// <exception cref="UnknownVariantException">The variant is not one of the library's.</exception>
    /// <exception cref="AttestationFormatException">A field is missing, unknown or invalid.</exception>
    public static AttestationConfig FromVariantNode(AttestationVariant variant, YamlNode node, string path)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return FromVariantNode(AttestationVariantRegistry.Default.Get(variant), node, path);
    }

    /// <summary>Reads a variant's config from a parsed YAML node (the value under its config key), read by its definition.</summary>
    /// <param name="definition">The variant's definition.</param>
    /// <param name="node">The mapping node.</param>
    /// <param name="path">The path used in error messages.</param>
    /// <returns>The config.</returns>
    /// <exception cref="AttestationFormatException">A field is missing, unknown or invalid.</exception>
    public static AttestationConfig FromVariantNode(AttestationVariantDefinition definition, YamlNode node, string path)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(path);
        return AttestationConfigReader.Read(definition, YamlJsonBridge.ToJsonElement(node, path), path, caseInsensitive: false);
    }

    /// <summary>Writes the attestation section (<c>&lt;configKey&gt;:</c> and the config below it) as YAML text.</summary>
    /// <param name="config">The config.</param>
    /// <returns>The YAML text, ending in a newline.</returns>
    public static string SerializeSection(AttestationConfig config)
    {
        var builder = new StringBuilder();
        WriteSection(builder, config, indent: 0);
        return builder.ToString();
    }

    /// <summary>Appends <c>&lt;configKey&gt;:</c> and the config at the given indentation.</summary>
    /// <param name="builder">Where to append.</param>
    /// <param name="config">The config.</param>
    /// <param name="indent">Spaces before the config key.</param>
    public static void WriteSection(StringBuilder builder, AttestationConfig config, int indent)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(config);
        var pad = new string(' ', indent);
        builder.Append(pad).Append(config.Variant.ConfigKey).Append(":\n");
        WriteFields(builder, config, indent + 2);
    }

    /// <summary>Appends the config's fields (without the variant key) at the given indentation.</summary>
    /// <param name="builder">Where to append.</param>
    /// <param name="config">The config.</param>
    /// <param name="indent">Spaces before each field name.</param>
    public static void WriteFields(StringBuilder builder, AttestationConfig config, int indent)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(config);
        config.Definition.WriteConfigYaml(builder, config, indent);
    }

    /// <summary>Appends <c>measurements:</c> and the measurements at the given indentation.</summary>
    /// <param name="builder">Where to append.</param>
    /// <param name="measurements">The measurements.</param>
    /// <param name="indent">Spaces before <c>measurements:</c>.</param>
    public static void WriteMeasurements(StringBuilder builder, MeasurementSet measurements, int indent)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(measurements);
        builder.Append(' ', indent).Append("measurements:");
        if (measurements.Count == 0)
        {
            builder.Append(" {}\n");
            return;
        }

        builder.Append('\n');
        MeasurementYaml.Write(builder, measurements, indent + 2);
    }

    internal static YamlNode LoadSingleDocument(string yaml, string what)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (Exception ex) when (ex is YamlException or ArgumentException or InvalidOperationException)
        {
            // YamlDotNet throws ArgumentException or InvalidOperationException for some malformed documents (see MeasurementYaml.Parse).
            throw new AttestationFormatException($"{what}: not valid YAML: {ex.Message}", ex);
        }

        return stream.Documents.Count == 1
            ? stream.Documents[0].RootNode
            : throw new AttestationFormatException($"{what}: expected one YAML document, got {stream.Documents.Count}");
    }

    /// <summary>A hex value as yaml.v3 writes it: quoted when empty or when it would read as another type.</summary>
    internal static string HexScalar(string value) => value.Length == 0 ? "\"\"" : MeasurementYaml.QuoteIfNeeded(value);

    /// <summary>Double-quotes a string with YAML escapes.</summary>
    internal static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => builder.Append("\\\\"),
                '"' => builder.Append("\\\""),
                '\n' => builder.Append("\\n"),
                '\r' => builder.Append("\\r"),
                '\t' => builder.Append("\\t"),
                < ' ' => builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return builder.Append('"').ToString();
    }

    private static string KnownKeys(AttestationVariantRegistry registry) => string.Join(", ", System.Linq.Enumerable.Select(registry.Variants, v => v.ConfigKey));

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode m => $"{m.Children.Count} keys at {node.Start}",
        _ => $"a {node.NodeType} at {node.Start}",
    };
}
