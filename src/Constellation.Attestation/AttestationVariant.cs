using System;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Constellation.Attestation.Variants;
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

namespace Constellation.Attestation;

/// <summary>
/// One of Constellation's attestation variants: its name (used by flags and measurement files),
/// its OID (the X.509 extension ID of aTLS certificates), the key of its attestation config and the evidence it carries.
/// </summary>
/// <remarks>
/// Immutable. Each variant is defined once, by its <see cref="AttestationVariantDefinition"/> (which also says how its
/// config is read and how its validator and issuer are built); the library's variants are listed in
/// <see cref="AttestationVariantRegistry.Default"/>, and the static properties here are shortcuts to their values.
/// Two variants are equal when their OIDs are equal.
/// </remarks>
public sealed class AttestationVariant : IEquatable<AttestationVariant>
{
    /// <summary>Creates a variant value; a definition does this once for its variant.</summary>
    /// <param name="name">The variant string, e.g. <c>qemu-vtpm</c> (non-empty, no whitespace).</param>
    /// <param name="oid">The dotted OID of the aTLS certificate extension, e.g. <c>1.3.9900.5.1</c>.</param>
    /// <param name="family">The kind of evidence the variant uses.</param>
    /// <param name="provider">The provider the variant belongs to.</param>
    /// <param name="configKey">The key under <c>attestation:</c> in the Constellation config, e.g. <c>qemuVTPM</c> (non-empty, no whitespace).</param>
    /// <exception cref="ArgumentException">A value is empty or malformed, or an enum value is undefined.</exception>
    public AttestationVariant(string name, string oid, EvidenceFamily family, CloudProvider provider, string configKey)
    {
        Name = RequireToken(name, nameof(name));
        Oid = RequireOid(oid);
        ConfigKey = RequireToken(configKey, nameof(configKey));
        Family = Enum.IsDefined(family) ? family : throw new ArgumentException($"family: undefined value {(int)family}", nameof(family));
        Provider = Enum.IsDefined(provider) ? provider : throw new ArgumentException($"provider: undefined value {(int)provider}", nameof(provider));
    }

    /// <summary>Gets the test variant <c>dummy</c> (1.3.9900.1.1).</summary>
    public static AttestationVariant Dummy => DummyVariant.Instance.Variant;

    /// <summary>Gets <c>aws-nitro-tpm</c> (1.3.9900.2.1).</summary>
    public static AttestationVariant AwsNitroTpm => AwsNitroTpmVariant.Instance.Variant;

    /// <summary>Gets <c>aws-sev-snp</c> (1.3.9900.2.2).</summary>
    public static AttestationVariant AwsSevSnp => AwsSevSnpVariant.Instance.Variant;

    /// <summary>Gets <c>gcp-sev-es</c> (1.3.9900.3.1).</summary>
    public static AttestationVariant GcpSevEs => GcpSevEsVariant.Instance.Variant;

    /// <summary>Gets <c>gcp-sev-snp</c> (1.3.9900.3.2).</summary>
    public static AttestationVariant GcpSevSnp => GcpSevSnpVariant.Instance.Variant;

    /// <summary>Gets <c>azure-sev-snp</c> (1.3.9900.4.1).</summary>
    public static AttestationVariant AzureSevSnp => AzureSevSnpVariant.Instance.Variant;

    /// <summary>Gets <c>azure-trustedlaunch</c> (1.3.9900.4.2).</summary>
    public static AttestationVariant AzureTrustedLaunch => AzureTrustedLaunchVariant.Instance.Variant;

    /// <summary>Gets <c>azure-tdx</c> (1.3.9900.4.3).</summary>
    public static AttestationVariant AzureTdx => AzureTdxVariant.Instance.Variant;

    /// <summary>Gets <c>qemu-vtpm</c> (1.3.9900.5.1).</summary>
    public static AttestationVariant QemuVtpm => QemuVtpmVariant.Instance.Variant;

    /// <summary>Gets <c>qemu-tdx</c> (1.3.9900.5.99).</summary>
    public static AttestationVariant QemuTdx => QemuTdxVariant.Instance.Variant;

    /// <summary>Gets every variant of <see cref="AttestationVariantRegistry.Default"/>, in the order of Constellation's variant table.</summary>
    public static ImmutableArray<AttestationVariant> All => AttestationVariantRegistry.Default.Variants;

    /// <summary>Gets the variant string, e.g. <c>azure-sev-snp</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the dotted OID, e.g. <c>1.3.9900.4.1</c>.</summary>
    public string Oid { get; }

    /// <summary>Gets the kind of evidence the variant uses.</summary>
    public EvidenceFamily Family { get; }

