using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Constellation.Attestation.Variants;
using YamlDotNet.RepresentationModel;

namespace Constellation.Attestation.Config;

/// <summary>
/// The parts of Constellation's <c>constellation-conf.yaml</c> (schema <c>version: v4</c>) that attestation needs:
/// the image version, the provider and the <c>attestation:</c> section. Generates a new file and rewrites the
/// measurements of an existing one without touching anything else in it.
/// </summary>
/// <remarks>Immutable. Top-level keys other than the ones read here are left alone (not validated).</remarks>
public sealed class ConstellationConfigFile
{
    /// <summary>The usual file name, <c>constellation-conf.yaml</c>.</summary>
    public const string DefaultFileName = "constellation-conf.yaml";

    /// <summary>The config schema version this library reads and writes.</summary>
    public const string SchemaVersion = "v4";

    /// <summary>The image version <see cref="Generate"/> writes when none is given.</summary>
    public const string DefaultImage = "v2.23.0";

    /// <summary>The Kubernetes version <see cref="Generate"/> writes.</summary>
    public const string DefaultKubernetesVersion = "v1.31.1";

    private ConstellationConfigFile(string image, string name, CloudProvider provider, AttestationConfig attestation)
    {
        Image = image;
        Name = name;
        Provider = provider;
        Attestation = attestation;
    }

    /// <summary>Gets the machine image version, e.g. <c>v2.23.0</c> or <c>ref/main/stream/nightly/v2.24.0-pre…</c>.</summary>
    public string Image { get; }

    /// <summary>Gets the cluster name.</summary>
    public string Name { get; }

    /// <summary>Gets the provider selected by the key under <c>provider:</c>.</summary>
    public CloudProvider Provider { get; }

    /// <summary>Gets the attestation config (its variant is selected by the key under <c>attestation:</c>).</summary>
    public AttestationConfig Attestation { get; }

    /// <summary>Parses a config file.</summary>
    /// <param name="yaml">The file's text.</param>
    /// <returns>The config.</returns>
    /// <exception cref="AttestationFormatException">The file is not a v4 config, or a field read here is invalid.</exception>
    public static ConstellationConfigFile Parse(string yaml) => Parse(yaml, AttestationVariantRegistry.Default);

    /// <summary>Parses a config file whose attestation section may select any variant of a registry.</summary>
    /// <param name="yaml">The file's text.</param>
    /// <param name="registry">The variants the attestation section may select (and the providers they belong to).</param>
    /// <returns>The config.</returns>
    /// <exception cref="AttestationFormatException">The file is not a v4 config, or a field read here is invalid.</exception>
    public static ConstellationConfigFile Parse(string yaml, AttestationVariantRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(registry);
        var root = AttestationConfigYaml.LoadSingleDocument(yaml, "config") as YamlMappingNode
            ?? throw new AttestationFormatException("config: expected a YAML mapping at the top level");

        var version = Scalar(root, "version");
        if (!string.Equals(version, SchemaVersion, StringComparison.Ordinal))
        {
            throw new AttestationFormatException($"config.version: expected \"{SchemaVersion}\", got \"{version}\"");
        }

        var image = Scalar(root, "image");
        if (string.IsNullOrWhiteSpace(image))
        {
            throw new AttestationFormatException("config.image: expected an image version, got an empty value");
        }

        var name = TryGet(root, "name", out var nameNode) ? (nameNode as YamlScalarNode)?.Value ?? string.Empty : string.Empty;
        var provider = ReadProvider(root);
        if (!TryGet(root, "attestation", out var section))
        {
            throw new AttestationFormatException("config.attestation: required section is missing");
        }

        var attestation = AttestationConfigYaml.FromSectionNode(section, "attestation", registry);
        var allowed = registry.AllowedVariants(provider);
        if (provider != CloudProvider.Unknown && !allowed.Contains(attestation.Variant))
        {
            throw new AttestationFormatException(
                $"attestation: variant {attestation.Variant.Name} is not allowed for provider {provider.ToConfigString()} (allowed: {string.Join(", ", allowed)})");
        }

        return new ConstellationConfigFile(image, name, provider, attestation);
    }

