using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Constellation.Attestation.Tpm.WireFormat;

namespace Constellation.Cluster.MeasuredLaunch;

/// <summary>
/// Writes a TCG PC Client crypto-agile event log (the format of <c>binary_bios_measurements</c>): a legacy
/// EV_NO_ACTION header record carrying the <c>Spec ID Event03</c> structure with the banks and digest sizes, then one
/// TCG_PCR_EVENT2 record per event with a digest for every bank. Integers are little-endian.
/// </summary>
public static class BootEventLogWriter
{
    private const uint NoAction = 0x00000003;

    /// <summary>Writes the log.</summary>
    /// <param name="events">The events, in the order they were extended.</param>
    /// <param name="banks">The banks extended (each event gets a digest per bank, in this order).</param>
    /// <returns>The log bytes.</returns>
    public static byte[] Write(IEnumerable<MeasuredBootEvent> events, IReadOnlyList<TpmAlgorithm> banks)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(banks);
        if (banks.Count == 0)
        {
            throw new ArgumentException("banks: expected at least one PCR bank", nameof(banks));
        }

        using var log = new MemoryStream();
        using var spec = new MemoryStream();
        spec.Write(Encoding.ASCII.GetBytes("Spec ID Event03\0"));
        WriteUInt32(spec, 0); // platformClass: client
        spec.WriteByte(0); // specVersionMinor
        spec.WriteByte(2); // specVersionMajor
        spec.WriteByte(0); // specErrata
        spec.WriteByte(2); // uintnSize: 64-bit UINTN
        WriteUInt32(spec, (uint)banks.Count);
        foreach (var bank in banks)
        {
            WriteUInt16(spec, (ushort)bank);
            WriteUInt16(spec, (ushort)TpmHash.GetDigestSize(bank));
        }

        spec.WriteByte(0); // vendorInfoSize
        WriteUInt32(log, 0);
        WriteUInt32(log, NoAction);
        log.Write(new byte[20]);
        WriteUInt32(log, (uint)spec.Length);
        log.Write(spec.ToArray());
        foreach (var e in events)
        {
            WriteUInt32(log, (uint)e.Pcr);
            WriteUInt32(log, e.EventType);
            WriteUInt32(log, (uint)banks.Count);
            foreach (var bank in banks)
            {
                WriteUInt16(log, (ushort)bank);
                log.Write(e.Digest(bank));
            }

            WriteUInt32(log, (uint)e.EventData.Length);
            log.Write(e.EventData.Span);
        }

        return log.ToArray();
    }

    private static void WriteUInt32(Stream stream, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    private static void WriteUInt16(Stream stream, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        stream.Write(bytes);
    }
}