    /// <summary>Gets the provider the variant belongs to (<see cref="CloudProvider.Unknown"/> for <c>dummy</c>).</summary>
    public CloudProvider Provider { get; }

    /// <summary>Gets the key under <c>attestation:</c> in the Constellation config, e.g. <c>azureSEVSNP</c>.</summary>
    public string ConfigKey { get; }

    /// <summary>
    /// Gets the variant of <see cref="AttestationVariantRegistry.Default"/> with the given name (exact, case-sensitive) or dotted OID.
    /// </summary>
    /// <param name="nameOrOid">A variant string such as <c>qemu-vtpm</c> or an OID such as <c>1.3.9900.5.1</c>.</param>
    /// <returns>The variant.</returns>
    /// <exception cref="UnknownVariantException">The value is neither a known name nor a known OID; the message lists the known variants.</exception>
    public static AttestationVariant Parse(string nameOrOid) => AttestationVariantRegistry.Default.Parse(nameOrOid).Variant;

    /// <summary>Tries to get the variant of <see cref="AttestationVariantRegistry.Default"/> with the given name (exact, case-sensitive) or dotted OID.</summary>
    /// <param name="nameOrOid">A variant string or OID.</param>
    /// <param name="variant">The variant, when found.</param>
    /// <returns><see langword="true"/> when the value names a known variant.</returns>
    public static bool TryParse(string? nameOrOid, [NotNullWhen(true)] out AttestationVariant? variant)
    {
        variant = AttestationVariantRegistry.Default.TryParse(nameOrOid, out var definition) ? definition.Variant : null;
        return variant is not null;
    }

    /// <summary>Gets the variant of <see cref="AttestationVariantRegistry.Default"/> with the given dotted OID.</summary>
    /// <param name="oid">The OID.</param>
    /// <returns>The variant.</returns>
    /// <exception cref="UnknownVariantException">The OID is not a known variant OID.</exception>
    public static AttestationVariant FromOid(string oid) => AttestationVariantRegistry.Default.FromOid(oid).Variant;

    /// <summary>Gets the variant of <see cref="AttestationVariantRegistry.Default"/> with the given name (exact, case-sensitive).</summary>
    /// <param name="name">The variant string.</param>
    /// <returns>The variant.</returns>
    /// <exception cref="UnknownVariantException">The name is not a known variant.</exception>
    public static AttestationVariant FromName(string name) => AttestationVariantRegistry.Default.FromName(name).Variant;

    /// <summary>Gets the variant of <see cref="AttestationVariantRegistry.Default"/> with the given config key (the key under <c>attestation:</c>).</summary>
    /// <param name="configKey">The config key, e.g. <c>qemuVTPM</c>.</param>
    /// <returns>The variant.</returns>
    /// <exception cref="UnknownVariantException">The key is not a known variant key.</exception>
    public static AttestationVariant FromConfigKey(string configKey) => AttestationVariantRegistry.Default.FromConfigKey(configKey).Variant;

    /// <inheritdoc />
    public bool Equals(AttestationVariant? other) => other is not null && string.Equals(Oid, other.Oid, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AttestationVariant);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Oid);

    /// <summary>Returns the variant string.</summary>
    /// <returns>The variant name.</returns>
    public override string ToString() => Name;

    /// <summary>Compares two variants by OID.</summary>
    /// <param name="left">The first variant.</param>
    /// <param name="right">The second variant.</param>
    /// <returns>Whether both are the same variant.</returns>
    public static bool operator ==(AttestationVariant? left, AttestationVariant? right) =>
        left is null ? right is null : left.Equals(right);

    /// <summary>Compares two variants by OID.</summary>
    /// <param name="left">The first variant.</param>
    /// <param name="right">The second variant.</param>
    /// <returns>Whether the variants differ.</returns>
    public static bool operator !=(AttestationVariant? left, AttestationVariant? right) => !(left == right);

    private static string RequireToken(string value, string parameter)
    {
        ArgumentNullException.ThrowIfNull(value, parameter);
        if (value.Length == 0 || value.AsSpan().ContainsAny(" \t\r\n"))
        {
            throw new ArgumentException($"{parameter}: expected a non-empty value without whitespace, got \"{value}\"", parameter);
        }

        return value;
    }

    private static string RequireOid(string oid)
    {
        ArgumentNullException.ThrowIfNull(oid);
        var arcs = oid.Split('.');
        if (arcs.Length < 2 || Array.Exists(arcs, arc => arc.Length == 0 || arc.AsSpan().ContainsAnyExceptInRange('0', '9') || (arc.Length > 1 && arc[0] == '0')))
        {
            throw new ArgumentException($"oid: expected a dotted OID such as 1.3.9900.5.1, got \"{oid}\"", nameof(oid));
        }

        return oid;
    }
}
