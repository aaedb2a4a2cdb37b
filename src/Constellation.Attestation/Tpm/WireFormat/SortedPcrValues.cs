using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;

namespace Constellation.Attestation.Tpm.WireFormat;

/// <summary>
/// One quote's PCR values, ascending by index and stored back to back: exactly the input of the quote's PCR digest,
/// so the digest, the measurement comparison and the result read them without a copy per value.
/// </summary>
/// <remarks>
/// Immutable. Values may have any length here (the parser accepts what JSON carries); the quote verifier requires the
/// bank's digest size. The dictionary view copies each value once, on first use, so nobody can write into the
/// concatenation through it.
/// </remarks>
internal sealed class SortedPcrValues : IReadOnlyDictionary<int, byte[]>, IOrderedMeasurements
{
    private readonly int[] _indices;
    private readonly ReadOnlyMemory<byte> _concatenation;
    private readonly int[]? _ends;
    private readonly int _width;
    private byte[][]? _copies;

    /// <summary>Takes values already placed in index order.</summary>
    /// <param name="indices">Ascending, distinct PCR indices; never written to afterwards.</param>
    /// <param name="concatenation">The values back to back in the order of <paramref name="indices"/>; never written to afterwards.</param>
    /// <param name="ends">
    /// The exclusive end of each value in <paramref name="concatenation"/>, or <see langword="null"/> when all values
    /// have the same length (the normal case: one digest size); never written to afterwards.
    /// </param>
    public SortedPcrValues(int[] indices, ReadOnlyMemory<byte> concatenation, int[]? ends)
    {
        _indices = indices;
        _concatenation = concatenation;
        _ends = ends;
        _width = ends is null && indices.Length > 0 ? concatenation.Length / indices.Length : 0;
    }

    public static SortedPcrValues Empty { get; } = new([], ReadOnlyMemory<byte>.Empty, null);

    /// <summary>Gets the indices in ascending order.</summary>
    public ReadOnlySpan<int> OrderedIndices => _indices;

    /// <summary>Gets the values back to back in ascending index order (the PCR digest's input).</summary>
    public ReadOnlySpan<byte> Concatenation => _concatenation.Span;

    public int Count => _indices.Length;

    public IEnumerable<int> Keys => (int[])_indices.Clone();

    public IEnumerable<byte[]> Values => (byte[][])Copies().Clone();

    public byte[] this[int key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"PCR {key} is not in the quote");

    /// <summary>Creates the values from index/value pairs in ascending index order (copied).</summary>
    public static SortedPcrValues FromOrdered(ReadOnlySpan<KeyValuePair<int, byte[]>> ordered)
    {
        var indices = new int[ordered.Length];
        var ends = new int[ordered.Length];
        var length = 0;
        for (var i = 0; i < ordered.Length; i++)
        {
            indices[i] = ordered[i].Key;
            length += ordered[i].Value.Length;
            ends[i] = length;
        }

        var concatenation = new byte[length];
        for (var i = 0; i < ordered.Length; i++)
        {
            ordered[i].Value.CopyTo(concatenation.AsSpan(i == 0 ? 0 : ends[i - 1]));
        }

        return new SortedPcrValues(indices, concatenation, ends);
    }

    /// <summary>Gets the value at a position in index order.</summary>
    public ReadOnlySpan<byte> ValueAt(int position) => Slice(position).Span;

    /// <summary>Finds the first value whose length is not <paramref name="length"/>.</summary>
    /// <returns>Its position, or -1 when every value has that length.</returns>
    public int FirstWithLengthOtherThan(int length)
    {
        if (_ends is null)
        {
            return _indices.Length == 0 || _width == length ? -1 : 0;
        }

        for (var i = 0; i < _indices.Length; i++)
        {
            if (Slice(i).Length != length)
            {
                return i;
            }
        }

        return -1;
    }

    uint IOrderedMeasurements.IndexAt(int position) => (uint)_indices[position];

    public bool ContainsKey(int key) => Array.BinarySearch(_indices, key) >= 0;

    public bool TryGetValue(int key, [MaybeNullWhen(false)] out byte[] value)
    {
        var i = Array.BinarySearch(_indices, key);
        value = i >= 0 ? Copies()[i] : null;
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<int, byte[]>> GetEnumerator()
    {
        var copies = Copies();
        for (var i = 0; i < _indices.Length; i++)
        {
            yield return new(_indices[i], copies[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private ReadOnlyMemory<byte> Slice(int position)
    {
        if (_ends is null)
        {
            return _concatenation.Slice(position * _width, _width);
        }

        var start = position == 0 ? 0 : _ends[position - 1];
        return _concatenation[start.._ends[position]];
    }

    private byte[][] Copies()
    {
        if (_copies is { } copies)
        {
            return copies;
        }

        copies = new byte[_indices.Length][];
        for (var i = 0; i < copies.Length; i++)
        {
            copies[i] = Slice(i).ToArray();
        }

        // Racing first uses build equal copies; either may win.
        return Interlocked.CompareExchange(ref _copies, copies, null) ?? copies;
    }
}
