using System;
using System.Buffers.Binary;

namespace Constellation.Attestation.Tdx.WireFormat;

/// <summary>
/// An Intel TDX DCAP quote, version 4 or 5, with ECDSA P-256 signature data, QE report certification data (type 6) and an
/// embedded PCK certificate chain (type 5). Wire format only: parsing checks structure, never signatures.
/// </summary>
/// <remarks>Immutable and thread-safe. Integers are little-endian; ECDSA values are big-endian r‖s and x‖y.</remarks>
public sealed class TdxQuote
{
    /// <summary>Certification data type of QE report certification data.</summary>
    public const ushort CertificationDataTypeQeReport = 6;

    /// <summary>Certification data type of a concatenated PEM PCK certificate chain.</summary>
    public const ushort CertificationDataTypePckChain = 5;

    /// <summary>v5 body type of a TDX 1.0 body.</summary>
    public const ushort BodyTypeTdx10 = 2;

    /// <summary>v5 body type of a TDX 1.5 body.</summary>
    public const ushort BodyTypeTdx15 = 3;

    private readonly byte[] _raw;
    private readonly int _signedLength;
    private readonly int _signatureOffset;
    private readonly int _qeAuthOffset;
    private readonly int _qeAuthLength;
    private readonly int _pckOffset;
    private readonly int _pckLength;

    private TdxQuote(byte[] raw, TdxQuoteHeader header, ushort bodyType, TdxQuoteBody body, int signedLength, int signatureOffset,
        SgxReportBody qeReport, int qeAuthOffset, int qeAuthLength, int pckOffset, int pckLength, int length)
    {
        _raw = raw;
        Header = header;
        BodyType = bodyType;
        Body = body;
        _signedLength = signedLength;
        _signatureOffset = signatureOffset;
        QeReport = qeReport;
        _qeAuthOffset = qeAuthOffset;
        _qeAuthLength = qeAuthLength;
        _pckOffset = pckOffset;
        _pckLength = pckLength;
        Length = length;
    }

    /// <summary>Gets the header.</summary>
    public TdxQuoteHeader Header { get; }

    /// <summary>Gets the quote version (4 or 5).</summary>
    public int Version => Header.Version;

    /// <summary>Gets the body type: 2 (TDX 1.0) or 3 (TDX 1.5); version 4 quotes always carry type 2.</summary>
    public ushort BodyType { get; }

    /// <summary>Gets the TD quote body.</summary>
    public TdxQuoteBody Body { get; }

    /// <summary>Gets the bytes the attestation key signs: header and body (v5: header, body type, body size and body).</summary>
    public ReadOnlySpan<byte> SignedData => _raw.AsSpan(0, _signedLength);

    /// <summary>Gets the quote signature, r‖s (64 bytes).</summary>
    public ReadOnlySpan<byte> Signature => _raw.AsSpan(_signatureOffset, 64);

    /// <summary>Gets the ECDSA attestation public key, x‖y (64 bytes).</summary>
    public ReadOnlySpan<byte> AttestationKey => _raw.AsSpan(_signatureOffset + 64, 64);

    /// <summary>Gets the quoting enclave's report, signed by the PCK key.</summary>
    public SgxReportBody QeReport { get; }

    /// <summary>Gets the QE report signature, r‖s (64 bytes).</summary>
    public ReadOnlySpan<byte> QeReportSignature => _raw.AsSpan(_signatureOffset + 134 + SgxReportBody.Size, 64);

    /// <summary>Gets the QE authentication data.</summary>
    public ReadOnlySpan<byte> QeAuthData => _raw.AsSpan(_qeAuthOffset, _qeAuthLength);

    /// <summary>Gets the PCK certificate chain as carried in the quote (concatenated PEM, possibly NUL-terminated).</summary>
    public ReadOnlySpan<byte> PckCertificateChainPem => _raw.AsSpan(_pckOffset, _pckLength);

    /// <summary>Gets the length of the quote in bytes, excluding any tolerated trailing bytes.</summary>
    public int Length { get; }

    /// <summary>Gets the number of bytes after the quote that <see cref="TdxQuoteParseOptions.AllowTrailingBytes"/> let through.</summary>
    public int TrailingByteCount => _raw.Length - Length;

    /// <summary>Gets the quote bytes (without trailing bytes).</summary>
    public ReadOnlySpan<byte> RawData => _raw.AsSpan(0, Length);

    /// <summary>Parses a quote strictly: any byte after the signature data is an error.</summary>
    /// <param name="data">The quote bytes.</param>
    /// <returns>The parsed quote.</returns>
    /// <exception cref="AttestationFormatException">The data is not a well-formed TDX quote v4/v5.</exception>
    public static TdxQuote Parse(ReadOnlySpan<byte> data) => Parse(data, TdxQuoteParseOptions.Strict);

