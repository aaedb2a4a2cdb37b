using System;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation;

/// <summary>
/// Checks an attestation document against the verifier's nonce and policy and returns the user data it binds.
/// </summary>
/// <remarks>
/// A returned result means the document is trusted under the validator's policy; every failure is an
/// <see cref="AttestationException"/> subclass. Implementations are safe to call concurrently.
/// </remarks>
public interface IAttestationValidator
{
    /// <summary>Gets the variant whose documents this validator accepts.</summary>
    AttestationVariant Variant { get; }

    /// <summary>Validates an attestation document.</summary>
    /// <param name="document">The document bytes, as produced by the variant's issuer.</param>
    /// <param name="nonce">The nonce this verifier sent; the document must be bound to it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The user data bound by the document, warnings and the measurements seen.</returns>
    /// <exception cref="AttestationException">The document is malformed, not authentic, not bound to the nonce, or violates policy.</exception>
    ValueTask<AttestationValidationResult> ValidateAsync(ReadOnlyMemory<byte> document, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default);
}
