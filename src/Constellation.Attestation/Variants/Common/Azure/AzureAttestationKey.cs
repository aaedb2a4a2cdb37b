using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Issuers;
using Constellation.Attestation.Tpm.Issuers.Commands;
using Constellation.Attestation.Variants.Common.Vtpm;

namespace Constellation.Attestation.Variants.Common.Azure;

/// <summary>
/// The attestation key Azure's paravisor (HCL) persists at <c>0x81000003</c> during early boot, which every Azure issuer
/// quotes with (go-tpm-tools <c>LoadCachedKey</c>); it is never created here.
/// </summary>
internal static class AzureAttestationKey
{
    public static async ValueTask<VtpmIssuerKey> LoadAsync(TpmClient tpm, string variant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tpm);
        try
        {
            var key = await tpm.ReadPublicAsync(TpmHandles.AzureAttestationKey, cancellationToken).ConfigureAwait(false);
            return new VtpmIssuerKey(key, ReadOnlyMemory<byte>.Empty, FlushAfterUse: false);
        }
        catch (TpmCommandException ex) when (TpmHandleErrors.IsMissingHandle(ex))
        {
            throw new AttestationException(
                $"{variant} issuing: the TPM holds no key at 0x{TpmHandles.AzureAttestationKey:x8}, where Azure's paravisor persists the attestation key (is this an Azure confidential or Trusted Launch VM?)", ex);
        }
    }
}
