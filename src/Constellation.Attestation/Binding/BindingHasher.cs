using System;
using System.Security.Cryptography;
using System.Threading;

namespace Constellation.Attestation.Binding;

/// <summary>
/// <see cref="ExtraData"/>'s hashes for a validator that computes them on every call: keeps one OpenSSL digest context
/// for reuse, since a one-shot hash allocates and frees a context per call, which costs more than hashing the 64 bytes.
/// </summary>
/// <remarks>
/// Thread-safe: a caller takes the spare context or, when another thread holds it, makes its own; a context is put
/// back only after a complete hash, so no partial state is ever reused.
/// </remarks>
internal sealed class BindingHasher
{
    private IncrementalHash? _spare;

    /// <summary>Computes <c>extraData = SHA-256(userData ‖ nonce)</c>, as <see cref="ExtraData.Compute"/>.</summary>
    public byte[] ExtraData(ReadOnlySpan<byte> userData, ReadOnlySpan<byte> nonce) => Hash(userData, nonce);

    /// <summary>Computes <c>tpmNonce = SHA-256(instanceInfo ‖ extraData)</c>, as <see cref="Binding.ExtraData.TpmNonce"/>.</summary>
    public byte[] TpmNonce(ReadOnlySpan<byte> instanceInfo, ReadOnlySpan<byte> extraData) => Hash(instanceInfo, extraData);

    private byte[] Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var hash = Interlocked.Exchange(ref _spare, null) ?? IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var digest = new byte[Binding.ExtraData.Size];
        try
        {
            Binding.ExtraData.Hash(hash, first, second, digest);
        }
        catch
        {
            hash.Dispose();
            throw;
        }

        if (Interlocked.CompareExchange(ref _spare, hash, null) is not null)
        {
            hash.Dispose();
        }

        return digest;
    }
}
