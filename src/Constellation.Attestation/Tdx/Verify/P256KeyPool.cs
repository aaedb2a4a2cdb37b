using System;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Constellation.Attestation.Tdx.Verify;

/// <summary>
/// Reuses imported attestation keys across quote verifications. Importing a P-256 point into the platform crypto validates
/// it (on the curve, right order), which costs more than a signature verification, while a platform's quoting enclave
/// signs every quote with the same key. Keys are found by their exact 64 x‖y bytes only, and each imported object is lent
/// to one caller at a time (platform key objects are not documented as thread-safe). Thread-safe; bounded; dropped keys
/// release their native handles through their SafeHandles.
/// </summary>
internal sealed class P256KeyPool
{
    private const int MaxKeys = 256;
    private readonly ConcurrentDictionary<KeyId, ConcurrentBag<ECDsa>> pool = new();

    /// <summary>Verifies <paramref name="signature"/> over <paramref name="data"/> with the raw key <paramref name="xy"/>.</summary>
    /// <exception cref="AttestationFormatException">The bytes are not a valid P-256 point (never pooled).</exception>
    public bool Verify(ReadOnlySpan<byte> xy, string what, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (xy.Length != 64)
        {
            throw new AttestationFormatException($"{what}: expected 64 bytes (x‖y), got {xy.Length}");
        }

        var id = new KeyId(xy);
        if (!pool.TryGetValue(id, out var bag))
        {
            if (pool.Count >= MaxKeys)
            {
                // Many distinct keys: start over rather than grow without bound; lent keys are simply dropped later.
                Clear();
            }

            bag = pool.GetOrAdd(id, _ => []);
        }

        var key = bag.TryTake(out var pooled) ? pooled : P256.ImportKey(xy, what);
        try
        {
            return P256.Verify(key, data, signature);
        }
        finally
        {
            bag.Add(key);
        }
    }

    private void Clear()
    {
        foreach (var bag in pool.Values)
        {
            while (bag.TryTake(out var old))
            {
                old.Dispose();
            }
        }

        pool.Clear();
    }

    /// <summary>The exact 64 key bytes as a value, so lookups allocate nothing.</summary>
    private readonly record struct KeyId(UInt128 X0, UInt128 X1, UInt128 Y0, UInt128 Y1)
    {
        public KeyId(ReadOnlySpan<byte> xy)
            : this(BinaryPrimitives.ReadUInt128LittleEndian(xy), BinaryPrimitives.ReadUInt128LittleEndian(xy[16..]),
                BinaryPrimitives.ReadUInt128LittleEndian(xy[32..]), BinaryPrimitives.ReadUInt128LittleEndian(xy[48..]))
        {
        }
    }
}
