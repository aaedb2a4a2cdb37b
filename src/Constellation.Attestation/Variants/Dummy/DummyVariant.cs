using System.Collections.Generic;

namespace Constellation.Attestation.Variants.Dummy;

/// <summary>
/// The <c>dummy</c> variant (1.3.9900.1.1): a JSON document binding user data and nonce with no hardware root. It
/// measures nothing and accepts any peer, so hosts build its validator only when they ask for it by name
/// (<see cref="Policy.AttestationValidatorFactory.RegisterDummy"/>). For tests and local clusters.
/// </summary>
public sealed class DummyVariant : AttestationVariantDefinition
{
    private DummyVariant()
        : base(new AttestationVariant("dummy", "1.3.9900.1.1", EvidenceFamily.Dummy, CloudProvider.Unknown, "dummy"))
    {
    }

    /// <summary>Gets the definition.</summary>
    public static DummyVariant Instance { get; } = new();

    /// <inheritdoc />
    /// <remarks>0: measurements of any length are kept as they are (dummy compares none).</remarks>
    public override int MeasurementLength => 0;

    /// <inheritdoc />
    public override uint? ClusterIdRegister => null;

    /// <inheritdoc />
    public override MeasurementSet DefaultMeasurements => MeasurementSet.Empty;

    /// <inheritdoc />
    public override bool RequiresMeasurements => false;

    /// <inheritdoc />
    /// <remarks>Only <see cref="CloudProvider.Unknown"/>: no real provider's configuration selects dummy.</remarks>
    public override IReadOnlyList<CloudProvider> ConfigProviders => [CloudProvider.Unknown];

    /// <inheritdoc />
    public override VariantCapability GetValidatorCapability(VariantServices services) => VariantCapability.Available;

    /// <inheritdoc />
    public override VariantCapability GetIssuerCapability(VariantIssuerServices services) => VariantCapability.Available;

    /// <inheritdoc />
    protected override IAttestationValidator BuildValidator(Config.AttestationConfig config, VariantServices services) => new DummyValidator();

    /// <inheritdoc />
    protected override IAttestationIssuer BuildIssuer(VariantIssuerServices services) => new DummyIssuer();
}
