using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Snp;
using Constellation.Attestation.Snp.Validate;
using Constellation.Attestation.Snp.WireFormat;
using Constellation.Attestation.Tpm.Validate;
using Constellation.Attestation.Variants.Common.Azure;
using Constellation.Attestation.Variants.Common.Snp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Constellation.Attestation.Variants.AzureSevSnp;

/// <summary>
/// azure-sev-snp: verifies and validates the SNP report (minimum TCB also on REPORTED_TCB), enforces the ID key
/// digest policy (equal / maaFallback / warnOnly), then binds the AK through the HCL runtime data:
/// <c>SHA-256(RuntimeData) == REPORT_DATA[0:32]</c> and <c>keys[0]</c> (RSA JWK) equals the AK.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class AzureSevSnpHooks : IVtpmVariantHooks
{
    private static readonly Action<ILogger, string, string, Exception?> WarnIdKeyDigest = LoggerMessage.Define<string, string>(
        LogLevel.Warning, new EventId(1, "IdKeyDigestNotAccepted"), "ID_KEY_DIGEST {Digest} is not one of the accepted digests {Accepted}; accepted because enforcementPolicy is warnOnly");

    private readonly SnpVariantOptions _options;
    private readonly SnpEvidenceChecker _checker;
    private readonly IReadOnlyList<ReadOnlyMemory<byte>> _acceptedDigests;
    private readonly EnforcementPolicy _enforcement;
    private readonly MaaTokenValidator? _maa;
    private readonly Uri? _maaUrl;
    private readonly ILogger _logger;

    /// <summary>Creates the hooks.</summary>
    /// <param name="options">The shared SNP configuration.</param>
    /// <param name="acceptedKeyDigests">The accepted ID key digests (48 bytes each).</param>
    /// <param name="enforcement">The enforcement policy.</param>
    /// <param name="maa">The MAA token validator (needed for <see cref="EnforcementPolicy.MaaFallback"/>).</param>
    /// <param name="maaUrl">The MAA URL (injected at runtime, as upstream).</param>
    /// <param name="logger">Receives the warn-only warning.</param>
    public AzureSevSnpHooks(SnpVariantOptions options, IEnumerable<ReadOnlyMemory<byte>> acceptedKeyDigests, EnforcementPolicy enforcement, MaaTokenValidator? maa = null, Uri? maaUrl = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(acceptedKeyDigests);
        _options = options;
        _checker = new SnpEvidenceChecker(options);
        _acceptedDigests = acceptedKeyDigests.ToArray();
        _enforcement = enforcement;
        _maa = maa;
        _maaUrl = maaUrl;
        _logger = logger ?? NullLogger.Instance;
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
            MinimumTcb = _options.MinimumTcb,
            RequireIdBlock = _enforcement == EnforcementPolicy.Equal,
            TrustedIdKeyDigests = _enforcement == EnforcementPolicy.Equal ? _acceptedDigests : [],
        };
        var report = await _checker.VerifyAndValidateAsync(info, policy, cancellationToken).ConfigureAwait(false);
        await EnforceIdKeyDigestAsync(report, info, context.ExtraData, cancellationToken).ConfigureAwait(false);

        var runtimeData = info.AzureRuntimeData ?? throw new AttestationFormatException("azure-sev-snp instance info lacks Azure.RuntimeData");
        HclAttestationKeyBinding.Verify(runtimeData.Span, report.ReportData, "REPORT_DATA[0:32]", context.AkSubjectPublicKeyInfo.Span);
        return context.AkSubjectPublicKeyInfo;
    }

    /// <inheritdoc />
    public ValueTask CheckConfidentialVmAsync(VtpmAttestationContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    private async Task EnforceIdKeyDigestAsync(SnpReport report, SnpInstanceInfo info, ReadOnlyMemory<byte> extraData, CancellationToken cancellationToken)
    {
        var digest = report.IdKeyDigest;
        foreach (var accepted in _acceptedDigests)
        {
            if (accepted.Span.SequenceEqual(digest))
            {
                return;
            }
        }

        var accepted48 = "[" + string.Join(", ", _acceptedDigests.Select(d => Convert.ToHexStringLower(d.Span))) + "]";
        switch (_enforcement)
        {
            case EnforcementPolicy.WarnOnly:
                WarnIdKeyDigest(_logger, Convert.ToHexStringLower(digest), accepted48, null);
                return;
            case EnforcementPolicy.MaaFallback:
                if (_maa is null)
                {
                    throw new AttestationPolicyException([new PolicyViolation("id_key_digest", "one of " + accepted48 + " or a valid MAA token", Convert.ToHexStringLower(digest) + " (no MAA validator configured)")]);
                }

                await _maa.ValidateAsync(info.AzureMaaToken ?? string.Empty, _maaUrl, extraData, cancellationToken).ConfigureAwait(false);
                return;
            default:
                throw new AttestationPolicyException([new PolicyViolation("id_key_digest", "one of " + accepted48, Convert.ToHexStringLower(digest))]);
        }
    }
}
