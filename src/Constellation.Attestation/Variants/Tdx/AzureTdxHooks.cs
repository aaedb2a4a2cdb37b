using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tdx;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Azure.Hcl;

namespace Constellation.Attestation.Variants.Tdx;

/// <summary>
/// azure-tdx (spec tdx.md §3.3): verifies the TD quote from the instance info end to end (PCK chain and CRLs, QE report,
/// TCB info, QE identity, collateral from <see cref="ITdxCollateralSource"/>) and applies the policy, then binds the AK
/// through the HCL runtime data: <c>SHA-256(RuntimeData) == REPORTDATA[0:32]</c> and <c>keys[0]</c> (RSA JWK) equals the AK.
/// </summary>
/// <remarks>Thread-safe; the quote verifier's remembered chain and collateral checks are shared by all calls.</remarks>
public sealed class AzureTdxHooks : IVtpmVariantHooks
{
    private readonly ITdxCollateralSource collateral;
    private readonly TdxQuotePolicy policy;
    private readonly TdxQuoteVerifier verifier;
    private readonly TimeProvider time;

    /// <summary>Creates the hooks.</summary>
    /// <param name="collateral">Where TCB info, QE identity and CRLs come from (e.g. <see cref="IntelPcsClient"/>).</param>
    /// <param name="policy">The quote policy (see <see cref="AzureTdxPolicy.CreatePolicy"/>); REPORTDATA must not be set, the HCL binding checks it.</param>
    /// <param name="options">Trust anchors (default Intel SGX Root CA).</param>
    /// <param name="timeProvider">The clock (default system).</param>
    public AzureTdxHooks(ITdxCollateralSource collateral, TdxQuotePolicy policy, TdxVerifierOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(collateral);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.ReportData is not null)
        {
            throw new ArgumentException("azure-tdx binds REPORTDATA to the HCL runtime data; the policy must not fix it", nameof(policy));
        }

        this.collateral = collateral;
        this.policy = policy;
        verifier = new TdxQuoteVerifier(options ?? new TdxVerifierOptions());
        time = timeProvider ?? TimeProvider.System;
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

        var verification = await verifier.VerifyAsync(quote, collateral, policy, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        foreach (var warning in verification.Warnings)
        {
            context.AddWarning(warning);
        }

        HclAttestationKeyBinding.Verify(info.RuntimeData.Span, quote.Body.ReportData, "REPORTDATA[0:32]", context.AkSubjectPublicKeyInfo.Span);
        return context.AkSubjectPublicKeyInfo;
    }

    /// <inheritdoc />
    public ValueTask CheckConfidentialVmAsync(VtpmAttestationContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
