using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Binding;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Snp;

namespace Constellation.Attestation.Variants.GcpSevSnp;

/// <summary>
/// gcp-sev-snp: the SNP report (VCEK chain) must carry <c>extraData ‖ 32 zero bytes</c> as REPORT_DATA, and the
/// trusted AK is the GCE shielded-instance identity's <c>ekPub</c> for the instance named in InstanceInfo.
/// </summary>
/// <remarks>Thread-safe when the identity source is.</remarks>
public sealed class GcpSevSnpHooks : IVtpmVariantHooks
{
    private readonly SnpVariantOptions _options;
    private readonly SnpEvidenceChecker _checker;
    private readonly IGceShieldedIdentitySource _identity;

    /// <summary>Creates the hooks.</summary>
    /// <param name="options">The shared SNP configuration.</param>
    /// <param name="identity">The GCE identity lookup.</param>
    public GcpSevSnpHooks(SnpVariantOptions options, IGceShieldedIdentitySource identity)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(identity);
        _options = options;
        _checker = new SnpEvidenceChecker(options);
        _identity = identity;
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> GetTrustedAttestationKeyAsync(VtpmAttestationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var info = SnpInstanceInfo.Parse(context.InstanceInfo.Span);
        var expectedReportData = ExtraData.ReportData(context.ExtraData.Span);
        var policy = new SnpValidationOptions
        {
            PermitProvisionalFirmware = true,
            MinimumLaunchTcb = _options.MinimumTcb,
            ReportData = expectedReportData,
        };
        await _checker.VerifyAndValidateAsync(info, policy, cancellationToken).ConfigureAwait(false);

        if (string.IsNullOrEmpty(info.GcpProjectId) || string.IsNullOrEmpty(info.GcpZone) || string.IsNullOrEmpty(info.GcpInstanceName))
        {
            throw new AttestationFormatException("gcp-sev-snp instance info lacks GCP project_id, zone or instance_name");
        }

        var pem = await _identity.GetSigningKeyPemAsync(info.GcpProjectId, info.GcpZone, info.GcpInstanceName, cancellationToken).ConfigureAwait(false);
        try
        {
            using var key = RSA.Create();
            key.ImportFromPem(pem);
            return key.ExportSubjectPublicKeyInfo();
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new AttestationTrustException($"the GCE shielded identity signing key for {info.GcpInstanceName} is not an RSA public key PEM", ex);
        }
    }

    /// <inheritdoc />
    public ValueTask CheckConfidentialVmAsync(VtpmAttestationContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