    /// <summary>
    /// Generates a new config file for a provider: Constellation's layout (version, image, name, provider section,
    /// node groups) and the attestation section of the variant with the library's default measurements.
    /// </summary>
    /// <param name="provider">AWS, Azure, GCP, QEMU or OpenStack.</param>
    /// <param name="variant">The attestation variant; <see langword="null"/> for the provider's default.</param>
    /// <param name="image">The image version; <see langword="null"/> for <see cref="DefaultImage"/>.</param>
    /// <returns>The YAML text.</returns>
    /// <exception cref="ArgumentException">The provider is unknown or does not allow the variant.</exception>
    public static string Generate(CloudProvider provider, AttestationVariant? variant = null, string? image = null)
    {
        if (provider == CloudProvider.Unknown || !Enum.IsDefined(provider))
        {
            throw new ArgumentException("provider: expected AWS, Azure, GCP, OpenStack or QEMU", nameof(provider));
        }

        variant ??= provider.DefaultVariant();
        if (!provider.AllowedVariants().Contains(variant))
        {
            throw new ArgumentException(
                $"variant {variant.Name} is not allowed for provider {provider.ToConfigString()} (allowed: {string.Join(", ", provider.AllowedVariants())})",
                nameof(variant));
        }

        var profile = ProviderProfile.For(provider);
        var b = new StringBuilder();
        b.Append("version: ").Append(SchemaVersion).Append(" # Schema version of this configuration file.\n");
        b.Append("image: ").Append(image ?? DefaultImage).Append(" # Machine image version used to create Constellation nodes.\n");
        b.Append("name: base # Name of the cluster.\n");
        b.Append("stateDiskSizeGB: 30 # Size (in GB) of a node's disk to store the non-volatile state.\n");
        b.Append("kubernetesVersion: ").Append(DefaultKubernetesVersion).Append(" # Kubernetes version to be installed into the cluster.\n");
        b.Append("debugCLI: false # DON'T USE IN PRODUCTION: enable debug mode of Constellation CLI.\n");
        b.Append("# Supported cloud providers and their specific configurations.\n");
        b.Append("provider:\n");
        b.Append("  ").Append(profile.Key).Append(":\n");
        foreach (var (key, value) in profile.Fields)
        {
            b.Append("    ").Append(key).Append(": ").Append(value).Append('\n');
        }

        b.Append("# Node groups to be created in the cluster.\n");
        b.Append("nodeGroups:\n");
        AppendNodeGroup(b, "control_plane_default", "control-plane", profile, 3);
        AppendNodeGroup(b, "worker_default", "worker", profile, 1);
        b.Append("# Attestation validation configuration.\n");
        b.Append("attestation:\n");
        AttestationConfigYaml.WriteSection(b, AttestationConfig.CreateDefault(variant), indent: 2);
        return b.ToString();
    }

    /// <summary>
    /// Returns the file text with the measurements of its attestation section replaced, leaving every other byte
    /// (comments, order, other sections, the variant's options) as it was.
    /// </summary>
    /// <param name="yaml">The current file text.</param>
    /// <param name="measurements">The new measurements.</param>
    /// <returns>The new file text.</returns>
    /// <exception cref="AttestationFormatException">The file is not a valid config, or the measurements do not fit its variant.</exception>
    public static string WithMeasurements(string yaml, MeasurementSet measurements)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(measurements);
        var before = Parse(yaml, AttestationVariantRegistry.Default);
        var expected = before.Attestation.WithMeasurements(measurements);

