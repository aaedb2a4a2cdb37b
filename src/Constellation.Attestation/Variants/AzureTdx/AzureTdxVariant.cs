using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tdx;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Transport;
using Constellation.Attestation.Tpm.Validate;

namespace Constellation.Attestation.Variants.AzureTdx;

/// <summary>Factory for the <c>azure-tdx</c> validator and issuer: the vTPM validator/issuer composed with the TDX and HCL pieces.</summary>
public static class AzureTdxVariant
{
    /// <summary>Creates an azure-tdx validator from an <c>azureTDX</c> config.</summary>
    /// <param name="config">The config (measurements, SVN minimums, QE vendor ID, MRSEAM, XFAM, Intel root).</param>
    /// <param name="collateral">Where TCB info, QE identity and CRLs come from (e.g. <see cref="IntelPcsClient"/>).</param>
    /// <param name="timeProvider">The clock (default system).</param>
    /// <returns>The validator.</returns>
    /// <exception cref="AttestationFormatException">The config still holds "latest" values.</exception>
    public static VtpmValidator CreateValidator(AzureTdxAttestationConfig config, ITdxCollateralSource collateral, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(collateral);
        return CreateValidator(config.Measurements, AzureTdxPolicy.CreateVerificationOptions(config, collateral, timeProvider), AzureTdxPolicy.CreateValidationOptions(config));
    }

    /// <summary>Creates an azure-tdx validator from quote verification and validation options.</summary>
    /// <param name="measurements">The expected SHA-256 PCR values.</param>
    /// <param name="verification">Trust anchors, required collateral, the clock and the collateral source.</param>
    /// <param name="policy">The quote policy (REPORTDATA unset).</param>
    /// <returns>The validator.</returns>
    public static VtpmValidator CreateValidator(MeasurementSet measurements, TdxVerificationOptions verification, TdxValidationOptions policy) =>
        new(AttestationVariant.AzureTdx, new AzureTdxHooks(verification, policy), measurements);

    /// <summary>Creates an azure-tdx issuer.</summary>
    /// <param name="openTpm">Opens a transport to the vTPM (one per issue).</param>
    /// <param name="hooks">The azure-tdx issuer hooks (IMDS address and HTTP client); the caller disposes them.</param>
    /// <param name="options">vTPM issuer options (event log), or <see langword="null"/> for defaults.</param>
    /// <returns>The issuer.</returns>
    public static VtpmIssuer CreateIssuer(Func<CancellationToken, ValueTask<ITpmTransport>> openTpm, AzureTdxIssuerHooks hooks, VtpmIssuerOptions? options = null) =>
        new(AttestationVariant.AzureTdx, openTpm, hooks, options);
}
