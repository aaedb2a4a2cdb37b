using System;
using Constellation.Attestation.Variants;

namespace Constellation.Attestation.Config;

/// <summary>
/// The config of a variant whose only option is its measurements (its definition's
/// <see cref="AttestationVariantDefinition.ConfigType"/>): aws-nitro-tpm, azure-trustedlaunch, gcp-sev-es, qemu-vtpm,
/// qemu-tdx and dummy.
/// </summary>
public sealed class MeasurementsAttestationConfig : AttestationConfig
{
    /// <summary>Creates the config of a variant of <see cref="AttestationVariantRegistry.Default"/>.</summary>
    /// <param name="variant">A variant without further options.</param>
    /// <param name="measurements">The expected measurements.</param>
    /// <exception cref="UnknownVariantException">The variant is not one of the library's.</exception>
    /// <exception cref="ArgumentException">The variant has options and needs another config type.</exception>
    /// <exception cref="AttestationFormatException">The measurements have the wrong length for the variant.</exception>
    public MeasurementsAttestationConfig(AttestationVariant variant, MeasurementSet measurements)
        : this(AttestationVariantRegistry.Default.Get(variant ?? throw new ArgumentNullException(nameof(variant))), measurements)
    {
    }

    /// <summary>Creates the config of a variant by its definition.</summary>
    /// <param name="definition">The definition of a variant whose <see cref="AttestationVariantDefinition.ConfigType"/> is this type.</param>
    /// <param name="measurements">The expected measurements.</param>
    /// <exception cref="ArgumentException">The variant has options and needs another config type.</exception>
    /// <exception cref="AttestationFormatException">The measurements have the wrong length for the variant.</exception>
    public MeasurementsAttestationConfig(AttestationVariantDefinition definition, MeasurementSet measurements)
        : base(definition, measurements)
    {
        if (definition.ConfigType != typeof(MeasurementsAttestationConfig))
        {
            throw new ArgumentException($"variant {definition.Variant.Name} has options beyond measurements; use its own config type", nameof(definition));
        }
    }

    /// <inheritdoc />
    public override AttestationConfig WithMeasurements(MeasurementSet measurements) => new MeasurementsAttestationConfig(Definition, measurements);
}
