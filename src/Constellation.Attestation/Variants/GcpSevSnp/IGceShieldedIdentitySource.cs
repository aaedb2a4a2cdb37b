using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Variants.GcpSevSnp;

/// <summary>
/// Looks up a GCE instance's shielded-instance identity (Compute API <c>instances.getShieldedInstanceIdentity</c>)
/// and returns <c>signingKey.ekPub</c>: the PEM "PUBLIC KEY" of the instance's AK.
/// </summary>
/// <remarks>Implementations call the GCE API with the validator's credentials and must be thread-safe.</remarks>
public interface IGceShieldedIdentitySource
{
    /// <summary>Gets the AK public key PEM for an instance.</summary>
    /// <param name="projectId">The project.</param>
    /// <param name="zone">The zone.</param>
    /// <param name="instanceName">The instance.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The PEM text.</returns>
    Task<string> GetSigningKeyPemAsync(string projectId, string zone, string instanceName, CancellationToken cancellationToken);
}
