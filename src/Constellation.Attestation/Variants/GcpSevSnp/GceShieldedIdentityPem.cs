using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation.Variants.Common.Gcp;

namespace Constellation.Attestation.Variants.GcpSevSnp;

/// <summary>The gcp-sev-snp identity lookup over the Compute API client gcp-sev-es uses: the same <c>signingKey.ekPub</c>, as PEM.</summary>
internal sealed class GceShieldedIdentityPem(IGceShieldedIdentityClient client) : IGceShieldedIdentitySource
{
    public async Task<string> GetSigningKeyPemAsync(string projectId, string zone, string instanceName, CancellationToken cancellationToken)
    {
        var key = await client.GetSigningKeyAsync(new GceInstanceInfo(zone, projectId, instanceName), cancellationToken).ConfigureAwait(false);
        return PemEncoding.WriteString("PUBLIC KEY", key.Span);
    }
}
