using System;
using Constellation.Attestation.Config;

namespace Constellation.Attestation.Variants.Common.Snp;

/// <summary>
/// The config of aws-sev-snp, gcp-sev-snp and azure-sev-snp: measurements, minimum launch TCB, AMD keys and
/// (azure-sev-snp only) the firmware signer config.
/// </summary>
public sealed class SevSnpAttestationConfig : AttestationConfig
{
    /// <summary>Creates the config of aws-sev-snp, gcp-sev-snp or azure-sev-snp.</summary>
    /// <param name="variant">aws-sev-snp, gcp-sev-snp or azure-sev-snp.</param>
    /// <param name="measurements">The expected vTPM measurements (32-byte values).</param>
    /// <param name="bootloaderVersion">Minimum bootloader SVN (0..255 or latest).</param>
    /// <param name="teeVersion">Minimum TEE (PSP OS) SVN (0..255 or latest).</param>
    /// <param name="snpVersion">Minimum SNP firmware SVN (0..255 or latest).</param>
    /// <param name="microcodeVersion">Minimum microcode SVN (0..255 or latest).</param>
    /// <param name="amdRootKey">The pinned ARK, or <see langword="null"/> for AMD's ARK-Milan.</param>
    /// <param name="amdSigningKey">The ASK/ASVK to use when the evidence carries none, or <see langword="null"/>.</param>
    /// <param name="firmwareSignerConfig">Required for azure-sev-snp; must be <see langword="null"/> for the others.</param>
    /// <exception cref="ArgumentException">The variant is not an SNP variant, or the firmware signer config does not fit it.</exception>
    /// <exception cref="AttestationFormatException">A version is above 255, or a measurement has the wrong length.</exception>
    public SevSnpAttestationConfig(
        AttestationVariant variant,
        MeasurementSet measurements,
        AttestationVersion bootloaderVersion,
        AttestationVersion teeVersion,
        AttestationVersion snpVersion,
        AttestationVersion microcodeVersion,
        PemCertificate? amdRootKey,
        PemCertificate? amdSigningKey,
        FirmwareSignerConfig? firmwareSignerConfig)
        : this(SnpDefinition(variant), measurements, bootloaderVersion, teeVersion, snpVersion, microcodeVersion, amdRootKey, amdSigningKey, firmwareSignerConfig)
    {
    }

    /// <summary>Creates the config of an SEV-SNP variant by its definition.</summary>
    /// <param name="definition">The variant's definition.</param>
    /// <param name="measurements">The expected vTPM measurements (32-byte values).</param>
    /// <param name="bootloaderVersion">Minimum bootloader SVN (0..255 or latest).</param>
    /// <param name="teeVersion">Minimum TEE (PSP OS) SVN (0..255 or latest).</param>
    /// <param name="snpVersion">Minimum SNP firmware SVN (0..255 or latest).</param>
    /// <param name="microcodeVersion">Minimum microcode SVN (0..255 or latest).</param>
    /// <param name="amdRootKey">The pinned ARK, or <see langword="null"/> for AMD's ARK-Milan.</param>
    /// <param name="amdSigningKey">The ASK/ASVK to use when the evidence carries none, or <see langword="null"/>.</param>
    /// <param name="firmwareSignerConfig">Required exactly when <see cref="SnpVariantDefinition.HasFirmwareSignerConfig"/> (azure-sev-snp).</param>
    /// <exception cref="ArgumentException">The firmware signer config does not fit the variant.</exception>
    /// <exception cref="AttestationFormatException">A version is above 255, or a measurement has the wrong length.</exception>
    public SevSnpAttestationConfig(
        SnpVariantDefinition definition,
        MeasurementSet measurements,
        AttestationVersion bootloaderVersion,
        AttestationVersion teeVersion,
        AttestationVersion snpVersion,
        AttestationVersion microcodeVersion,
        PemCertificate? amdRootKey,
        PemCertificate? amdSigningKey,
        FirmwareSignerConfig? firmwareSignerConfig)
        : base(definition, measurements)
    {
        if (definition.HasFirmwareSignerConfig != (firmwareSignerConfig is not null))
        {
            throw new ArgumentException("firmwareSignerConfig is required for azure-sev-snp and not allowed for other variants", nameof(firmwareSignerConfig));
        }

        BootloaderVersion = CheckByte("bootloaderVersion", bootloaderVersion);
        TeeVersion = CheckByte("teeVersion", teeVersion);
        SnpVersion = CheckByte("snpVersion", snpVersion);
        MicrocodeVersion = CheckByte("microcodeVersion", microcodeVersion);
        AmdRootKey = amdRootKey;
        AmdSigningKey = amdSigningKey;
        FirmwareSignerConfig = firmwareSignerConfig;
    }

