using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Constellation.Attestation.Caching;

/// <summary>
/// Reuses imported public keys across verifications. Importing a key into the platform crypto validates it (on the
/// curve, right order, RSA structure), which costs more than a signature verification, while a platform signs every
/// report or quote with the same few keys. Keys are found by the exact bytes they were imported from (a raw point, a
/// TPMT_PUBLIC, a certificate), and each imported object is lent to one caller at a time (platform key objects are not
/// documented as thread-safe).
/// </summary>
/// <remarks>
/// Thread-safe; bounded: past <c>capacity</c> distinct keys it starts over rather than grow, disposing what it holds
/// (keys lent out at that moment are dropped when given back, releasing their native handles through their SafeHandles).
/// A lookup allocates nothing; a failed import pools nothing.
/// </remarks>
/// <typeparam name="TKey">The imported key type (<see cref="ECDsa"/>, <see cref="RSA"/>, or <see cref="AsymmetricAlgorithm"/> for either).</typeparam>
internal sealed class KeyPool<TKey>
    where TKey : AsymmetricAlgorithm
{
    private readonly int _capacity;
    private readonly ConcurrentDictionary<byte[], ConcurrentBag<TKey>> _pool = new(ByteKeyComparer.Instance);

    /// <summary>Creates an empty pool.</summary>
    /// <param name="capacity">How many distinct keys to hold before starting over.</param>
    public KeyPool(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    /// <summary>Imports a key from the bytes (and state) given to <see cref="Rent{TState}"/>.</summary>
    /// <typeparam name="TState">What the import needs besides the bytes.</typeparam>
    /// <param name="id">The exact bytes the key is found by.</param>
    /// <param name="state">The caller's state.</param>
    /// <returns>The imported key.</returns>
    public delegate TKey Import<in TState>(ReadOnlySpan<byte> id, TState state);

    /// <summary>Lends the key imported from <paramref name="id"/>, importing it on first use; dispose the lease to give it back.</summary>
    /// <typeparam name="TState">What <paramref name="import"/> needs besides the bytes.</typeparam>
    /// <param name="id">The exact bytes that identify the key (compared byte for byte, never by a digest).</param>
    /// <param name="state">Passed to <paramref name="import"/>.</param>
    /// <param name="import">Imports the key when none is free; exceptions propagate and nothing is pooled. Pass a static lambda.</param>
    /// <returns>The lease.</returns>
    public Lease Rent<TState>(ReadOnlySpan<byte> id, TState state, Import<TState> import)
    {
        if (!_pool.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(id, out var shelf))
        {
            if (_pool.Count >= _capacity)
            {
                Clear();
            }

            shelf = _pool.GetOrAdd(id.ToArray(), static _ => []);
        }

        return new Lease(shelf, shelf.TryTake(out var pooled) ? pooled : import(id, state));
    }

    private void Clear()
    {
        foreach (var shelf in _pool.Values)
        {
            while (shelf.TryTake(out var old))
            {
                old.Dispose();
            }
        }

        _pool.Clear();
    }

    /// <summary>A key lent by <see cref="Rent{TState}"/>; disposing gives it back (use it with <c>using</c>, once).</summary>
    internal readonly struct Lease : IDisposable
    {
        private readonly ConcurrentBag<TKey> _shelf;

        internal Lease(ConcurrentBag<TKey> shelf, TKey key)
        {
            _shelf = shelf;
            Key = key;
        }

        /// <summary>Gets the lent key; do not keep it beyond the lease.</summary>
        public TKey Key { get; }

        /// <summary>Gives the key back.</summary>
        public void Dispose() => _shelf.Add(Key);
    }
}
