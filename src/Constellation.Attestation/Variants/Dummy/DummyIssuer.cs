using System;
using System.Threading;
using System.Threading.Tasks;

namespace Constellation.Attestation.Variants.Dummy;

/// <summary>
/// Issues <c>dummy</c> documents: user data and nonce in JSON, with no hardware evidence at all.
/// For tests and local development only; a validator that accepts it trusts anyone.
/// </summary>
/// <remarks>Stateless and safe to use concurrently.</remarks>
public sealed class DummyIssuer : IAttestationIssuer
{
    /// <inheritdoc />
    public AttestationVariant Variant => AttestationVariant.Dummy;

    /// <inheritdoc />
    public ValueTask<byte[]> IssueAsync(ReadOnlyMemory<byte> userData, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(new DummyDocument(userData.Span, nonce.Span).ToJsonBytes());
    }
}
