using System;
using Constellation.Attestation.Variants;
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
/// and <see cref="AttestationConfigYaml"/>, which dispatch to the variant's <see cref="Definition"/>. The concrete type
/// is the definition's <see cref="AttestationVariantDefinition.ConfigType"/>: <see cref="MeasurementsAttestationConfig"/>
/// for variants whose only option is their measurements, or a variant's own type (SEV-SNP, azure-tdx).
/// </remarks>
public abstract class AttestationConfig : IEquatable<AttestationConfig>
{
    /// <summary>Initialises the common part and checks that the measurement lengths fit the variant.</summary>
    /// <param name="definition">The variant's definition (it says how the config is written and which validator it builds).</param>
    /// <param name="measurements">The expected measurements.</param>
    /// <exception cref="AttestationFormatException">The measurements have the wrong length for the variant.</exception>
    protected AttestationConfig(AttestationVariantDefinition definition, MeasurementSet measurements)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(measurements);
        var variant = definition.Variant;
        var required = definition.MeasurementLength;
        if (required != 0 && measurements.Count > 0 && measurements.ValueLength != required)
        {
            throw new AttestationFormatException(
                $"{variant.ConfigKey}.measurements: expected {required}-byte values for {variant.Name}, got {measurements.ValueLength}-byte values");
        }

        Definition = definition;
        Measurements = measurements;
    }

    /// <summary>Gets the definition of the variant this config is for.</summary>
    public AttestationVariantDefinition Definition { get; }

    /// <summary>Gets the variant this config is for.</summary>
    public AttestationVariant Variant => Definition.Variant;

    /// <summary>Gets the expected measurements.</summary>
    public MeasurementSet Measurements { get; }

    /// <summary>
    /// Creates the config Constellation generates for a variant of <see cref="AttestationVariantRegistry.Default"/>: the
    /// library's default measurements, versions <c>latest</c>, and the built-in roots
    /// (<see cref="AttestationVariantDefinition.CreateDefaultConfig"/>).
    /// </summary>
    /// <param name="variant">The variant.</param>
    /// <returns>The default config.</returns>
    /// <exception cref="UnknownVariantException">The variant is not one of the library's.</exception>
    public static AttestationConfig CreateDefault(AttestationVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return AttestationVariantRegistry.Default.Get(variant).CreateDefaultConfig();
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
