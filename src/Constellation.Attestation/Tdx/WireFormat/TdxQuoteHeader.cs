using System;
using System.Buffers.Binary;

namespace Constellation.Attestation.Tdx.WireFormat;

/// <summary>The 48-byte header shared by TDX quote versions 4 and 5. Immutable.</summary>
public sealed class TdxQuoteHeader
{
    /// <summary>The header size in bytes.</summary>
    public const int Size = 48;

    /// <summary>Attestation key type ECDSA-256 with P-256, the only one defined for TDX quotes.</summary>
    public const ushort AttestationKeyTypeEcdsaP256 = 2;

    /// <summary>TEE type of a TDX quote.</summary>
    public const uint TeeTypeTdx = 0x81;

    private readonly byte[] _qeVendorId;
    private readonly byte[] _userData;

    private TdxQuoteHeader(ReadOnlySpan<byte> raw)
    {
        Version = BinaryPrimitives.ReadUInt16LittleEndian(raw);
        AttestationKeyType = BinaryPrimitives.ReadUInt16LittleEndian(raw[2..]);
        TeeType = BinaryPrimitives.ReadUInt32LittleEndian(raw[4..]);
        PceSvn = BinaryPrimitives.ReadUInt16LittleEndian(raw[8..]);
        QeSvn = BinaryPrimitives.ReadUInt16LittleEndian(raw[10..]);
        _qeVendorId = raw.Slice(12, 16).ToArray();
        _userData = raw.Slice(28, 20).ToArray();
    }

    /// <summary>Gets the quote version (4 or 5).</summary>
    public ushort Version { get; }

    /// <summary>Gets the attestation key type (2 = ECDSA P-256).</summary>
    public ushort AttestationKeyType { get; }

    /// <summary>Gets the TEE type (0x81 = TDX).</summary>
    public uint TeeType { get; }

    /// <summary>
    /// Gets the u16 at offset 8, which go-tdx-guest calls PCE SVN. Reserved (zero) in real TDX quotes; the real PCE SVN is in
    /// the PCK certificate. Kept for wire compatibility with Constellation's <c>pceSVN</c> option.
    /// </summary>
    public ushort PceSvn { get; }

    /// <summary>
    /// Gets the u16 at offset 10, which go-tdx-guest calls QE SVN. Reserved (zero) in real TDX quotes; the real QE SVN is the
    /// QE report's ISV SVN. Kept for wire compatibility with Constellation's <c>qeSVN</c> option.
    /// </summary>
    public ushort QeSvn { get; }

    /// <summary>Gets the 16-byte QE vendor ID (Intel: <c>939a7233f79c4ca9940a0db3957f0607</c>).</summary>
    public ReadOnlySpan<byte> QeVendorId => _qeVendorId;

    /// <summary>Gets the 20 bytes of QE-defined user data.</summary>
    public ReadOnlySpan<byte> UserData => _userData;

    internal static TdxQuoteHeader Read(ReadOnlySpan<byte> raw) => new(raw[..Size]);
}
