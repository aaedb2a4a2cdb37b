using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Validate;

namespace Constellation.Attestation.Variants.QemuVtpm;

/// <summary>
/// qemu-vtpm validation hooks: no AK trust (the document's own AK is accepted, as upstream does) and no CVM check.
/// Use only where the host is trusted (local development, OpenStack/STACKIT as upstream does).
/// </summary>
public sealed class QemuVtpmHooks : IVtpmVariantHooks
{
    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>> GetTrustedAttestationKeyAsync(VtpmAttestationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(context.AkSubjectPublicKeyInfo);
    }

    /// <inheritdoc />
    public ValueTask CheckConfidentialVmAsync(VtpmAttestationContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
