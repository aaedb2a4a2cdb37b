using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tdx;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Azure;

namespace Constellation.Attestation.Variants.AzureTdx;

/// <summary>
/// azure-tdx (spec tdx.md §3.3): verifies the TD quote from the instance info end to end (PCK chain and CRLs, QE report,
/// TCB info, QE identity, collateral from <see cref="TdxVerificationOptions.CollateralSource"/>) and applies the policy, then
/// binds the AK through the HCL runtime data: <c>SHA-256(RuntimeData) == REPORTDATA[0:32]</c> and <c>keys[0]</c> (RSA JWK) equals the AK.
/// </summary>
/// <remarks>Thread-safe; the quote verifier's remembered chain and collateral checks are shared by all calls.</remarks>
public sealed class AzureTdxHooks : IVtpmVariantHooks
{
    private readonly TdxValidationOptions _policy;
    private readonly TdxQuoteVerifier _verifier;

    /// <summary>Creates the hooks.</summary>
    /// <param name="verification">Trust anchors, required collateral, the clock, and the collateral source (e.g. an
    /// <see cref="IntelPcsClient"/>; see <see cref="AzureTdxPolicy.CreateVerificationOptions"/>); the source is required unless
    /// neither TCB evaluation nor CRLs are.</param>
    /// <param name="policy">The quote policy (see <see cref="AzureTdxPolicy.CreateValidationOptions"/>); REPORTDATA must not be set, the HCL binding checks it.</param>
    public AzureTdxHooks(TdxVerificationOptions verification, TdxValidationOptions policy)
    {
        ArgumentNullException.ThrowIfNull(verification);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.ReportData is not null)
        {
            throw new ArgumentException("azure-tdx binds REPORTDATA to the HCL runtime data; the policy must not fix it", nameof(policy));
        }

        if (verification.CollateralSource is null && verification.RequiresCollateral)
        {
            throw new ArgumentException("azure-tdx verification requires collateral but no collateral source is set", nameof(verification));
        }

        _policy = policy;
        _verifier = new TdxQuoteVerifier(verification);
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> GetTrustedAttestationKeyAsync(VtpmAttestationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var info = AzureTdxInstanceInfo.Parse(context.InstanceInfo.Span);
        var quote = TdxQuote.Parse(info.AttestationReport.Span);
        if (quote.Version != 4)
        {
            throw new AttestationFormatException($"azure-tdx quote version expected 4, got {quote.Version}");
        }

        var verification = await _verifier.VerifyAsync(quote, cancellationToken).ConfigureAwait(false);
        var validation = TdxQuoteValidator.Validate(verification, _policy).ThrowIfInvalid();
        foreach (var warning in validation.Warnings)
        {
            context.AddWarning(warning);
        }

        HclAttestationKeyBinding.Verify(info.RuntimeData.Span, quote.Body.ReportData, "REPORTDATA[0:32]", context.AkSubjectPublicKeyInfo.Span);
        return context.AkSubjectPublicKeyInfo;
    }

    /// <inheritdoc />
    public ValueTask CheckConfidentialVmAsync(VtpmAttestationContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
