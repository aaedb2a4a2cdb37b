using System;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Constellation.Attestation.Tpm.WireFormat.EventLog;

/// <summary>
/// A parsed TCG PC Client crypto-agile event log (the format of <c>binary_bios_measurements</c>). Event-log integers
/// are little-endian, unlike TPM structures. Layout only and immutable: the replay against quoted PCR values and the
/// check of event data against its digests are the verify layer's (<c>Tpm.Verify.EventLog</c>).
/// </summary>
public sealed class TcgEventLog
{
    private static readonly byte[] SpecIdSignature = Encoding.ASCII.GetBytes("Spec ID Event03\0");

    private TcgEventLog(ImmutableDictionary<TpmAlgorithm, int> digestSizes, ImmutableArray<TcgEvent> events)
    {
        DigestSizes = digestSizes;
        Events = events;
    }

    /// <summary>Gets the banks the log records and their digest sizes (from the Spec ID header).</summary>
    public ImmutableDictionary<TpmAlgorithm, int> DigestSizes { get; }

    /// <summary>Gets the events after the Spec ID header, in log order.</summary>
    public ImmutableArray<TcgEvent> Events { get; }

    /// <summary>Parses a crypto-agile event log. Strict: truncation, unknown banks and a missing Spec ID header are errors.</summary>
    /// <param name="data">The raw log.</param>
    /// <returns>The log.</returns>
    /// <exception cref="AttestationFormatException">The log is malformed.</exception>
    public static TcgEventLog Parse(ReadOnlySpan<byte> data)
    {
        var offset = 0;
        // Legacy header record: pcrIndex, eventType, SHA-1 digest (20), eventSize, event.
        ReadUInt32(data, ref offset, "header.pcrIndex", 0);
        var headerType = ReadUInt32(data, ref offset, "header.eventType", 0);
        if (headerType != TcgEvent.NoAction)
        {
            throw Error(0, "header.eventType", "EV_NO_ACTION (3)", headerType.ToString(CultureInfo.InvariantCulture));
        }

        Take(data, ref offset, 20, 0, "header.digest");
        var headerSize = ReadUInt32(data, ref offset, "header.eventSize", 0);
        var spec = Take(data, ref offset, checked((int)Math.Min(headerSize, int.MaxValue)), 0, "header.event");
        if (spec.Length < 29 || !spec[..16].SequenceEqual(SpecIdSignature))
        {
            throw Error(0, "header.event", "a \"Spec ID Event03\" header (crypto-agile log)", Convert.ToHexStringLower(spec[..Math.Min(16, spec.Length)]));
        }

        var algorithmCount = BinaryPrimitives.ReadUInt32LittleEndian(spec[24..]);
        if (algorithmCount is 0 or > 16 || spec.Length < 28 + (algorithmCount * 4) + 1)
        {
            throw Error(0, "header.numberOfAlgorithms", "1..16 entries inside the header", algorithmCount.ToString(CultureInfo.InvariantCulture));
        }

        var sizes = ImmutableDictionary.CreateBuilder<TpmAlgorithm, int>();
        for (var i = 0; i < algorithmCount; i++)
        {
            var algorithm = (TpmAlgorithm)BinaryPrimitives.ReadUInt16LittleEndian(spec[(28 + (i * 4))..]);
            var size = BinaryPrimitives.ReadUInt16LittleEndian(spec[(30 + (i * 4))..]);
            if (TpmHash.IsSupported(algorithm) && TpmHash.GetDigestSize(algorithm) != size)
            {
                throw Error(0, $"header.digestSizes[{i}]", $"{TpmHash.GetDigestSize(algorithm)} bytes for {TpmHash.ToDisplayName(algorithm)}", $"{size}");
            }

            sizes[algorithm] = size;
        }

        var events = ImmutableArray.CreateBuilder<TcgEvent>();
        var sequence = 1;
        while (offset < data.Length)
        {
            var pcr = ReadUInt32(data, ref offset, "pcrIndex", sequence);
            var type = ReadUInt32(data, ref offset, "eventType", sequence);
            var count = ReadUInt32(data, ref offset, "digests.count", sequence);
            if (count > sizes.Count)
            {
                throw Error(sequence, "digests.count", $"at most {sizes.Count}", count.ToString(CultureInfo.InvariantCulture));
            }

            var digests = ImmutableDictionary.CreateBuilder<TpmAlgorithm, ImmutableArray<byte>>();
            for (var i = 0; i < count; i++)
            {
                var algorithm = (TpmAlgorithm)ReadUInt16(data, ref offset, $"digests[{i}].hashAlg", sequence);
                if (!sizes.TryGetValue(algorithm, out var size))
                {
                    throw Error(sequence, $"digests[{i}].hashAlg", "an algorithm listed in the Spec ID header", $"0x{(ushort)algorithm:x4}");
                }

                digests[algorithm] = Take(data, ref offset, size, sequence, $"digests[{i}].digest").ToArray().ToImmutableArray();
            }

            var eventSize = ReadUInt32(data, ref offset, "eventSize", sequence);
            var eventData = Take(data, ref offset, checked((int)Math.Min(eventSize, int.MaxValue)), sequence, "event").ToArray();
            events.Add(new TcgEvent(sequence, pcr, type, digests.ToImmutable(), eventData));
            sequence++;
        }

        return new TcgEventLog(sizes.ToImmutable(), events.ToImmutable());
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> data, ref int offset, string field, int sequence) =>
        BinaryPrimitives.ReadUInt32LittleEndian(Take(data, ref offset, 4, sequence, field));

    private static ushort ReadUInt16(ReadOnlySpan<byte> data, ref int offset, string field, int sequence) =>
        BinaryPrimitives.ReadUInt16LittleEndian(Take(data, ref offset, 2, sequence, field));

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> data, ref int offset, int count, int sequence, string field)
    {
        if (count < 0 || count > data.Length - offset)
        {
            throw new AttestationFormatException(
                $"event log: event {sequence} {field}: truncated: expected {count} bytes at offset {offset}, got {Math.Max(0, data.Length - offset)}");
        }

        var slice = data.Slice(offset, count);
        offset += count;
        return slice;
    }

    private static AttestationFormatException Error(int sequence, string field, string expected, string actual) =>
        new($"event log: event {sequence} {field}: expected {expected}, got {actual}");
}
