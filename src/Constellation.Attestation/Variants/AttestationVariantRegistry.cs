using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using Constellation.Attestation.Variants.AwsNitroTpm;
using Constellation.Attestation.Variants.AwsSevSnp;
using Constellation.Attestation.Variants.AzureSevSnp;
using Constellation.Attestation.Variants.AzureTdx;
using Constellation.Attestation.Variants.AzureTrustedLaunch;
using Constellation.Attestation.Variants.Dummy;
using Constellation.Attestation.Variants.GcpSevEs;
using Constellation.Attestation.Variants.GcpSevSnp;
using Constellation.Attestation.Variants.QemuTdx;
using Constellation.Attestation.Variants.QemuVtpm;

namespace Constellation.Attestation.Variants;

/// <summary>
/// The attestation variants a host knows, by definition: the one place variants are listed. Config readers and writers,
/// the validator factory, dependency injection, the join service and the CLI look variants up here.
/// </summary>
/// <remarks>
/// Immutable and thread-safe. <see cref="Default"/> holds the library's ten variants; build another registry from
/// definitions (e.g. <c>Default.Definitions</c> plus your own) to add a variant. Lookups are exact: an unknown name, OID
/// or config key is an <see cref="UnknownVariantException"/>, never a fallback to some other variant.
/// </remarks>
public sealed class AttestationVariantRegistry
{
    private readonly Dictionary<string, AttestationVariantDefinition> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AttestationVariantDefinition> _byOid = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AttestationVariantDefinition> _byConfigKey = new(StringComparer.Ordinal);

    /// <summary>Creates a registry of the given variants.</summary>
    /// <param name="definitions">The definitions, in the order <see cref="Definitions"/> lists them.</param>
    /// <exception cref="ArgumentException">
    /// Two definitions share a name, OID or config key, a name is another's OID, or two variants of one provider have the
    /// same <see cref="AttestationVariantDefinition.ProviderRank"/>.
    /// </exception>
    public AttestationVariantRegistry(IEnumerable<AttestationVariantDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var list = ImmutableArray.CreateBuilder<AttestationVariantDefinition>();
        foreach (var definition in definitions)
        {
            ArgumentNullException.ThrowIfNull(definition, nameof(definitions));
            var variant = definition.Variant;
            if (!_byName.TryAdd(variant.Name, definition) || !_byOid.TryAdd(variant.Oid, definition) || !_byConfigKey.TryAdd(variant.ConfigKey, definition))
            {
                throw new ArgumentException($"variant {variant.Name} ({variant.Oid}, config key {variant.ConfigKey}): another variant has the same name, OID or config key", nameof(definitions));
            }

            list.Add(definition);
        }

        foreach (var name in _byName.Keys)
        {
            if (_byOid.ContainsKey(name))
            {
                throw new ArgumentException($"variant name {name} is another variant's OID", nameof(definitions));
            }
        }

        Definitions = list.ToImmutable();
        Variants = Definitions.Select(d => d.Variant).ToImmutableArray();
        foreach (var clash in Definitions
            .SelectMany(d => d.ConfigProviders.Select(p => (Provider: p, d.ProviderRank, d.Variant.Name)))
            .GroupBy(x => (x.Provider, x.ProviderRank))
            .Where(g => g.Count() > 1))
        {
            throw new ArgumentException(
                $"provider {clash.Key.Provider.ToConfigString()}: {string.Join(" and ", clash.Select(x => x.Name))} have the same rank {clash.Key.ProviderRank}", nameof(definitions));
        }
    }

    /// <summary>Gets the library's variants, in the order of Constellation's variant table. This is the one list of them.</summary>
    public static AttestationVariantRegistry Default { get; } = new(
    [
        DummyVariant.Instance,
        AwsNitroTpmVariant.Instance,
        AwsSevSnpVariant.Instance,
        GcpSevEsVariant.Instance,
        GcpSevSnpVariant.Instance,
        AzureSevSnpVariant.Instance,
        AzureTrustedLaunchVariant.Instance,
        AzureTdxVariant.Instance,
        QemuVtpmVariant.Instance,
        QemuTdxVariant.Instance,
    ]);

    /// <summary>Gets the definitions, in registry order.</summary>
    public ImmutableArray<AttestationVariantDefinition> Definitions { get; }

