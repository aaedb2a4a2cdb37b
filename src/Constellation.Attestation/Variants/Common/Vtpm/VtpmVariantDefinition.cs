namespace Constellation.Attestation.Variants.Common.Vtpm;

/// <summary>
/// The part every vTPM-based variant shares: SHA-256 PCR measurements (32 bytes), the cluster ID in PCR 15
/// (<see cref="ClusterIdRegisters.VtpmPcr"/>), and the vTPM defaults: PCR 4, 9 and 12 placeholders, PCR 8, 11, 13 and 15
/// (the cluster ID, before init or join) zero.
/// </summary>
public abstract class VtpmVariantDefinition : AttestationVariantDefinition
{
    private static readonly MeasurementSet Defaults = DefaultMeasurementSets.Build(Measurement.Sha256Length, [4, 9, 12], [8, 11, 13, ClusterIdRegisters.VtpmPcr]);

    /// <summary>Initialises the definition of a vTPM-based variant.</summary>
    /// <param name="variant">The variant.</param>
    protected VtpmVariantDefinition(AttestationVariant variant)
        : base(variant)
    {
    }

    /// <inheritdoc />
    public override int MeasurementLength => Measurement.Sha256Length;

    /// <inheritdoc />
    public override uint? ClusterIdRegister => ClusterIdRegisters.VtpmPcr;

    /// <inheritdoc />
    public override MeasurementSet DefaultMeasurements => Defaults;
}
