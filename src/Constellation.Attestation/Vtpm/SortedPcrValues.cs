using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace Constellation.Attestation.Vtpm;

/// <summary>
/// A read-only view of one quote's PCR values, sorted by index, over arrays the quote owns: the validation path
/// reads them without building dictionaries or copying values. Never handed to users.
/// </summary>
internal sealed class SortedPcrValues : IReadOnlyDictionary<int, byte[]>
{
    private readonly KeyValuePair<int, byte[]>[] _sorted;

    private int[]? _indices;

    public SortedPcrValues(KeyValuePair<int, byte[]>[] sorted) => _sorted = sorted;

    /// <summary>Gets the entries in ascending index order (read only).</summary>
    public ReadOnlySpan<KeyValuePair<int, byte[]>> Ordered => _sorted;

    /// <summary>Gets the indices in ascending order (read only; computed once).</summary>
    public ReadOnlySpan<int> OrderedIndices => _indices ??= [.. Keys];

    public int Count => _sorted.Length;

    public IEnumerable<int> Keys
    {
        get
        {
            var keys = new int[_sorted.Length];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = _sorted[i].Key;
            }

            return keys;
        }
    }

    public IEnumerable<byte[]> Values
    {
        get
        {
            var values = new byte[_sorted.Length][];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = _sorted[i].Value;
            }

            return values;
        }
    }

    public byte[] this[int key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"PCR {key} is not in the quote");

    public bool ContainsKey(int key) => Find(key) >= 0;

    public bool TryGetValue(int key, [MaybeNullWhen(false)] out byte[] value)
    {
        var i = Find(key);
        value = i >= 0 ? _sorted[i].Value : null;
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<int, byte[]>> GetEnumerator() => ((IEnumerable<KeyValuePair<int, byte[]>>)_sorted).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int Find(int key)
    {
        int lo = 0, hi = _sorted.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var at = _sorted[mid].Key;
            if (at == key)
            {
                return mid;
            }

            if (at < key)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }
}
