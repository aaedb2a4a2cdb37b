using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Variants.Common.Aws;
using Constellation.Attestation.Variants.Common.Vtpm;

namespace Constellation.Attestation.Variants.AwsNitroTpm;

/// <summary>
/// aws-nitro-tpm issuing: go-tpm-tools' RSA AK (cached at <c>0x81008F01</c>, else the owner-hierarchy primary from its
/// template) and, as InstanceInfo, the instance identity document from IMDSv2. Thread-safe when the client is.
/// </summary>
public sealed class AwsNitroTpmIssuerHooks : IVtpmIssuerHooks
{
    private readonly AwsImdsClient _imds;

    /// <summary>Creates the hooks.</summary>
    /// <param name="imds">The IMDSv2 client.</param>
    public AwsNitroTpmIssuerHooks(AwsImdsClient imds)
    {
        ArgumentNullException.ThrowIfNull(imds);
        _imds = imds;
    }

    /// <inheritdoc />
    public ValueTask<VtpmIssuerKey> LoadAttestationKeyAsync(TpmClient tpm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tpm);
        return GoTpmToolsAttestationKey.LoadRsaAsync(tpm, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> GetInstanceInfoAsync(TpmClient tpm, ReadOnlyMemory<byte> extraData, CancellationToken cancellationToken) =>
        await _imds.GetInstanceIdentityDocumentAsync(cancellationToken).ConfigureAwait(false);
}
