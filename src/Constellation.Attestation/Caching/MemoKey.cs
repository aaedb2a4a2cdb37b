using System;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Constellation.Attestation.Caching;

/// <summary>Builds a memo key: SHA-256 over length-prefixed parts, so different splits of the same bytes never collide.</summary>
internal sealed class MemoKey : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>The key of a single part (e.g. one certificate's DER): its SHA-256, since one part has no split to confuse.</summary>
    /// <param name="part">The bytes.</param>
    /// <returns>The key.</returns>
    public static string Of(ReadOnlySpan<byte> part)
    {
        // One-shot: no digest context is created and freed per call (the SNP verifier keys certificates on every report).
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(part, digest);
        return Convert.ToHexString(digest);
    }

    public MemoKey Add(ReadOnlySpan<byte> part)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, part.Length);
        _hash.AppendData(length);
        _hash.AppendData(part);
        return this;
    }

    public MemoKey Add(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return Add(bytes);
    }

    public string Finish() => Convert.ToHexString(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}
