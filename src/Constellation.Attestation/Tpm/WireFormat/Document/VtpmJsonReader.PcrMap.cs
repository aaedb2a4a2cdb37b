using System;
using System.Buffers;
using System.Numerics;
using System.Text.Json;

namespace Constellation.Attestation.Tpm.WireFormat.Document;

/// <summary>The PCR map of a quote (<c>pcrs.pcrs</c>): decimal index keys, Base64 values.</summary>
internal static partial class VtpmJsonReader
{
    // A TPM has at most 64 PCRs per bank and a digest is at most 64 bytes (SHA-512).
    private const int SmallIndexLimit = 64;
    private const int MaxDirectValue = 64;

    /// <summary>
    /// Reads the map into the arena in ascending index order, so that the values as they lie are the quote's PCR digest
    /// input. Go writes the keys in string order ("0", "1", "10", …), so the final position of a value is known only
    /// when every key has been seen, except in the normal case: values of one length L and indices 0…n−1, where index
    /// i goes to <c>i × L</c>. Values are written there directly while that holds; anything else (other lengths,
    /// sparse or large indices) is sorted into place at the end.
    /// </summary>
    private static SortedPcrValues ReadPcrMap(ref Utf8JsonReader reader, string path, DecodeArena arena)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return SortedPcrValues.Empty;
        }

        RequireObject(ref reader, new JsonPath(path, ".pcrs.pcrs"));
        Span<PcrEntry> entries = stackalloc PcrEntry[SmallIndexLimit];
        Span<byte> scratch = stackalloc byte[MaxDirectValue];
        var map = new PcrMapLayout(arena.Position, arena.RoomFrom(arena.Position));
        while (NextProperty(ref reader))
        {
            var index = ReadPcrIndex(ref reader, path);
            if (index < SmallIndexLimit)
            {
                if ((map.Seen & (1UL << index)) != 0)
                {
                    throw DuplicatePcr(path, index);
                }

                map.Seen |= 1UL << index;
            }
            else
            {
                map.Small = false;
            }

            reader.Read();
            var valuePath = new JsonPath(path, ".pcrs.pcrs", index);
            ReadOnlySpan<byte> value = TryDecodeCanonical(ref reader, valuePath, scratch, out var length)
                ? scratch[..length]
                : DecodeGeneral(ref reader, valuePath);
            if (map.Count == entries.Length)
            {
                var grown = new PcrEntry[map.Count * 2];
                entries.CopyTo(grown);
                entries = grown;
            }

            map.Add(index, value, entries, arena);
        }

        return map.Finish(entries[..map.Count], arena, path);
    }

    private static AttestationFormatException DuplicatePcr(string path, int index) =>
        new($"{path}.pcrs.pcrs: PCR {index} appears more than once");

    private readonly record struct PcrEntry(int Index, int Start, int Length);

    /// <summary>Where the values of one PCR map go in the arena while it is being read.</summary>
    private ref struct PcrMapLayout(int start, int room)
    {
        private readonly int _start = start;
        private readonly int _room = room;
        private int _width = -1;
        private bool _direct = true;
        private int _extent;

        public ulong Seen;
        public bool Small = true;
        public int Count;

        /// <summary>Writes a value where <see cref="Allocate"/> puts it and records it as the next entry.</summary>
        public void Add(int index, scoped ReadOnlySpan<byte> value, scoped Span<PcrEntry> entries, DecodeArena arena)
        {
            var at = Allocate(index, value.Length, entries[..Count], arena);
            value.CopyTo(arena.Unhanded(at, value.Length));
            entries[Count++] = new PcrEntry(index, at, value.Length);
        }

        /// <summary>Chooses where a value goes: its final place while the normal case holds, else after everything written.</summary>
        private int Allocate(int index, int length, scoped Span<PcrEntry> placed, DecodeArena arena)
        {
            if (_direct && index < SmallIndexLimit && (_width < 0 || length == _width) && (index + 1L) * length <= _room)
            {
                _width = length;
                _extent = Math.Max(_extent, (index + 1) * length);
                return _start + (index * length);
            }

            _direct = false;
            if (_extent + length > _room)
            {
                // Direct places can leave gaps; close them (the values fit without gaps, see DecodeArena).
                _extent = Pack(placed, _start, arena);
            }

            var at = _start + _extent;
            _extent += length;
            return at;
        }

        /// <summary>Hands the values out in ascending index order.</summary>
        public readonly SortedPcrValues Finish(scoped Span<PcrEntry> entries, DecodeArena arena, string path)
        {
            if (entries.IsEmpty)
            {
                return SortedPcrValues.Empty;
            }

            var dense = entries.Length == SmallIndexLimit ? ulong.MaxValue : (1UL << entries.Length) - 1;
            if (_direct && Small && Seen == dense)
            {
                // The normal case: already in place.
                var length = entries.Length * _width;
                arena.Advance(_start + length);
                var indices = new int[entries.Length];
                for (var i = 0; i < indices.Length; i++)
                {
                    indices[i] = i;
                }

                return new SortedPcrValues(indices, arena.Slice(_start, length), null);
            }

            if (Small)
            {
                Span<PcrEntry> ranked = stackalloc PcrEntry[entries.Length];
                foreach (var entry in entries)
                {
                    ranked[BitOperations.PopCount(Seen & ((1UL << entry.Index) - 1))] = entry;
                }

                ranked.CopyTo(entries);
            }
            else
            {
                entries.Sort(static (a, b) => a.Index.CompareTo(b.Index));
                for (var i = 1; i < entries.Length; i++)
                {
                    if (entries[i].Index == entries[i - 1].Index)
                    {
                        throw DuplicatePcr(path, entries[i].Index);
                    }
                }
            }

            var total = Pack(entries, _start, arena);
            arena.Advance(_start + total);
            var ordered = new int[entries.Length];
            var uniform = true;
            for (var i = 0; i < entries.Length; i++)
            {
                ordered[i] = entries[i].Index;
                uniform &= entries[i].Length == entries[0].Length;
            }

            int[]? ends = null;
            if (!uniform)
            {
                ends = new int[entries.Length];
                var end = 0;
                for (var i = 0; i < entries.Length; i++)
                {
                    end += entries[i].Length;
                    ends[i] = end;
                }
            }

            return new SortedPcrValues(ordered, arena.Slice(_start, total), ends);
        }

        // Moves the values, in the order of `entries`, back to back to `start` (through a copy, since the source and
        // destination regions overlap) and updates their starts. Returns their total length.
        private static int Pack(scoped Span<PcrEntry> entries, int start, DecodeArena arena)
        {
            var total = 0;
            foreach (var entry in entries)
            {
                total += entry.Length;
            }

            var extent = 0;
            foreach (var entry in entries)
            {
                extent = Math.Max(extent, entry.Start - start + entry.Length);
            }

            byte[]? rented = null;
            var copy = total <= 2048 ? stackalloc byte[total] : (rented = ArrayPool<byte>.Shared.Rent(total));
            try
            {
                var source = arena.Unhanded(start, extent);
                var end = 0;
                for (var i = 0; i < entries.Length; i++)
                {
                    var entry = entries[i];
                    source.Slice(entry.Start - start, entry.Length).CopyTo(copy[end..]);
                    entries[i] = entry with { Start = start + end };
                    end += entry.Length;
                }

                copy[..total].CopyTo(source);
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }

            return total;
        }
    }
}
