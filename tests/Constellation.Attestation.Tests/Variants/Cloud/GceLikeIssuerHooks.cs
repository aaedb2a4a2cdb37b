using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Tpm.WireFormat;
using Constellation.Attestation.Variants.Common.Gcp;

namespace Constellation.Attestation.Tests.Variants.Cloud;

/// <summary>The qemu AK with GCE instance info, as a GCE issuer would send it.</summary>
internal sealed class GceLikeIssuerHooks(GceInstanceInfo instance) : IVtpmIssuerHooks
{
    public async ValueTask<VtpmIssuerKey> LoadAttestationKeyAsync(TpmClient tpm, CancellationToken cancellationToken) =>
        new(await tpm.CreatePrimaryAsync(TpmHandles.Endorsement, TpmPublic.RsaAttestationKeyTemplate(), cancellationToken), ReadOnlyMemory<byte>.Empty, true);

    public ValueTask<ReadOnlyMemory<byte>> GetInstanceInfoAsync(TpmClient tpm, ReadOnlyMemory<byte> extraData, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ReadOnlyMemory<byte>>(instance.ToJson());
}
