using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Constellation.Attestation.Tpm.WireFormat.EventLog;

/// <summary>
/// A parsed TCG PC Client crypto-agile event log (the format of <c>binary_bios_measurements</c>), with replay
/// against quoted PCR values. Event-log integers are little-endian, unlike TPM structures. Immutable.
/// </summary>
public sealed class TcgEventLog
{
    private static readonly byte[] SpecIdSignature = Encoding.ASCII.GetBytes("Spec ID Event03\0");
    private static readonly byte[] StartupLocalitySignature = Encoding.ASCII.GetBytes("StartupLocality\0");

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

    /// <summary>
    /// Replays the log for one bank: each PCR starts at zero (PCR 0 at the StartupLocality value when the log
    /// says so) and is extended with every non-EV_NO_ACTION event's digest.
    /// </summary>
    /// <param name="bank">The bank to replay.</param>
    /// <returns>The replayed value of every PCR that has at least one extending event.</returns>
    /// <exception cref="AttestationFormatException">The log does not record this bank, or an event lacks its digest.</exception>
    public IReadOnlyDictionary<int, byte[]> Replay(TpmAlgorithm bank)
    {
        if (!DigestSizes.ContainsKey(bank) || !TpmHash.IsSupported(bank))
        {
            throw new AttestationFormatException(
                $"event log: expected digests for the {TpmHash.ToDisplayName(bank)} bank, the log records {string.Join(", ", DigestSizes.Keys.Select(TpmHash.ToDisplayName))}");
        }

        var size = TpmHash.GetDigestSize(bank);
        var pcrs = new Dictionary<int, byte[]>();
        var startupLocality = (byte)0;
        foreach (var e in Events)
        {
            if (e.EventType == TcgEvent.NoAction)
            {
                // Read unverified (EV_NO_ACTION has no digest): the locality is the value PCR 0 starts from, so a
                // false one makes the replay of PCR 0 differ from the quote.
                var data = e.UnverifiedData;
                if (e.PcrIndex == 0 && data.Length >= 17 && data[..16].SequenceEqual(StartupLocalitySignature))
                {
                    startupLocality = data[16];
                }

                continue;
            }

            if (!e.Digests.TryGetValue(bank, out var digest))
            {
                throw new AttestationFormatException(
                    $"event log: event {e.Sequence} (PCR {e.PcrIndex}, type 0x{e.EventType:x8}) has no {TpmHash.ToDisplayName(bank)} digest");
            }

            var index = checked((int)e.PcrIndex);
            if (!pcrs.TryGetValue(index, out var current))
            {
                current = new byte[size];
                if (index == 0)
                {
                    current[^1] = startupLocality;
                }
            }

            pcrs[index] = TpmHash.Compute(bank, [.. current, .. digest.AsSpan()]);
        }

        return pcrs;
    }

    /// <summary>
    /// Replays the log for a bank and requires every PCR the log touches to equal the quoted value.
    /// </summary>
    /// <param name="bank">The quoted bank.</param>
    /// <param name="quotedPcrs">The PCR values covered by a verified quote.</param>
    /// <exception cref="AttestationFormatException">The log cannot be replayed for this bank.</exception>
    /// <exception cref="AttestationBindingException">A replayed PCR differs from the quoted value, or was not quoted.</exception>
    public void VerifyAgainst(TpmAlgorithm bank, IReadOnlyDictionary<int, byte[]> quotedPcrs)
    {
        ArgumentNullException.ThrowIfNull(quotedPcrs);
        foreach (var (index, replayed) in Replay(bank).OrderBy(kv => kv.Key))
        {
            if (!quotedPcrs.TryGetValue(index, out var quoted))
            {
                throw new AttestationBindingException($"event log PCR {index} ({TpmHash.ToDisplayName(bank)})", Convert.ToHexStringLower(replayed), "PCR not quoted");
            }

            if (!CryptographicOperations.FixedTimeEquals(quoted, replayed))
            {
                throw new AttestationBindingException(
                    $"event log replay of PCR {index} ({TpmHash.ToDisplayName(bank)})", Convert.ToHexStringLower(quoted), Convert.ToHexStringLower(replayed));
            }
        }
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
