using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Variants.Dummy;

/// <summary>
/// Validates <c>dummy</c> documents: the nonce must match byte for byte; nothing else is checked.
/// For tests and local development only.
/// </summary>
/// <remarks>Stateless and safe to use concurrently.</remarks>
public sealed class DummyValidator : IAttestationValidator
{
    /// <inheritdoc />
    public AttestationVariant Variant => AttestationVariant.Dummy;

    /// <inheritdoc />
    /// <exception cref="AttestationFormatException">The document is not a dummy document.</exception>
    /// <exception cref="AttestationBindingException">The document's nonce is not <paramref name="nonce"/>.</exception>
    public ValueTask<AttestationValidationResult> ValidateAsync(ReadOnlyMemory<byte> document, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var parsed = DummyDocument.Parse(document.Span);
        if (!CryptographicOperations.FixedTimeEquals(parsed.Nonce.Span, nonce.Span))
        {
            throw new AttestationBindingException(
                "nonce", Convert.ToHexStringLower(nonce.Span), Convert.ToHexStringLower(parsed.Nonce.Span));
        }

        return ValueTask.FromResult(new AttestationValidationResult(Variant, parsed.UserData.Span));
    }
}
