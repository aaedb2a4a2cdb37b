using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Snp;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Variants.AwsSevSnp;

/// <summary>
/// aws-sev-snp: the AK is trusted because the VLEK-signed SNP report's REPORT_DATA is SHA-512 of the AK's DER
/// SubjectPublicKeyInfo (spec variants.md §2).
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class AwsSevSnpHooks : IVtpmVariantHooks
{
    private readonly SnpVariantOptions _options;
    private readonly SnpEvidenceChecker _checker;

    /// <summary>Creates the hooks.</summary>
    /// <param name="options">The variant configuration.</param>
    public AwsSevSnpHooks(SnpVariantOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _checker = new SnpEvidenceChecker(options);
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> GetTrustedAttestationKeyAsync(VtpmAttestationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var info = SnpInstanceInfo.Parse(context.InstanceInfo.Span);
        var policy = new SnpValidationOptions
        {
            PermitProvisionalFirmware = true,
            MinimumLaunchTcb = _options.MinimumTcb,
            ReportData = SHA512.HashData(context.AkSubjectPublicKeyInfo.Span),
        };
        await _checker.VerifyAndValidateAsync(info, policy, cancellationToken).ConfigureAwait(false);
        return context.AkSubjectPublicKeyInfo;
    }

    /// <inheritdoc />
    public ValueTask CheckConfidentialVmAsync(VtpmAttestationContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