    /// <summary>Gets the variants, in registry order.</summary>
    public ImmutableArray<AttestationVariant> Variants { get; }

    /// <summary>Gets the definition of a variant.</summary>
    /// <param name="variant">The variant.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="UnknownVariantException">The registry does not hold the variant.</exception>
    public AttestationVariantDefinition Get(AttestationVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return TryGet(variant, out var definition) ? definition : throw Unknown(variant.Name);
    }

    /// <summary>Tries to get the definition of a variant.</summary>
    /// <param name="variant">The variant.</param>
    /// <param name="definition">The definition, when the registry holds the variant.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool TryGet(AttestationVariant variant, [NotNullWhen(true)] out AttestationVariantDefinition? definition)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return _byOid.TryGetValue(variant.Oid, out definition);
    }

    /// <summary>Gets the definition of the variant with the given name (exact, case-sensitive) or dotted OID.</summary>
    /// <param name="nameOrOid">A variant string such as <c>qemu-vtpm</c> or an OID such as <c>1.3.9900.5.1</c>.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="UnknownVariantException">The value is neither a name nor an OID of this registry; the message lists its variants.</exception>
    public AttestationVariantDefinition Parse(string nameOrOid)
    {
        ArgumentNullException.ThrowIfNull(nameOrOid);
        return TryParse(nameOrOid, out var definition) ? definition : throw Unknown(nameOrOid);
    }

    /// <summary>Tries to get the definition of the variant with the given name (exact, case-sensitive) or dotted OID.</summary>
    /// <param name="nameOrOid">A variant string or OID.</param>
    /// <param name="definition">The definition, when found.</param>
    /// <returns><see langword="true"/> when the value names a variant of this registry.</returns>
    public bool TryParse(string? nameOrOid, [NotNullWhen(true)] out AttestationVariantDefinition? definition)
    {
        definition = null;
        return nameOrOid is not null && (_byName.TryGetValue(nameOrOid, out definition) || _byOid.TryGetValue(nameOrOid, out definition));
    }

    /// <summary>Gets the definition of the variant with the given name (exact, case-sensitive).</summary>
    /// <param name="name">The variant string.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="UnknownVariantException">No variant of this registry has the name.</exception>
    public AttestationVariantDefinition FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out var definition) ? definition : throw Unknown(name);
    }

    /// <summary>Gets the definition of the variant with the given dotted OID.</summary>
    /// <param name="oid">The OID.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="UnknownVariantException">No variant of this registry has the OID.</exception>
    public AttestationVariantDefinition FromOid(string oid)
    {
        ArgumentNullException.ThrowIfNull(oid);
        return _byOid.TryGetValue(oid, out var definition) ? definition : throw Unknown(oid);
    }

    /// <summary>Gets the definition of the variant with the given config key (the key under <c>attestation:</c>).</summary>
    /// <param name="configKey">The config key, e.g. <c>qemuVTPM</c>.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="UnknownVariantException">No variant of this registry has the key.</exception>
    public AttestationVariantDefinition FromConfigKey(string configKey)
    {
        ArgumentNullException.ThrowIfNull(configKey);
        return _byConfigKey.TryGetValue(configKey, out var definition) ? definition : throw Unknown(configKey);
    }

    /// <summary>Gets the variants a provider's cluster configuration may select, its default first (see <see cref="AttestationVariantDefinition.ProviderRank"/>).</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>The allowed variants; empty when none of this registry's variants belongs to the provider.</returns>
    public IReadOnlyList<AttestationVariant> AllowedVariants(CloudProvider provider) =>
        Definitions.Where(d => d.ConfigProviders.Contains(provider)).OrderBy(d => d.ProviderRank).Select(d => d.Variant).ToArray();

    /// <summary>Gets the default variant of a provider (the one of rank 0 among its allowed variants).</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>The default variant.</returns>
    /// <exception cref="ArgumentException">None of this registry's variants belongs to the provider.</exception>
    public AttestationVariant DefaultVariant(CloudProvider provider) =>
        AllowedVariants(provider) is [var first, ..]
            ? first
            : throw new ArgumentException($"provider {provider.ToConfigString()}: no variant of this registry may be selected by its configuration", nameof(provider));

    private UnknownVariantException Unknown(string requested) => new(requested, Variants);
}
