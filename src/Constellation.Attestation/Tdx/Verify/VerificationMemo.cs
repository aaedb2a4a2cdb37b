using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Constellation.Attestation.Tdx.Verify;

/// <summary>
/// Remembers verifications that are pure functions of their input bytes and the verification time: for a given key
/// (a SHA-256 over every input byte) a success holds for every time inside the window the inputs are valid in. Only
/// successes are stored. Bounded; thread-safe.
/// </summary>
internal sealed class VerificationMemo<T>
    where T : class
{
    private const int Capacity = 1024;
    private readonly ConcurrentDictionary<string, (T Value, DateTimeOffset From, DateTimeOffset Until)> entries = new(StringComparer.Ordinal);

    public bool TryGet(string key, DateTimeOffset at, out T? value)
    {
        if (entries.TryGetValue(key, out var e) && at >= e.From && at <= e.Until)
        {
            value = e.Value;
            return true;
        }

        value = null;
        return false;
    }

    public void Add(string key, T value, DateTimeOffset from, DateTimeOffset until)
    {
        if (entries.Count >= Capacity)
        {
            entries.Clear();
        }

        entries[key] = (value, from, until);
    }
}

/// <summary>Builds a memo key: SHA-256 over length-prefixed parts, so different splits of the same bytes never collide.</summary>
internal sealed class MemoKey : IDisposable
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public MemoKey Add(ReadOnlySpan<byte> part)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, part.Length);
        hash.AppendData(length);
        hash.AppendData(part);
        return this;
    }

    public MemoKey Add(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return Add(bytes);
    }

    public string Finish() => Convert.ToHexString(hash.GetHashAndReset());

    public void Dispose() => hash.Dispose();
}
