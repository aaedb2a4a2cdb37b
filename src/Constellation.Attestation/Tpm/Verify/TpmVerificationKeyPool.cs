using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Security.Cryptography;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Attestation.Tpm.Verify;

/// <summary>
/// Reuses imported AK public keys across validations: importing a key into OpenSSL costs several signature
/// verifications, and the same few AKs are validated over and over. Keys are keyed by the exact TPMT_PUBLIC bytes
/// and lent to one caller at a time (platform key objects are not documented as thread-safe). Thread-safe; bounded.
/// </summary>
internal sealed class TpmVerificationKeyPool
{
    private const int MaxKeys = 64;
    private readonly ConcurrentDictionary<byte[], ConcurrentBag<AsymmetricAlgorithm>> _pool = new(ByteContentComparer.Instance);

    /// <summary>Lends an imported key for <paramref name="key"/>; give it back with <see cref="Return"/> on the returned shelf.</summary>
    public AsymmetricAlgorithm Rent(TpmPublic key, out ConcurrentBag<AsymmetricAlgorithm> shelf)
    {
        // Looked up by the exact public-area bytes, without materialising a key string per verification.
        if (!_pool.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key.RawBytes.Span, out var bag))
        {
            if (_pool.Count >= MaxKeys)
            {
                // Many distinct AKs: start over rather than grow without bound; lent keys are simply dropped later.
                foreach (var entry in _pool.Values)
                {
                    while (entry.TryTake(out var old))
                    {
                        old.Dispose();
                    }
                }

                _pool.Clear();
            }

            bag = _pool.GetOrAdd(key.RawBytes.ToArray(), _ => []);
        }

        shelf = bag;
        return bag.TryTake(out var pooled) ? pooled : Import(key);
    }

    /// <summary>Takes back a key lent by <see cref="Rent"/>.</summary>
    public static void Return(ConcurrentBag<AsymmetricAlgorithm> shelf, AsymmetricAlgorithm imported) => shelf.Add(imported);

    private static AsymmetricAlgorithm Import(TpmPublic key) => key.Type == TpmAlgorithm.Rsa ? key.CreateRsa() : key.CreateEcdsa();

    private sealed class ByteContentComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteContentComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
