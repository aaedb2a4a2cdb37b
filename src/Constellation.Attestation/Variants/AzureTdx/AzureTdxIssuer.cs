using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Tpm.Issuers;

namespace Constellation.Attestation.Variants.AzureTdx;

/// <summary>The azure-tdx issuer a definition builds: the vTPM issuer and the IMDS hooks it owns, disposed together.</summary>
internal sealed class AzureTdxIssuer(VtpmIssuer issuer, AzureTdxIssuerHooks hooks) : IAttestationIssuer, IDisposable
{
    public AttestationVariant Variant => issuer.Variant;

    public ValueTask<byte[]> IssueAsync(ReadOnlyMemory<byte> userData, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default) =>
        issuer.IssueAsync(userData, nonce, cancellationToken);

    public void Dispose()
    {
        issuer.Dispose();
        hooks.Dispose();
    }
}