    /// <summary>Parses a quote.</summary>
    /// <param name="data">The quote bytes.</param>
    /// <param name="options">Parse options.</param>
    /// <returns>The parsed quote.</returns>
    /// <exception cref="AttestationFormatException">The data is not a well-formed TDX quote v4/v5.</exception>
    public static TdxQuote Parse(ReadOnlySpan<byte> data, TdxQuoteParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var raw = data.ToArray();
        Require(raw.Length >= TdxQuoteHeader.Size, "quote", $"at least {TdxQuoteHeader.Size} bytes", raw.Length.ToString(Inv));
        var header = TdxQuoteHeader.Read(raw);
        Require(header.Version is 4 or 5, "version", "4 or 5", header.Version.ToString(Inv));
        Require(header.AttestationKeyType == TdxQuoteHeader.AttestationKeyTypeEcdsaP256, "attestation key type",
            "2 (ECDSA P-256)", header.AttestationKeyType.ToString(Inv));
        Require(header.TeeType == TdxQuoteHeader.TeeTypeTdx, "TEE type", "0x00000081 (TDX)", $"0x{header.TeeType:x8}");

        var pos = TdxQuoteHeader.Size;
        ushort bodyType = BodyTypeTdx10;
        var bodySize = TdxQuoteBody.Tdx10Size;
        if (header.Version == 5)
        {
            Need(raw, pos, 6, "v5 body descriptor");
            bodyType = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(pos));
            var declared = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(pos + 2));
            Require(bodyType is BodyTypeTdx10 or BodyTypeTdx15, "v5 body type", "2 (TDX 1.0) or 3 (TDX 1.5)", bodyType.ToString(Inv));
            bodySize = bodyType == BodyTypeTdx10 ? TdxQuoteBody.Tdx10Size : TdxQuoteBody.Tdx15Size;
            Require(declared == (uint)bodySize, "v5 body size", bodySize.ToString(Inv), declared.ToString(Inv));
            pos += 6;
        }

        Need(raw, pos, bodySize, "TD quote body");
        var body = TdxQuoteBody.Read(raw.AsSpan(pos, bodySize));
        pos += bodySize;
        var signedLength = pos;

        Need(raw, pos, 4, "signature data length");
        var sigLen = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(pos));
        pos += 4;
        Need(raw, pos, sigLen, "ECDSA signature data");
        var sigStart = pos;
        var sigEnd = pos + (int)sigLen;

        Need(sigEnd, pos, 134, "ECDSA signature data header");
        var certType = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(pos + 128));
        Require(certType == CertificationDataTypeQeReport, "certification data type", "6 (QE report certification data)", certType.ToString(Inv));
        var certSize = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(pos + 130));
        Require(certSize == (uint)(sigEnd - (pos + 134)), "certification data size",
            (sigEnd - (pos + 134)).ToString(Inv) + " (rest of the signature data)", certSize.ToString(Inv));
        pos += 134;

        Need(sigEnd, pos, SgxReportBody.Size + 64 + 2, "QE report certification data");
        var qeReport = SgxReportBody.Read(raw.AsSpan(pos));
        pos += SgxReportBody.Size + 64;
        var authLen = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(pos));
        pos += 2;
        Need(sigEnd, pos, authLen, "QE authentication data");
        var authOffset = pos;
        pos += authLen;

        Need(sigEnd, pos, 6, "PCK certification data header");
        var innerType = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(pos));
        Require(innerType == CertificationDataTypePckChain, "QE certification data type", "5 (PCK certificate chain)", innerType.ToString(Inv));
        var pckLen = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(pos + 2));
        pos += 6;
        Require(pckLen == (uint)(sigEnd - pos), "PCK certificate chain size", (sigEnd - pos).ToString(Inv) + " (rest of the certification data)",
            pckLen.ToString(Inv));
        var pckOffset = pos;

        if (sigEnd != raw.Length && !options.AllowTrailingBytes)
        {
            throw new AttestationFormatException(
                $"TDX quote: {raw.Length - sigEnd} trailing bytes after the signature data (quote ends at byte {sigEnd})");
        }

        return new TdxQuote(raw, header, bodyType, body, signedLength, sigStart, qeReport, authOffset, authLen, pckOffset, (int)pckLen, sigEnd);
    }

    /// <summary>Tries to parse a quote strictly.</summary>
    /// <param name="data">The quote bytes.</param>
    /// <param name="quote">The quote, or <see langword="null"/>.</param>
    /// <returns>Whether parsing succeeded.</returns>
    public static bool TryParse(ReadOnlySpan<byte> data, out TdxQuote? quote)
    {
        try
        {
            quote = Parse(data);
            return true;
        }
        catch (AttestationFormatException)
        {
            quote = null;
            return false;
        }
    }

    private static System.Globalization.CultureInfo Inv => System.Globalization.CultureInfo.InvariantCulture;

    private static void Require(bool condition, string field, string expected, string actual)
    {
        if (!condition)
        {
            throw new AttestationFormatException($"TDX quote: {field}: expected {expected}, got {actual}");
        }
    }

    private static void Need(byte[] raw, int pos, long count, string what) => Need(raw.Length, pos, count, what);

    private static void Need(int end, int pos, long count, string what)
    {
        if (pos + count > end)
        {
            throw new AttestationFormatException(
                $"TDX quote: truncated {what}: needs {count} bytes at offset {pos}, only {Math.Max(0, end - pos)} available");
        }
    }
}
