using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Issuers.Commands;

namespace Constellation.Attestation.Variants.AzureSevSnp;

/// <summary>
/// Obtains a Microsoft Azure Attestation token for an azure-sev-snp issue (upstream: go-azguestattestation's
/// <c>GetEncryptedToken</c> and <c>DecryptToken</c>, which need a PCR-bound TPM encryption key). The library ships no
/// implementation; without one an issuer on a VM whose <c>constellation-maa-url</c> tag is set refuses to issue.
/// </summary>
public interface IMaaTokenSource
{
    /// <summary>Creates a token whose <c>x-ms-runtime.client-payload.nonce</c> is <paramref name="extraData"/>.</summary>
    /// <param name="maaUrl">The MAA instance (from the VM tag).</param>
    /// <param name="extraData"><c>SHA-256(userData ‖ nonce)</c>.</param>
    /// <param name="tpm">The open vTPM.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The JWT.</returns>
    Task<string> CreateTokenAsync(Uri maaUrl, ReadOnlyMemory<byte> extraData, TpmClient tpm, CancellationToken cancellationToken);
}
