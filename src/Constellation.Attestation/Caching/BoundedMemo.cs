using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace Constellation.Attestation.Caching;

/// <summary>
/// Remembers results by key, up to a capacity: past it, the memo starts over rather than grow (an attacker presenting
/// ever new inputs costs recomputation, never memory). Only what callers <see cref="Add"/> is kept — by convention
/// successes, so a failure is always computed again.
/// </summary>
/// <remarks>Thread-safe. Keys must identify the whole input (exact bytes or a collision-resistant digest of them).</remarks>
/// <typeparam name="TKey">The key.</typeparam>
/// <typeparam name="TValue">The remembered result.</typeparam>
internal sealed class BoundedMemo<TKey, TValue>
    where TKey : notnull
{
    private readonly int _capacity;
    private readonly ConcurrentDictionary<TKey, TValue> _entries;

    /// <summary>Creates an empty memo.</summary>
    /// <param name="capacity">How many entries to hold before starting over.</param>
    /// <param name="comparer">The key comparer, or <see langword="null"/> for the default.</param>
    public BoundedMemo(int capacity, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
        _entries = new ConcurrentDictionary<TKey, TValue>(comparer);
    }

    /// <summary>Gets the number of entries held.</summary>
    public int Count => _entries.Count;

    /// <summary>Looks a result up.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The remembered result, or default.</param>
    /// <returns><see langword="true"/> when one is remembered.</returns>
    public bool TryGet(TKey key, out TValue value) => _entries.TryGetValue(key, out value!);

    /// <summary>Tells whether a result is remembered.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when one is.</returns>
    public bool Contains(TKey key) => _entries.ContainsKey(key);

    /// <summary>Remembers a result, replacing any under the same key; starts over first when full.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The result.</param>
    public void Add(TKey key, TValue value)
    {
        if (_entries.Count >= _capacity)
        {
            _entries.Clear();
        }

        _entries[key] = value;
    }
}
