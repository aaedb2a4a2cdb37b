using System;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Variants.Common.Gcp;

/// <summary>Fetches the AK GCE vouches for: <c>instances.getShieldedInstanceIdentity</c> → <c>signingKey.ekPub</c>.</summary>
public interface IGceShieldedIdentityClient
{
    /// <summary>Returns the instance's signing key (the vTPM AK) as DER SubjectPublicKeyInfo.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The DER key.</returns>
    /// <exception cref="CollateralUnavailableException">The Compute API could not be reached or refused.</exception>
    /// <exception cref="AttestationFormatException">The response is malformed.</exception>
    ValueTask<ReadOnlyMemory<byte>> GetSigningKeyAsync(GceInstanceInfo instance, CancellationToken cancellationToken);
}
