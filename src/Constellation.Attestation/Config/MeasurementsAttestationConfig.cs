using System;

namespace Constellation.Attestation.Config;

/// <summary>
/// The config of a variant whose only option is its measurements: aws-nitro-tpm, azure-trustedlaunch,
/// gcp-sev-es, qemu-vtpm, qemu-tdx and dummy.
/// </summary>
public sealed class MeasurementsAttestationConfig : AttestationConfig
{
    /// <summary>Creates the config.</summary>
    /// <param name="variant">A variant without further options.</param>
    /// <param name="measurements">The expected measurements.</param>
    /// <exception cref="ArgumentException">The variant has options and needs another config type.</exception>
    /// <exception cref="AttestationFormatException">The measurements have the wrong length for the variant.</exception>
    public MeasurementsAttestationConfig(AttestationVariant variant, MeasurementSet measurements)
        : base(variant, measurements)
    {
        if (!IsMeasurementsOnly(variant))
        {
            throw new ArgumentException($"variant {variant.Name} has options beyond measurements; use its own config type", nameof(variant));
        }
    }

    /// <summary>Gets a value indicating whether a variant's config holds only measurements.</summary>
    /// <param name="variant">The variant.</param>
    /// <returns><see langword="true"/> for aws-nitro-tpm, azure-trustedlaunch, gcp-sev-es, qemu-vtpm, qemu-tdx and dummy.</returns>
    public static bool IsMeasurementsOnly(AttestationVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return variant != AttestationVariant.AwsSevSnp && variant != AttestationVariant.GcpSevSnp
            && variant != AttestationVariant.AzureSevSnp && variant != AttestationVariant.AzureTdx;
    }

    /// <inheritdoc />
    public override AttestationConfig WithMeasurements(MeasurementSet measurements) => new MeasurementsAttestationConfig(Variant, measurements);
}
