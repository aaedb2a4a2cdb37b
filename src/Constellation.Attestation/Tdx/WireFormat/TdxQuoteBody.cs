using System;
using System.Buffers.Binary;

namespace Constellation.Attestation.Tdx.WireFormat;

/// <summary>The TD quote body: TDX 1.0 (584 bytes) or TDX 1.5 (648 bytes, adds TEE_TCB_SVN_2 and MRSERVICETD). Immutable.</summary>
public sealed class TdxQuoteBody
{
    /// <summary>Size of a TDX 1.0 body (quote v4, or v5 body type 2).</summary>
    public const int Tdx10Size = 584;

    /// <summary>Size of a TDX 1.5 body (quote v5 body type 3).</summary>
    public const int Tdx15Size = 648;

    private readonly byte[] _raw;

    private TdxQuoteBody(byte[] raw)
    {
        _raw = raw;
        SeamAttributes = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(0x70));
        TdAttributes = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(0x78));
        Xfam = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(0x80));
    }

    /// <summary>Gets a value indicating whether this is a TDX 1.5 body.</summary>
    public bool IsTdx15 => _raw.Length == Tdx15Size;

    /// <summary>Gets TEE_TCB_SVN (16 bytes): byte 0 module SVN, byte 1 module major version, then further components.</summary>
    public ReadOnlySpan<byte> TeeTcbSvn => _raw.AsSpan(0x000, 16);

    /// <summary>Gets MRSEAM, the measurement of the TDX module (48 bytes).</summary>
    public ReadOnlySpan<byte> MrSeam => _raw.AsSpan(0x010, 48);

    /// <summary>Gets MRSIGNERSEAM (48 bytes; zero for Intel's module).</summary>
    public ReadOnlySpan<byte> MrSignerSeam => _raw.AsSpan(0x040, 48);

    /// <summary>Gets SEAMATTRIBUTES (u64, little-endian on the wire).</summary>
    public ulong SeamAttributes { get; }

    /// <summary>Gets SEAMATTRIBUTES as its 8 wire bytes.</summary>
    public ReadOnlySpan<byte> SeamAttributesBytes => _raw.AsSpan(0x070, 8);

    /// <summary>Gets TDATTRIBUTES (u64; bit 0 is DEBUG).</summary>
    public ulong TdAttributes { get; }

    /// <summary>Gets TDATTRIBUTES as its 8 wire bytes.</summary>
    public ReadOnlySpan<byte> TdAttributesBytes => _raw.AsSpan(0x078, 8);

    /// <summary>Gets XFAM (u64).</summary>
    public ulong Xfam { get; }

    /// <summary>Gets XFAM as its 8 wire bytes.</summary>
    public ReadOnlySpan<byte> XfamBytes => _raw.AsSpan(0x080, 8);

    /// <summary>Gets MRTD, the measurement of the initial TD contents (48 bytes).</summary>
    public ReadOnlySpan<byte> MrTd => _raw.AsSpan(0x088, 48);

    /// <summary>Gets MRCONFIGID (48 bytes).</summary>
    public ReadOnlySpan<byte> MrConfigId => _raw.AsSpan(0x0B8, 48);

    /// <summary>Gets MROWNER (48 bytes).</summary>
    public ReadOnlySpan<byte> MrOwner => _raw.AsSpan(0x0E8, 48);

    /// <summary>Gets MROWNERCONFIG (48 bytes).</summary>
    public ReadOnlySpan<byte> MrOwnerConfig => _raw.AsSpan(0x118, 48);

    /// <summary>Gets REPORTDATA (64 bytes) chosen by the TD.</summary>
    public ReadOnlySpan<byte> ReportData => _raw.AsSpan(0x208, 64);

    /// <summary>Gets TEE_TCB_SVN_2 (16 bytes) of a TDX 1.5 body, or an empty span.</summary>
    public ReadOnlySpan<byte> TeeTcbSvn2 => IsTdx15 ? _raw.AsSpan(0x248, 16) : ReadOnlySpan<byte>.Empty;

    /// <summary>Gets MRSERVICETD (48 bytes) of a TDX 1.5 body, or an empty span.</summary>
    public ReadOnlySpan<byte> MrServiceTd => IsTdx15 ? _raw.AsSpan(0x258, 48) : ReadOnlySpan<byte>.Empty;

    /// <summary>Gets the raw body bytes.</summary>
    public ReadOnlySpan<byte> RawData => _raw;

    /// <summary>Gets runtime-extendable measurement register <paramref name="index"/> (0..3), 48 bytes.</summary>
    /// <param name="index">The register index, 0 to 3.</param>
    /// <returns>The register value.</returns>
    public ReadOnlySpan<byte> Rtmr(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 3);
        return _raw.AsSpan(0x148 + (48 * index), 48);
    }

    internal static TdxQuoteBody Read(ReadOnlySpan<byte> raw) => new(raw.ToArray());
}
