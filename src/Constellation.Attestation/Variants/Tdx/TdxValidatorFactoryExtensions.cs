using System;
using Constellation.Attestation.Policy;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Variants.AzureTdx;
using Constellation.Attestation.Variants.QemuTdx;

namespace Constellation.Attestation.Variants.Tdx;

/// <summary>Registers the TDX variants (<c>azure-tdx</c>, <c>qemu-tdx</c>) with an <see cref="AttestationValidatorFactory"/>.</summary>
public static class TdxValidatorFactoryExtensions
{
    /// <summary>Registers <c>azure-tdx</c>: validators are built from the <c>azureTDX</c> config.</summary>
    /// <param name="factory">The factory.</param>
    /// <param name="collateral">Where TCB info, QE identity and CRLs come from (e.g. an <see cref="IntelPcsClient"/>); shared by all validators built.</param>
    /// <param name="timeProvider">The clock (default system).</param>
    /// <returns>The factory.</returns>
    public static AttestationValidatorFactory RegisterAzureTdx(this AttestationValidatorFactory factory, ITdxCollateralSource collateral, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(collateral);
        return factory.Register(AttestationVariant.AzureTdx, config => AzureTdxVariant.CreateValidator(
            config as AzureTdxAttestationConfig ?? throw new ArgumentException($"azure-tdx needs an {nameof(AzureTdxAttestationConfig)}, got {config.GetType().Name}", nameof(config)),
            collateral,
            timeProvider));
    }

    /// <summary>Registers <c>qemu-tdx</c>: measurements 0 = MRTD, 1..4 = RTMR0..3, default quote policy.</summary>
    /// <param name="factory">The factory.</param>
    /// <param name="collateral">Where TCB info, QE identity and CRLs come from; shared by all validators built.</param>
    /// <param name="timeProvider">The clock (default system).</param>
    /// <returns>The factory.</returns>
    public static AttestationValidatorFactory RegisterQemuTdx(this AttestationValidatorFactory factory, ITdxCollateralSource collateral, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(collateral);
        var verification = new TdxVerificationOptions { CollateralSource = collateral, TimeProvider = timeProvider ?? TimeProvider.System };
        return factory.Register(AttestationVariant.QemuTdx, config => new QemuTdxValidator(config.Measurements, verification));
    }
}
