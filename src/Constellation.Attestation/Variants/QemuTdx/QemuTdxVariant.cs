using System;
using System.Collections.Generic;
using Constellation.Attestation.Config;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Variants.Common;

namespace Constellation.Attestation.Variants.QemuTdx;

/// <summary>
/// The <c>qemu-tdx</c> variant (1.3.9900.5.99): a raw TD quote bound to the nonce, with measurements 0 = MRTD and
/// 1..4 = RTMR0..3 (48 bytes) and the cluster ID in RTMR[2] (index 3). Its validator needs
/// <see cref="VariantServices.TdxCollateral"/>; its issuer a TDX guest's quote provider.
/// </summary>
public sealed class QemuTdxVariant : AttestationVariantDefinition
{
    // MRTD, RTMR0, RTMR1 and RTMR3 are the image's; RTMR2 holds the cluster ID and is zero before init or join.
    private static readonly MeasurementSet Defaults = DefaultMeasurementSets.Build(Measurement.Sha384Length, [0, 1, 2, 4], [ClusterIdRegisters.TdxRtmr2]);

    private QemuTdxVariant()
        : base(new AttestationVariant("qemu-tdx", "1.3.9900.5.99", EvidenceFamily.Tdx, CloudProvider.Qemu, "qemuTDX"))
    {
    }

    /// <summary>Gets the definition.</summary>
    public static QemuTdxVariant Instance { get; } = new();

    /// <inheritdoc />
    public override int MeasurementLength => Measurement.Sha384Length;

    /// <inheritdoc />
    public override uint? ClusterIdRegister => ClusterIdRegisters.TdxRtmr2;

    /// <inheritdoc />
    public override MeasurementSet DefaultMeasurements => Defaults;

    /// <inheritdoc />
    /// <remarks>None: upstream's QEMU provider allows qemu-vtpm only (qemu-tdx is a development variant).</remarks>
    public override IReadOnlyList<CloudProvider> ConfigProviders => [];

    /// <inheritdoc />
    public override VariantCapability GetValidatorCapability(VariantServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Needs(services.TdxCollateral, "validation", "a TDX collateral source such as the Intel PCS client (VariantServices.TdxCollateral)", nameof(VariantServices.TdxCollateral));
    }

    /// <inheritdoc />
    public override VariantCapability GetIssuerCapability(VariantIssuerServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Needs(services.TdxQuotes, "issuing", "the TDX quote provider of a TDX guest, e.g. configfs-tsm (VariantIssuerServices.TdxQuotes)", nameof(VariantIssuerServices.TdxQuotes));
    }

    /// <inheritdoc />
    protected override IAttestationValidator BuildValidator(AttestationConfig config, VariantServices services) =>
        new QemuTdxValidator(config.Measurements, new TdxVerificationOptions { CollateralSource = services.TdxCollateral, TimeProvider = services.TimeProvider });

    /// <inheritdoc />
    protected override IAttestationIssuer BuildIssuer(VariantIssuerServices services) => new QemuTdxIssuer(services.TdxQuotes);
}
