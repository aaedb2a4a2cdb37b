using System;
using System.Security.Cryptography;
using System.Threading;

namespace Constellation.Attestation.Tpm.Validate;

/// <summary>
/// SHA-256 of two concatenated inputs, for the nonce binding (<c>extraData</c> and the TPM nonce). Keeps one OpenSSL
/// digest context for reuse: a one-shot hash allocates and frees a context per call, which costs more than hashing
/// the 64 bytes.
/// </summary>
/// <remarks>
/// Thread-safe: a caller takes the spare context or, when another thread holds it, makes its own; a context is put
/// back only after a complete hash, so no partial state is ever reused.
/// </remarks>
internal sealed class NonceHasher
{
    private IncrementalHash? _spare;

    public byte[] Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var hash = Interlocked.Exchange(ref _spare, null) ?? IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] digest;
        try
        {
            hash.AppendData(first);
            hash.AppendData(second);
            digest = hash.GetHashAndReset();
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
