using System;
using System.Globalization;
using System.IO;
using System.Text;
using Constellation.Attestation.Variants.AzureTdx;
using Constellation.Attestation.Variants.Common.Snp;
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
/// The <c>dummy</c> variant (JSON-only upstream) is accepted under the key <c>dummy</c>.
/// </remarks>
public static class AttestationConfigYaml
{
    /// <summary>Parses an attestation section given as YAML text (the mapping <c>{&lt;configKey&gt;: {...}}</c>).</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <returns>The config; its variant is selected by the key.</returns>
    /// <exception cref="AttestationFormatException">The YAML is malformed, has zero or several variant keys, or a field is invalid.</exception>
    public static AttestationConfig ParseSection(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return FromSectionNode(LoadSingleDocument(yaml, "attestation"), "attestation");
    }

    /// <summary>Reads an attestation section from a parsed YAML node.</summary>
    /// <param name="section">The mapping under <c>attestation:</c>.</param>
    /// <param name="path">The path used in error messages, usually <c>attestation</c>.</param>
    /// <returns>The config.</returns>
    /// <exception cref="AttestationFormatException">The section is not exactly one known variant key with a valid config.</exception>
    public static AttestationConfig FromSectionNode(YamlNode section, string path = "attestation")
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(path);
        if (section is not YamlMappingNode mapping || mapping.Children.Count != 1)
        {
            throw new AttestationFormatException(
                $"{path}: expected exactly one variant key (one of {string.Join(", ", KnownKeys())}), got {Describe(section)}");
        }

        var (keyNode, valueNode) = System.Linq.Enumerable.First(mapping.Children);
        var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
        AttestationVariant variant;
        try
        {
            variant = AttestationVariant.FromConfigKey(key);
        }
        catch (UnknownVariantException ex)
        {
            throw new AttestationFormatException($"{path}: unknown variant key \"{key}\" (known: {string.Join(", ", KnownKeys())})", ex);
        }

        return FromVariantNode(variant, valueNode, $"{path}.{key}");
    }

    /// <summary>Reads one variant's config from a parsed YAML node (the value under its config key).</summary>
    /// <param name="variant">The variant.</param>
    /// <param name="node">The mapping node.</param>
    /// <param name="path">The path used in error messages.</param>
    /// <returns>The config.</returns>
    /// <exception cref="AttestationFormatException">A field is missing, unknown or invalid.</exception>
    public static AttestationConfig FromVariantNode(AttestationVariant variant, YamlNode node, string path)
    {
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(path);
        return AttestationConfigReader.Read(variant, YamlJsonBridge.ToJsonElement(node, path), path, caseInsensitive: false);
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
        var pad = new string(' ', indent);
        WriteMeasurements(builder, config.Measurements, indent);
        switch (config)
        {
            case SevSnpAttestationConfig snp:
                builder.Append(pad).Append("bootloaderVersion: ").Append(snp.BootloaderVersion).Append('\n');
                builder.Append(pad).Append("teeVersion: ").Append(snp.TeeVersion).Append('\n');
                builder.Append(pad).Append("snpVersion: ").Append(snp.SnpVersion).Append('\n');
                builder.Append(pad).Append("microcodeVersion: ").Append(snp.MicrocodeVersion).Append('\n');
                if (snp.FirmwareSignerConfig is { } signer)
                {
                    builder.Append(pad).Append("firmwareSignerConfig:\n");
                    builder.Append(pad).Append("  acceptedKeyDigests:");
                    if (signer.AcceptedKeyDigests.IsEmpty)
                    {
                        builder.Append(" []\n");
                    }
                    else
                    {
                        builder.Append('\n');
                        foreach (var digest in signer.AcceptedKeyDigests)
                        {
                            builder.Append(pad).Append("    - ").Append(MeasurementYaml.QuoteIfNeeded(Convert.ToHexStringLower(digest.AsSpan()))).Append('\n');
                        }
                    }

                    builder.Append(pad).Append("  enforcementPolicy: ").Append(signer.EnforcementPolicyName).Append('\n');
                    if (signer.MaaUrl.Length > 0)
                    {
                        builder.Append(pad).Append("  maaURL: ").Append(Quote(signer.MaaUrl)).Append('\n');
                    }
                }

                builder.Append(pad).Append("amdRootKey: ").Append(Quote(snp.AmdRootKey?.Pem ?? string.Empty)).Append('\n');
                if (snp.AmdSigningKey is { } signing)
                {
                    builder.Append(pad).Append("amdSigningKey: ").Append(Quote(signing.Pem)).Append('\n');
                }

                break;
            case AzureTdxAttestationConfig tdx:
                builder.Append(pad).Append("qeSVN: ").Append(tdx.QeSvn).Append('\n');
                builder.Append(pad).Append("pceSVN: ").Append(tdx.PceSvn).Append('\n');
                builder.Append(pad).Append("teeTCBSVN: ").Append(HexScalar(tdx.TeeTcbSvn.ToString())).Append('\n');
                builder.Append(pad).Append("qeVendorID: ").Append(HexScalar(tdx.QeVendorId.ToString())).Append('\n');
                if (!tdx.MrSeam.IsEmpty)
                {
                    builder.Append(pad).Append("mrSeam: ").Append(HexScalar(Convert.ToHexStringLower(tdx.MrSeam.AsSpan()))).Append('\n');
                }

                builder.Append(pad).Append("xfam: ").Append(HexScalar(tdx.Xfam.ToString())).Append('\n');
                builder.Append(pad).Append("intelRootKey: ").Append(Quote(tdx.IntelRootKey?.Pem ?? string.Empty)).Append('\n');
                break;
        }
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

    private static string HexScalar(string value) => value.Length == 0 ? "\"\"" : MeasurementYaml.QuoteIfNeeded(value);

    /// <summary>Double-quotes a string with YAML escapes.</summary>
    private static string Quote(string value)
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

    private static string[] KnownKeys() => System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(AttestationVariant.All, v => v.ConfigKey));

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode m => $"{m.Children.Count} keys at {node.Start}",
        _ => $"a {node.NodeType} at {node.Start}",
    };
}
