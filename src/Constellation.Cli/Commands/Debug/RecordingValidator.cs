using System;
using System.Threading;
using System.Threading.Tasks;
using Constellation.Attestation;

namespace Constellation.Cli.Commands.Debug;

/// <summary>
/// The config's validator, remembering whether it accepted the node: a call that fails after the node was attested
/// was refused by the node (debugd cuts off a key it does not authorize right after the handshake), not unreachable.
/// </summary>
/// <remarks>Thread safe.</remarks>
internal sealed class RecordingValidator(IAttestationValidator inner) : IAttestationValidator
{
    private int _accepted;

    public AttestationVariant Variant => inner.Variant;

    /// <summary>Gets whether a node passed validation on this channel.</summary>
    public bool Accepted => Volatile.Read(ref _accepted) != 0;

    public async ValueTask<AttestationValidationResult> ValidateAsync(ReadOnlyMemory<byte> document, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
    {
        var result = await inner.ValidateAsync(document, nonce, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _accepted, 1);
        return result;
    }
}
