using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Constellation.Attestation;

/// <summary>
/// One of Constellation's attestation variants: its name (used by flags and measurement files),
/// its OID (the X.509 extension ID of aTLS certificates) and the evidence it carries.
/// </summary>
/// <remarks>
/// Instances are immutable and the set is closed: use the static properties, <see cref="Parse"/> or
/// <see cref="TryParse"/>. Two variants are equal when their OIDs are equal.
/// </remarks>
public sealed class AttestationVariant : IEquatable<AttestationVariant>
{
    private AttestationVariant(string name, string oid, EvidenceFamily family, CloudProvider provider, string configKey, uint? clusterIdRegister)
    {
        Name = name;
        Oid = oid;
        Family = family;
        Provider = provider;
        ConfigKey = configKey;
        ClusterIdRegister = clusterIdRegister;
    }

    /// <summary>Gets the test variant <c>dummy</c> (1.3.9900.1.1).</summary>
    public static AttestationVariant Dummy { get; } = new("dummy", "1.3.9900.1.1", EvidenceFamily.Dummy, CloudProvider.Unknown, "dummy", null);

    /// <summary>Gets <c>aws-nitro-tpm</c> (1.3.9900.2.1).</summary>
    public static AttestationVariant AwsNitroTpm { get; } = new("aws-nitro-tpm", "1.3.9900.2.1", EvidenceFamily.Vtpm, CloudProvider.Aws, "awsNitroTPM", ClusterIdRegisters.VtpmPcr);

    /// <summary>Gets <c>aws-sev-snp</c> (1.3.9900.2.2).</summary>
    public static AttestationVariant AwsSevSnp { get; } = new("aws-sev-snp", "1.3.9900.2.2", EvidenceFamily.VtpmWithSnp, CloudProvider.Aws, "awsSEVSNP", ClusterIdRegisters.VtpmPcr);

    /// <summary>Gets <c>gcp-sev-es</c> (1.3.9900.3.1).</summary>
    public static AttestationVariant GcpSevEs { get; } = new("gcp-sev-es", "1.3.9900.3.1", EvidenceFamily.Vtpm, CloudProvider.Gcp, "gcpSEVES", ClusterIdRegisters.VtpmPcr);

    /// <summary>Gets <c>gcp-sev-snp</c> (1.3.9900.3.2).</summary>
    public static AttestationVariant GcpSevSnp { get; } = new("gcp-sev-snp", "1.3.9900.3.2", EvidenceFamily.VtpmWithSnp, CloudProvider.Gcp, "gcpSEVSNP", ClusterIdRegisters.VtpmPcr);

    /// <summary>Gets <c>azure-sev-snp</c> (1.3.9900.4.1).</summary>
    public static AttestationVariant AzureSevSnp { get; } = new("azure-sev-snp", "1.3.9900.4.1", EvidenceFamily.VtpmWithSnp, CloudProvider.Azure, "azureSEVSNP", ClusterIdRegisters.VtpmPcr);

    /// <summary>Gets <c>azure-trustedlaunch</c> (1.3.9900.4.2).</summary>
    public static AttestationVariant AzureTrustedLaunch { get; } = new("azure-trustedlaunch", "1.3.9900.4.2", EvidenceFamily.Vtpm, CloudProvider.Azure, "azureTrustedLaunch", ClusterIdRegisters.VtpmPcr);

    /// <summary>Gets <c>azure-tdx</c> (1.3.9900.4.3).</summary>
    public static AttestationVariant AzureTdx { get; } = new("azure-tdx", "1.3.9900.4.3", EvidenceFamily.VtpmWithTdx, CloudProvider.Azure, "azureTDX", ClusterIdRegisters.VtpmPcr);

    /// <summary>Gets <c>qemu-vtpm</c> (1.3.9900.5.1).</summary>
    public static AttestationVariant QemuVtpm { get; } = new("qemu-vtpm", "1.3.9900.5.1", EvidenceFamily.Vtpm, CloudProvider.Qemu, "qemuVTPM", ClusterIdRegisters.VtpmPcr);

