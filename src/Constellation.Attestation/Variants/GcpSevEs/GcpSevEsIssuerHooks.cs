using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Variants.Common.Gcp;

namespace Constellation.Attestation.Variants.GcpSevEs;

/// <summary>
/// gcp-sev-es issuing: the GCE AK (template from NV <c>0x01C10001</c> under the endorsement hierarchy, its certificate
/// from NV <c>0x01C10000</c> when present) and, as InstanceInfo, zone, project and instance name from the GCE metadata
/// server. Thread-safe when the client is.
/// </summary>
public sealed class GcpSevEsIssuerHooks : IVtpmIssuerHooks
{
    private readonly GceMetadataClient _metadata;

    /// <summary>Creates the hooks.</summary>
    /// <param name="metadata">The GCE metadata client.</param>
    public GcpSevEsIssuerHooks(GceMetadataClient metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        _metadata = metadata;
    }

    /// <inheritdoc />
    public ValueTask<VtpmIssuerKey> LoadAttestationKeyAsync(TpmClient tpm, CancellationToken cancellationToken) =>
        GceAttestationKey.LoadRsaAsync(tpm, GcpSevEsVariant.Instance.Variant.Name, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> GetInstanceInfoAsync(TpmClient tpm, ReadOnlyMemory<byte> extraData, CancellationToken cancellationToken) =>
        (await _metadata.GetInstanceInfoAsync(cancellationToken).ConfigureAwait(false)).ToJson();
}