    /// <summary>Gets the minimum bootloader SVN.</summary>
    public AttestationVersion BootloaderVersion { get; }

    /// <summary>Gets the minimum TEE SVN.</summary>
    public AttestationVersion TeeVersion { get; }

    /// <summary>Gets the minimum SNP firmware SVN.</summary>
    public AttestationVersion SnpVersion { get; }

    /// <summary>Gets the minimum microcode SVN.</summary>
    public AttestationVersion MicrocodeVersion { get; }

    /// <summary>Gets the pinned AMD root key (ARK), or <see langword="null"/> when unset.</summary>
    public PemCertificate? AmdRootKey { get; }

    /// <summary>Gets the AMD signing key (ASK/ASVK), or <see langword="null"/> when unset.</summary>
    public PemCertificate? AmdSigningKey { get; }

    /// <summary>Gets the firmware signer config (azure-sev-snp only).</summary>
    public FirmwareSignerConfig? FirmwareSignerConfig { get; }

    /// <inheritdoc />
    public override AttestationConfig WithMeasurements(MeasurementSet measurements) => new SevSnpAttestationConfig(
        (SnpVariantDefinition)Definition, measurements, BootloaderVersion, TeeVersion, SnpVersion, MicrocodeVersion, AmdRootKey, AmdSigningKey, FirmwareSignerConfig);

    /// <summary>Returns a copy with another AMD signing key (the join service injects its cached ASK this way).</summary>
    /// <param name="amdSigningKey">The signing key, or <see langword="null"/>.</param>
    /// <returns>The new config.</returns>
    public SevSnpAttestationConfig WithAmdSigningKey(PemCertificate? amdSigningKey) => new(
        (SnpVariantDefinition)Definition, Measurements, BootloaderVersion, TeeVersion, SnpVersion, MicrocodeVersion, AmdRootKey, amdSigningKey, FirmwareSignerConfig);

    /// <inheritdoc />
    public override bool Equals(AttestationConfig? other) =>
        base.Equals(other) && other is SevSnpAttestationConfig snp
        && BootloaderVersion == snp.BootloaderVersion && TeeVersion == snp.TeeVersion
        && SnpVersion == snp.SnpVersion && MicrocodeVersion == snp.MicrocodeVersion
        && Equals(AmdRootKey, snp.AmdRootKey) && Equals(AmdSigningKey, snp.AmdSigningKey)
        && Equals(FirmwareSignerConfig, snp.FirmwareSignerConfig);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), BootloaderVersion, TeeVersion, SnpVersion, MicrocodeVersion);

    private static SnpVariantDefinition SnpDefinition(AttestationVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return AttestationVariantRegistry.Default.TryGet(variant, out var definition) && definition is SnpVariantDefinition snp
            ? snp
            : throw new ArgumentException($"variant {variant.Name} is not an SEV-SNP variant", nameof(variant));
    }

    private static AttestationVersion CheckByte(string field, AttestationVersion version) =>
        version.Value > byte.MaxValue
            ? throw new AttestationFormatException($"{field}: expected 0..255 or \"latest\", got {version.Value}")
            : version;
}