        var root = (YamlMappingNode)AttestationConfigYaml.LoadSingleDocument(yaml, "config");
        var section = (YamlMappingNode)root.Children[new YamlScalarNode("attestation")];
        var variantNode = section.Children.Single().Value as YamlMappingNode
            ?? throw new AttestationFormatException($"attestation.{before.Attestation.Variant.ConfigKey}: expected a mapping");
        var keyNode = variantNode.Children.Keys.OfType<YamlScalarNode>().SingleOrDefault(k => k.Value == "measurements")
            ?? throw new AttestationFormatException($"attestation.{before.Attestation.Variant.ConfigKey}.measurements: required field is missing");

        var lines = SplitLines(yaml);
        var keyLine = checked((int)keyNode.Start.Line - 1);
        var keyIndent = checked((int)keyNode.Start.Column - 1);
        var last = keyLine;
        for (var i = keyLine + 1; i < lines.Count; i++)
        {
            var content = lines[i].TrimEnd('\r', '\n');
            if (content.Trim().Length == 0)
            {
                continue;
            }

            if (content.Length - content.TrimStart(' ').Length <= keyIndent)
            {
                break;
            }

            last = i;
        }

        var replacement = new StringBuilder();
        AttestationConfigYaml.WriteMeasurements(replacement, measurements, keyIndent);
        var result = new StringBuilder();
        for (var i = 0; i < keyLine; i++)
        {
            result.Append(lines[i]);
        }

        result.Append(replacement);
        for (var i = last + 1; i < lines.Count; i++)
        {
            result.Append(lines[i]);
        }

        var text = result.ToString();
        var after = Parse(text);
        if (!after.Attestation.Equals(expected) || after.Image != before.Image || after.Provider != before.Provider)
        {
            // The splice is line-based; refuse rather than write a file whose meaning changed beyond the measurements.
            throw new AttestationFormatException(
                $"attestation.{before.Attestation.Variant.ConfigKey}.measurements: could not be replaced without changing other fields; rewrite the section in block style");
        }

        return text;
    }

    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }

        return lines;
    }

    private static void AppendNodeGroup(StringBuilder b, string name, string role, ProviderProfile profile, int count)
    {
        b.Append("  ").Append(name).Append(":\n");
        b.Append("    role: ").Append(role).Append('\n');
        b.Append("    zone: \"\"\n");
        b.Append("    instanceType: ").Append(profile.InstanceType).Append('\n');
        b.Append("    stateDiskSizeGB: 30\n");
        b.Append("    stateDiskType: ").Append(profile.DiskType).Append('\n');
        b.Append("    initialCount: ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static CloudProvider ReadProvider(YamlMappingNode root)
    {
        if (!TryGet(root, "provider", out var node) || node is not YamlMappingNode providers || providers.Children.Count != 1)
        {
            throw new AttestationFormatException("config.provider: expected exactly one provider key (aws, azure, gcp, openstack or qemu)");
        }

        var key = (providers.Children.Keys.Single() as YamlScalarNode)?.Value ?? string.Empty;
        var provider = CloudProviders.Parse(key);
        return provider == CloudProvider.Unknown
            ? throw new AttestationFormatException($"config.provider: unknown provider \"{key}\" (known: aws, azure, gcp, openstack, qemu)")
            : provider;
    }

    private static string Scalar(YamlMappingNode root, string key)
    {
        if (!TryGet(root, key, out var node))
        {
            throw new AttestationFormatException($"config.{key}: required field is missing");
        }

        return node is YamlScalarNode { Value: { } value }
            ? value
            : throw new AttestationFormatException($"config.{key}: expected a string at {node.Start}");
    }

    private static bool TryGet(YamlMappingNode mapping, string key, out YamlNode value)
    {
        foreach (var (k, v) in mapping.Children)
        {
            if (k is YamlScalarNode { Value: { } name } && string.Equals(name, key, StringComparison.Ordinal))
            {
                value = v;
                return true;
            }
        }

        value = null!;
        return false;
    }
}
