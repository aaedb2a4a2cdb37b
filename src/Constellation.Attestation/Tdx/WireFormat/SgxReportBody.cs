using System;
using System.Buffers.Binary;

namespace Constellation.Attestation.Tdx.WireFormat;

/// <summary>An SGX enclave REPORT body (384 bytes), here the report of Intel's quoting enclave. Immutable.</summary>
public sealed class SgxReportBody
{
    /// <summary>The size in bytes.</summary>
    public const int Size = 384;

    private readonly byte[] _raw;

    private SgxReportBody(byte[] raw)
    {
        _raw = raw;
        MiscSelect = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(0x10));
        IsvProdId = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(0x100));
        IsvSvn = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(0x102));
    }

    /// <summary>Gets CPUSVN (16 bytes).</summary>
    public ReadOnlySpan<byte> CpuSvn => _raw.AsSpan(0, 16);

    /// <summary>Gets MISCSELECT.</summary>
    public uint MiscSelect { get; }

    /// <summary>Gets ATTRIBUTES (16 bytes).</summary>
    public ReadOnlySpan<byte> Attributes => _raw.AsSpan(0x30, 16);

    /// <summary>Gets MRENCLAVE (32 bytes).</summary>
    public ReadOnlySpan<byte> MrEnclave => _raw.AsSpan(0x40, 32);

    /// <summary>Gets MRSIGNER (32 bytes).</summary>
    public ReadOnlySpan<byte> MrSigner => _raw.AsSpan(0x80, 32);

    /// <summary>Gets ISVPRODID.</summary>
    public ushort IsvProdId { get; }

    /// <summary>Gets ISVSVN, the quoting enclave's security version.</summary>
    public ushort IsvSvn { get; }

    /// <summary>Gets REPORTDATA (64 bytes).</summary>
    public ReadOnlySpan<byte> ReportData => _raw.AsSpan(0x140, 64);

    /// <summary>Gets the raw 384 bytes (the region the PCK key signs).</summary>
    public ReadOnlySpan<byte> RawData => _raw;

    internal static SgxReportBody Read(ReadOnlySpan<byte> raw) => new(raw[..Size].ToArray());
}
