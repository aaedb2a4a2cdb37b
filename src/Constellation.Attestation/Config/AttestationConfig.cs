using System;
using Constellation.Attestation.Measurements.Defaults;
using Constellation.Attestation.Variants.AzureTdx;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Config;

/// <summary>
/// The attestation policy of one variant: the expected measurements and the variant's options
/// (the struct under <c>attestation.&lt;key&gt;</c> in <c>constellation-conf.yaml</c>, and the JSON the join
/// service reads from <c>/var/config/attestationConfig</c>).
/// </summary>
/// <remarks>
/// Immutable and safe to share between threads. Read and write it with <see cref="AttestationConfigJson"/>
/// and <see cref="AttestationConfigYaml"/>. The concrete type depends on the variant:
/// <see cref="MeasurementsAttestationConfig"/>, <see cref="SevSnpAttestationConfig"/> or <see cref="AzureTdxAttestationConfig"/>.
/// </remarks>
public abstract class AttestationConfig : IEquatable<AttestationConfig>
{
    /// <summary>Initialises the common part and checks that the measurement lengths fit the variant.</summary>
    /// <param name="variant">The variant.</param>
    /// <param name="measurements">The expected measurements.</param>
    /// <exception cref="AttestationFormatException">The measurements have the wrong length for the variant.</exception>
    protected AttestationConfig(AttestationVariant variant, MeasurementSet measurements)
    {
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(measurements);
        var required = RequiredMeasurementLength(variant);
        if (required != 0 && measurements.Count > 0 && measurements.ValueLength != required)
        {
            throw new AttestationFormatException(
                $"{variant.ConfigKey}.measurements: expected {required}-byte values for {variant.Name}, got {measurements.ValueLength}-byte values");
        }

        Variant = variant;
        Measurements = measurements;
    }

    /// <summary>Gets the variant this config is for.</summary>
    public AttestationVariant Variant { get; }

    /// <summary>Gets the expected measurements.</summary>
    public MeasurementSet Measurements { get; }

    /// <summary>
    /// Gets the length every measurement of the variant must have: 32 (vTPM PCRs), 48 (TDX registers), or 0 (dummy: any).
    /// </summary>
    /// <param name="variant">The variant.</param>
    /// <returns>The length in bytes, or 0.</returns>
    public static int RequiredMeasurementLength(AttestationVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return variant.Family switch
        {
            EvidenceFamily.Dummy => 0,
            EvidenceFamily.Tdx => Measurement.Sha384Length,
            _ => Measurement.Sha256Length,
        };
    }

    /// <summary>
    /// Creates the config Constellation generates for a variant: the library's default measurements,
    /// versions <c>latest</c>, and the built-in roots.
    /// </summary>
    /// <param name="variant">The variant.</param>
    /// <returns>The default config.</returns>
    public static AttestationConfig CreateDefault(AttestationVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        var measurements = DefaultMeasurements.For(variant);
        if (variant == AttestationVariant.AwsSevSnp || variant == AttestationVariant.GcpSevSnp || variant == AttestationVariant.AzureSevSnp)
        {
            return new SevSnpAttestationConfig(
                variant,
                measurements,
                AttestationVersion.Latest,
                AttestationVersion.Latest,
                AttestationVersion.Latest,
                AttestationVersion.Latest,
                PemCertificate.Parse("amdRootKey", BuiltInRoots.AmdArkMilanPem),
                amdSigningKey: null,
                variant == AttestationVariant.AzureSevSnp ? FirmwareSignerConfig.Default : null);
        }

        if (variant == AttestationVariant.AzureTdx)
        {
            return new AzureTdxAttestationConfig(
                measurements,
                AttestationVersion.Latest,
                AttestationVersion.Latest,
                HexAttestationVersion.Latest,
                HexAttestationVersion.Latest,
                mrSeam: [],
                HexAttestationVersion.Latest,
                PemCertificate.Parse("intelRootKey", BuiltInRoots.IntelSgxRootCaPem));
        }

        return new MeasurementsAttestationConfig(variant, measurements);
    }

    /// <summary>Returns a copy with other measurements and the same options.</summary>
    /// <param name="measurements">The new measurements.</param>
    /// <returns>The new config.</returns>
    /// <exception cref="AttestationFormatException">The measurements have the wrong length for the variant.</exception>
    public abstract AttestationConfig WithMeasurements(MeasurementSet measurements);

    /// <inheritdoc />
    public virtual bool Equals(AttestationConfig? other) =>
        other is not null && other.GetType() == GetType() && Variant == other.Variant && Measurements.Equals(other.Measurements);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AttestationConfig);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Variant, Measurements);

    /// <summary>Returns the join-service JSON of this config.</summary>
    /// <returns>The JSON text.</returns>
    public override string ToString() => AttestationConfigJson.Serialize(this);
}