    /// <summary>Gets <c>qemu-tdx</c> (1.3.9900.5.99).</summary>
    public static AttestationVariant QemuTdx { get; } = new("qemu-tdx", "1.3.9900.5.99", EvidenceFamily.Tdx, CloudProvider.Qemu, "qemuTDX", ClusterIdRegisters.TdxRtmr2);

    /// <summary>Gets every known variant, in the order of Constellation's variant table.</summary>
    public static ImmutableArray<AttestationVariant> All { get; } = ImmutableArray.Create(
        Dummy, AwsNitroTpm, AwsSevSnp, GcpSevEs, GcpSevSnp, AzureSevSnp, AzureTrustedLaunch, AzureTdx, QemuVtpm, QemuTdx);

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
    /// Gets the measurement index the node extends its cluster ID into when it is initialised or joins, and that a
    /// verifier who knows the cluster ID expects extended (<see cref="MeasurementSet.WithClusterId"/>):
    /// <see cref="ClusterIdRegisters.VtpmPcr"/> (PCR 15) for the vTPM-based variants,
    /// <see cref="ClusterIdRegisters.TdxRtmr2"/> (RTMR[2]) for <c>qemu-tdx</c>, <see langword="null"/> for <c>dummy</c>,
    /// which measures nothing.
    /// </summary>
    public uint? ClusterIdRegister { get; }

    /// <summary>
    /// Gets the variant with the given name (exact, case-sensitive) or dotted OID.
    /// </summary>
    /// <param name="nameOrOid">A variant string such as <c>qemu-vtpm</c> or an OID such as <c>1.3.9900.5.1</c>.</param>
    /// <returns>The variant.</returns>
    /// <exception cref="UnknownVariantException">The value is neither a known name nor a known OID; the message lists the known variants.</exception>
    public static AttestationVariant Parse(string nameOrOid)
    {
        ArgumentNullException.ThrowIfNull(nameOrOid);
        return TryParse(nameOrOid, out var variant) ? variant : throw new UnknownVariantException(nameOrOid);
    }

    /// <summary>Tries to get the variant with the given name (exact, case-sensitive) or dotted OID.</summary>
    /// <param name="nameOrOid">A variant string or OID.</param>
    /// <param name="variant">The variant, when found.</param>
    /// <returns><see langword="true"/> when the value names a known variant.</returns>
    public static bool TryParse(string? nameOrOid, [NotNullWhen(true)] out AttestationVariant? variant)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name, nameOrOid, StringComparison.Ordinal)
                || string.Equals(candidate.Oid, nameOrOid, StringComparison.Ordinal))
            {
                variant = candidate;
                return true;
            }
        }

        variant = null;
        return false;
    }

    /// <summary>Gets the variant with the given dotted OID.</summary>
    /// <param name="oid">The OID.</param>
    /// <returns>The variant.</returns>
    /// <exception cref="UnknownVariantException">The OID is not a known variant OID.</exception>
    public static AttestationVariant FromOid(string oid)
    {
        ArgumentNullException.ThrowIfNull(oid);
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Oid, oid, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        throw new UnknownVariantException(oid);
    }

    /// <summary>Gets the variant with the given name (exact, case-sensitive).</summary>
    /// <param name="name">The variant string.</param>
    /// <returns>The variant.</returns>
    /// <exception cref="UnknownVariantException">The name is not a known variant.</exception>
    public static AttestationVariant FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name, name, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        throw new UnknownVariantException(name);
    }

    /// <summary>Gets the variant with the given config key (the key under <c>attestation:</c>).</summary>
    /// <param name="configKey">The config key, e.g. <c>qemuVTPM</c>.</param>
    /// <returns>The variant.</returns>
    /// <exception cref="UnknownVariantException">The key is not a known variant key.</exception>
    public static AttestationVariant FromConfigKey(string configKey)
    {
        ArgumentNullException.ThrowIfNull(configKey);
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.ConfigKey, configKey, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        throw new UnknownVariantException(configKey);
    }

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
}
