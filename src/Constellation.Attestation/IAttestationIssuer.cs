using System;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation;

/// <summary>
/// Produces attestation documents that bind caller-chosen user data to a verifier's nonce.
/// </summary>
/// <remarks>
/// The document format is the variant's (see <see cref="Variant"/>); its bytes are what aTLS places in
/// the certificate extension named by <see cref="AttestationVariant.Oid"/>. Implementations are safe to
/// call concurrently unless they say otherwise.
/// </remarks>
public interface IAttestationIssuer
{
    /// <summary>Gets the variant whose documents this issuer produces.</summary>
    AttestationVariant Variant { get; }

    /// <summary>Issues an attestation document.</summary>
    /// <param name="userData">Data to bind into the document, e.g. the SHA-256 of an aTLS certificate's public key.</param>
    /// <param name="nonce">The verifier's nonce that makes the document fresh.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The document bytes.</returns>
    /// <exception cref="AttestationException">The evidence could not be produced.</exception>
    ValueTask<byte[]> IssueAsync(ReadOnlyMemory<byte> userData, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default);
}
