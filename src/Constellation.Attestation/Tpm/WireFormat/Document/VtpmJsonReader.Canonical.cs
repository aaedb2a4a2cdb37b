using System;
using System.Buffers;
using System.Collections.Generic;

namespace Constellation.Attestation.Tpm.WireFormat.Document;

/// <summary>
/// A fast path for the exact bytes Go's <c>encoding/json</c> (and <see cref="VtpmDocument.ToJson"/>) write: no
/// whitespace, the keys in struct order, canonical Base64, PCR indices without leading zeros. It only ever declines:
/// at the first byte that is not that layout it returns <see langword="null"/> and the general reader decides, so the
/// set of accepted documents and every error message stay the general reader's.
/// </summary>
/// <remarks>
/// Every document it accepts decodes to exactly what the general reader decodes; differential tests and the
/// <c>vtpm-json</c> fuzz harness compare the two on every input. It never throws for malformed input.
/// </remarks>
internal static partial class VtpmJsonReader
{
    private static readonly SearchValues<byte> Base64Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8);

    /// <summary>Reads a document in the canonical layout, or returns <see langword="null"/> for anything else.</summary>
    internal static VtpmDocument? TryReadCanonical(ReadOnlySpan<byte> json)
    {
        var cursor = new CanonicalCursor(json, new DecodeArena(json.Length));
        if (!cursor.Take("{\"Attestation\":{"u8))
        {
            return null;
        }

        var attestation = cursor.ReadAttestation();
        if (attestation is null || !cursor.Take(",\"InstanceInfo\":"u8) || !cursor.BytesOrNull(out var instanceInfo)
            || !cursor.Take(",\"UserData\":"u8) || !cursor.BytesOrNull(out var userData) || !cursor.Take("}"u8) || !cursor.AtEnd)
        {
            return null;
        }

        return new VtpmDocument(attestation, instanceInfo, userData, owned: true);
    }

    private ref struct CanonicalCursor(ReadOnlySpan<byte> json, DecodeArena arena)
    {
        private readonly ReadOnlySpan<byte> _json = json;
        private readonly DecodeArena _arena = arena;
        private int _position;

        public readonly bool AtEnd => _position == _json.Length;

        public bool Take(ReadOnlySpan<byte> literal)
        {
            if (!_json[_position..].StartsWith(literal))
            {
                return false;
            }

            _position += literal.Length;
            return true;
        }

        // Called just after "{\"Attestation\":{"; consumes through the closing brace.
        public VtpmAttestation? ReadAttestation()
        {
            ReadOnlyMemory<byte> akPub = default, eventLog = default, akCert = default;
            List<TpmQuote> quotes = [];
            if (Take("\"ak_pub\":"u8) && !(Bytes(out akPub) && Take(","u8)))
            {
                return null;
            }

            if (Take("\"quotes\":["u8))
            {
                do
                {
                    var quote = ReadQuote();
                    if (quote is null)
                    {
                        return null;
                    }

                    quotes.Add(quote);
                }
                while (Take(","u8));

                if (!Take("],"u8))
                {
                    return null;
                }
            }

            if (Take("\"event_log\":"u8) && !(Bytes(out eventLog) && Take(","u8)))
            {
                return null;
            }

            if (Take("\"ak_cert\":"u8) && !(Bytes(out akCert) && Take(","u8)))
            {
                return null;
            }

            return Take("\"TeeAttestation\":null}"u8) ? new VtpmAttestation(akPub, quotes, eventLog, akCert, [], owned: true) : null;
        }

        private TpmQuote? ReadQuote()
        {
            ReadOnlyMemory<byte> quote = default, signature = default;
            if (!Take("{"u8)
                || (Take("\"quote\":"u8) && !(Bytes(out quote) && Take(","u8)))
                || (Take("\"raw_sig\":"u8) && !(Bytes(out signature) && Take(","u8)))
                || !Take("\"pcrs\":{\"hash\":"u8)
                || !Number(out var hash))
            {
                return null;
            }

            var pcrs = SortedPcrValues.Empty;
            if (Take(",\"pcrs\":{"u8))
            {
                var read = ReadPcrMap();
                if (read is null)
                {
                    return null;
                }

                pcrs = read;
            }

            return Take("}}"u8) ? new TpmQuote(quote, signature, (TpmAlgorithm)hash, pcrs) : null;
        }

        // Called just after "\"pcrs\":{"; consumes through the closing brace. Indices below 64 only, no duplicates.
        private SortedPcrValues? ReadPcrMap()
        {
            Span<PcrEntry> entries = stackalloc PcrEntry[SmallIndexLimit];
            Span<byte> value = stackalloc byte[MaxDirectValue];
            var map = new PcrMapLayout(_arena.Position, _arena.RoomFrom(_arena.Position));
            do
            {
                if (map.Count == SmallIndexLimit || !Take("\""u8) || !Number(out var index) || index >= SmallIndexLimit
                    || (map.Seen & (1UL << index)) != 0 || !Take("\":\""u8))
                {
                    return null;
                }

                map.Seen |= 1UL << index;
                var text = Base64Body();
                var length = DecodedLength(text);
                if (length < 0 || length > MaxDirectValue || !Take("\""u8) || !DecodeCanonical(text, value[..length]))
                {
                    return null;
                }

                map.Add(index, value[..length], entries, _arena);
            }
            while (Take(","u8));

            return Take("}"u8) ? map.Finish(entries[..map.Count], _arena, string.Empty) : null;
        }

        public bool BytesOrNull(out ReadOnlyMemory<byte> value)
        {
            value = default;
            return Take("null"u8) || Bytes(out value);
        }

        // A JSON string of canonical Base64, decoded into the arena.
        private bool Bytes(out ReadOnlyMemory<byte> value)
        {
            value = default;
            if (!Take("\""u8))
            {
                return false;
            }

            var text = Base64Body();
            var length = DecodedLength(text);
            if (length < 0 || length > _arena.Free.Length || !Take("\""u8))
            {
                return false;
            }

            if (length > 0)
            {
                if (!DecodeCanonical(text, _arena.Free[..length]))
                {
                    return false;
                }

                value = _arena.Commit(length);
            }

            return true;
        }

        // The run of Base64 alphabet bytes at the cursor (the closing quote is checked by the caller).
        private ReadOnlySpan<byte> Base64Body()
        {
            var rest = _json[_position..];
            var end = rest.IndexOfAnyExcept(Base64Alphabet);
            var text = end < 0 ? rest : rest[..end];
            _position += text.Length;
            return text;
        }

        // A JSON number or key as Go writes it: 0, or 1-9 then at most 4 more digits (≤ 65535 for a hash algorithm).
        private bool Number(out int value)
        {
            value = 0;
            var start = _position;
            while (_position < _json.Length && _position - start < 5 && _json[_position] is >= (byte)'0' and <= (byte)'9')
            {
                value = (value * 10) + (_json[_position++] - '0');
            }

            var digits = _position - start;
            return digits > 0 && (digits == 1 || _json[start] != (byte)'0') && value <= ushort.MaxValue
                && (_position == _json.Length || _json[_position] is < (byte)'0' or > (byte)'9');
        }
    }
}
