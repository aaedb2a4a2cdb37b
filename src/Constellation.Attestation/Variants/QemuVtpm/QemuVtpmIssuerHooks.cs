using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Variants.QemuVtpm;

/// <summary>
/// qemu-vtpm issuing: the go-tpm-tools RSA AK template as a primary key of the owner hierarchy (deterministic for
/// one TPM, so every issue uses the same AK), no AK certificate, no instance info.
/// </summary>
/// <remarks>Upstream additionally persists the key at 0x81008F01; this issuer recreates it and flushes it after use.</remarks>
public sealed class QemuVtpmIssuerHooks : IVtpmIssuerHooks
{
    /// <inheritdoc />
    public async ValueTask<VtpmIssuerKey> LoadAttestationKeyAsync(TpmClient tpm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tpm);
        var key = await tpm.CreatePrimaryAsync(TpmHandles.Owner, TpmPublic.RsaAttestationKeyTemplate(), cancellationToken).ConfigureAwait(false);
        return new VtpmIssuerKey(key, ReadOnlyMemory<byte>.Empty, FlushAfterUse: true);
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>> GetInstanceInfoAsync(TpmClient tpm, ReadOnlyMemory<byte> extraData, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);
}
