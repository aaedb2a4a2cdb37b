using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;

namespace Constellation.Cluster.Verification;

/// <summary>
/// Issues attestation documents for remote verifiers: the node's issuer binds the fixed user data
/// <c>VerifyService</c> to the verifier's nonce.
/// </summary>
/// <remarks>Thread-safe if the issuer is.</remarks>
public sealed class VerificationService
{
    /// <summary>The user data every verification-service document binds (ASCII, 13 bytes).</summary>
    public static readonly ReadOnlyMemory<byte> UserData = Encoding.ASCII.GetBytes("VerifyService");

    private readonly IAttestationIssuer _issuer;

    /// <summary>Creates the service.</summary>
    /// <param name="issuer">The node's attestation issuer.</param>
    public VerificationService(IAttestationIssuer issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        _issuer = issuer;
    }

    /// <summary>Gets the variant of the documents this service issues.</summary>
    public AttestationVariant Variant => _issuer.Variant;

    /// <summary>Issues a document for <paramref name="nonce"/>.</summary>
    /// <param name="nonce">The verifier's nonce; must not be empty.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The attestation document.</returns>
    /// <exception cref="ArgumentException">The nonce is empty.</exception>
    public async Task<byte[]> GetAttestationAsync(ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
    {
        if (nonce.IsEmpty)
        {
            throw new ArgumentException("nonce is required to issue attestation", nameof(nonce));
        }

        return await _issuer.IssueAsync(UserData, nonce, cancellationToken).ConfigureAwait(false);
    }
}
