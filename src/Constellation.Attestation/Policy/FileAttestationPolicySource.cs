using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Config;
using Constellation.Attestation.IO;
using Constellation.Attestation.Variants;
using YamlDotNet.RepresentationModel;

namespace Constellation.Attestation.Policy;

/// <summary>
/// Reads the policy from a file, following symbolic links on every read (so the Kubernetes ConfigMap
/// pattern <c>attestationConfig → ..data/attestationConfig</c>, <c>..data → ..2024_…</c> always yields one complete version).
/// </summary>
/// <remarks>Stateless apart from its settings; safe to use concurrently.</remarks>
public sealed class FileAttestationPolicySource : IAttestationPolicySource
{
    /// <summary>Creates a source.</summary>
    /// <param name="path">The policy file (may be a symbolic link).</param>
    /// <param name="format">The file's encoding.</param>
    /// <param name="variant">
    /// For <see cref="PolicyFileFormat.Json"/> the variant the file is for (required). For <see cref="PolicyFileFormat.Yaml"/>
    /// the variant the file must select, or <see langword="null"/> to accept any variant.
    /// </param>
    /// <exception cref="ArgumentException">JSON without a variant.</exception>
    /// <exception cref="UnknownVariantException">The variant is not one of the library's.</exception>
    public FileAttestationPolicySource(string path, PolicyFileFormat format, AttestationVariant? variant)
        : this(path, format, variant, AttestationVariantRegistry.Default)
    {
    }

    /// <summary>Creates a source whose configs are read by the definitions of a registry.</summary>
    /// <param name="path">The policy file (may be a symbolic link).</param>
    /// <param name="format">The file's encoding.</param>
    /// <param name="variant">
    /// For <see cref="PolicyFileFormat.Json"/> the variant the file is for (required). For <see cref="PolicyFileFormat.Yaml"/>
    /// the variant the file must select, or <see langword="null"/> to accept any variant of <paramref name="registry"/>.
    /// </param>
    /// <param name="registry">The variants the file may be for (e.g. the validator factory's <see cref="AttestationValidatorFactory.Registry"/>).</param>
    /// <exception cref="ArgumentException">JSON without a variant.</exception>
    /// <exception cref="UnknownVariantException">The variant is not in the registry.</exception>
    public FileAttestationPolicySource(string path, PolicyFileFormat format, AttestationVariant? variant, AttestationVariantRegistry registry)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(registry);
        if (format == PolicyFileFormat.Json && variant is null)
        {
            throw new ArgumentException("a JSON policy file does not name its variant; pass the variant", nameof(variant));
        }

        Path = System.IO.Path.GetFullPath(path);
        Format = format;
        Variant = variant;
        Registry = registry;
        _definition = variant is null ? null : registry.Get(variant);
    }

    // An attestation config is measurements (a few KiB) plus at most a few PEM certificates; 1 MiB bounds what a wrong
    // path (a FIFO, a device, a huge file) can make a service read at start or on every reload.
    private const int MaxPolicyBytes = 1024 * 1024;

    private readonly AttestationVariantDefinition? _definition;

    /// <summary>Gets the absolute path of the policy file.</summary>
    public string Path { get; }

    /// <summary>Gets the file's encoding.</summary>
    public PolicyFileFormat Format { get; }

    /// <summary>Gets the variant the file must be for, or <see langword="null"/> for any.</summary>
    public AttestationVariant? Variant { get; }

    /// <summary>Gets the variants the file may be for; their definitions read it.</summary>
    public AttestationVariantRegistry Registry { get; }

    /// <inheritdoc />
    public string Description => Path;

    /// <inheritdoc />
    /// <exception cref="AttestationFormatException">The file cannot be read, is malformed, or is for another variant.</exception>
    public async ValueTask<AttestationConfig> LoadAsync(CancellationToken cancellationToken = default)
    {
        byte[] bytes;
        try
        {
            bytes = await BoundedFile.ReadAsync(Path, MaxPolicyBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AttestationFormatException($"policy file {Path}: cannot be read: {ex.Message}", ex);
        }

        AttestationConfig config;
        try
        {
            config = Format == PolicyFileFormat.Json ? AttestationConfigJson.Parse(_definition!, bytes) : ParseYaml(bytes, Registry);
        }
        catch (AttestationFormatException ex)
        {
            throw new AttestationFormatException($"policy file {Path}: {ex.Message}", ex);
        }

        if (Variant is not null && config.Variant != Variant)
        {
            throw new AttestationFormatException($"policy file {Path}: wrong variant: expected {Variant.Name}, got {config.Variant.Name}");
        }

        return config;
    }

    private static AttestationConfig ParseYaml(byte[] bytes, AttestationVariantRegistry registry)
    {
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new AttestationFormatException($"not UTF-8 text: {ex.Message}", ex);
        }

        var root = AttestationConfigYaml.LoadSingleDocument(text, "attestation");
        if (root is YamlMappingNode mapping
            && mapping.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == "attestation"))
        {
            return ConstellationConfigFile.Parse(text, registry).Attestation;
        }

        return AttestationConfigYaml.FromSectionNode(root, "attestation", registry);
    }
}
