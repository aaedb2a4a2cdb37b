using System;
using System.Collections.Immutable;
using System.Globalization;

namespace Constellation.Attestation.Tpm.WireFormat;

/// <summary>
/// A TPMS_ATTEST structure of type TPM_ST_ATTEST_QUOTE: what a TPM signs in <c>TPM2_Quote</c>.
/// Wire format only (no cryptography); immutable.
/// </summary>
public sealed class TpmAttest
{
    /// <summary>TPM_GENERATED_VALUE, the magic every TPM-produced attestation starts with.</summary>
    public const uint GeneratedValue = 0xFF544347;

    /// <summary>TPM_ST_ATTEST_QUOTE.</summary>
    public const ushort AttestQuoteType = 0x8018;

    private readonly ReadOnlyMemory<byte> _raw;

    /// <summary>Creates a quote attestation structure.</summary>
    /// <param name="qualifiedSigner">TPM2B_NAME of the signing key's qualified name (without size prefix).</param>
    /// <param name="extraData">The qualifying data passed to the quote (the nonce).</param>
    /// <param name="clock">TPMS_CLOCK_INFO.clock.</param>
    /// <param name="resetCount">TPMS_CLOCK_INFO.resetCount.</param>
    /// <param name="restartCount">TPMS_CLOCK_INFO.restartCount.</param>
    /// <param name="safe">TPMS_CLOCK_INFO.safe.</param>
    /// <param name="firmwareVersion">The TPM firmware version.</param>
    /// <param name="pcrSelections">The quoted PCR selections.</param>
    /// <param name="pcrDigest">The digest over the selected PCR values.</param>
    public TpmAttest(
        ReadOnlySpan<byte> qualifiedSigner,
        ReadOnlySpan<byte> extraData,
        ulong clock,
        uint resetCount,
        uint restartCount,
        bool safe,
        ulong firmwareVersion,
        ImmutableArray<TpmPcrSelection> pcrSelections,
        ReadOnlySpan<byte> pcrDigest)
        : this(GeneratedValue, AttestQuoteType, qualifiedSigner.ToArray(), extraData.ToArray(), clock, resetCount, restartCount, safe ? (byte)1 : (byte)0, firmwareVersion, pcrSelections, pcrDigest.ToArray(), null)
    {
    }

    private TpmAttest(
        uint magic,
        ushort type,
        ReadOnlyMemory<byte> qualifiedSigner,
        ReadOnlyMemory<byte> extraData,
        ulong clock,
        uint resetCount,
        uint restartCount,
        byte safe,
        ulong firmwareVersion,
        ImmutableArray<TpmPcrSelection> pcrSelections,
        ReadOnlyMemory<byte> pcrDigest,
        ReadOnlyMemory<byte>? raw)
    {
        Magic = magic;
        Type = type;
        QualifiedSigner = qualifiedSigner;
        ExtraData = extraData;
        Clock = clock;
        ResetCount = resetCount;
        RestartCount = restartCount;
        SafeByte = safe;
        FirmwareVersion = firmwareVersion;
        PcrSelections = pcrSelections.IsDefault ? ImmutableArray<TpmPcrSelection>.Empty : pcrSelections;
        PcrDigest = pcrDigest;
        _raw = raw ?? Marshal();
    }

    /// <summary>Gets the magic (always <see cref="GeneratedValue"/> after parsing).</summary>
    public uint Magic { get; }

    /// <summary>Gets the attestation type (always <see cref="AttestQuoteType"/> after parsing).</summary>
    public ushort Type { get; }

    /// <summary>Gets the qualified name of the signing key (TPM2B_NAME content).</summary>
    public ReadOnlyMemory<byte> QualifiedSigner { get; }

    /// <summary>Gets the caller's qualifying data (TPM2B_DATA content), i.e. the nonce.</summary>
    public ReadOnlyMemory<byte> ExtraData { get; }

    /// <summary>Gets the TPM clock in milliseconds.</summary>
    public ulong Clock { get; }

    /// <summary>Gets the TPM reset count.</summary>
    public uint ResetCount { get; }

    /// <summary>Gets the TPM restart count.</summary>
    public uint RestartCount { get; }

    /// <summary>Gets a value indicating whether the clock is known not to have gone backwards (<c>safe</c> ≠ 0).</summary>
    public bool Safe => SafeByte != 0;

    /// <summary>Gets the raw <c>safe</c> byte.</summary>
    public byte SafeByte { get; }

    /// <summary>Gets the TPM firmware version.</summary>
    public ulong FirmwareVersion { get; }

    /// <summary>Gets the quoted PCR selections (TPMS_QUOTE_INFO.pcrSelect).</summary>
    public ImmutableArray<TpmPcrSelection> PcrSelections { get; }

    /// <summary>Gets the digest over the quoted PCR values (TPMS_QUOTE_INFO.pcrDigest).</summary>
    public ReadOnlyMemory<byte> PcrDigest { get; }

    /// <summary>Gets the exact marshalled bytes (what the signature covers).</summary>
    public ReadOnlyMemory<byte> RawBytes => _raw;

    /// <summary>Parses a TPMS_ATTEST of type quote. Strict: bad magic, other types, truncation and trailing bytes are errors.</summary>
    /// <param name="data">The marshalled structure (content of a TPM2B_ATTEST, without its size).</param>
    /// <returns>The parsed structure; <see cref="RawBytes"/> keeps the input.</returns>
    /// <exception cref="AttestationFormatException">The data is not a well-formed quote attestation.</exception>
    public static TpmAttest Parse(ReadOnlySpan<byte> data) => Read(data, null);

    /// <summary>
    /// Parses a TPMS_ATTEST whose bytes the caller owns and never writes to again: the result's fields are slices of
    /// <paramref name="owned"/> instead of copies.
    /// </summary>
    internal static TpmAttest ParseShared(ReadOnlyMemory<byte> owned) => Read(owned.Span, owned);

    private static TpmAttest Read(ReadOnlySpan<byte> data, ReadOnlyMemory<byte>? owner)
    {
        var reader = new TpmReader(data, "TPMS_ATTEST");
        var magic = reader.ReadUInt32("magic");
        if (magic != GeneratedValue)
        {
            throw reader.Error("magic", $"0x{GeneratedValue:x8}", $"0x{magic:x8}");
        }

        var type = reader.ReadUInt16("type");
        if (type != AttestQuoteType)
        {
            throw reader.Error("type", $"0x{AttestQuoteType:x4} (TPM_ST_ATTEST_QUOTE)", $"0x{type:x4}");
        }

        // TPM2B_NAME holds at most a handle or a hash-algorithm-prefixed digest (2 + 64 bytes).
        var signer = reader.ReadSizedKept("qualifiedSigner", 2 + 64, owner);
        var extraData = reader.ReadSizedKept("extraData", 64, owner);
        var clock = reader.ReadUInt64("clockInfo.clock");
        var resetCount = reader.ReadUInt32("clockInfo.resetCount");
        var restartCount = reader.ReadUInt32("clockInfo.restartCount");
        var safe = reader.ReadByte("clockInfo.safe");
        if (safe > 1)
        {
            throw reader.Error("clockInfo.safe", "0 or 1", safe.ToString(CultureInfo.InvariantCulture));
        }

        var firmware = reader.ReadUInt64("firmwareVersion");
        var selections = TpmPcrSelection.ReadList(ref reader);
        var digest = reader.ReadSizedKept("attested.pcrDigest", 64, owner);
        reader.EnsureEnd();
        return new TpmAttest(magic, type, signer, extraData, clock, resetCount, restartCount, safe, firmware, selections, digest, owner ?? data.ToArray());
    }

    /// <summary>Parses a TPMS_ATTEST, returning <see langword="false"/> instead of throwing on malformed input.</summary>
    /// <param name="data">The marshalled structure.</param>
    /// <param name="attest">The parsed structure on success.</param>
    /// <returns>Whether parsing succeeded.</returns>
    public static bool TryParse(ReadOnlySpan<byte> data, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TpmAttest? attest)
    {
        try
        {
            attest = Parse(data);
            return true;
        }
        catch (AttestationFormatException)
        {
            attest = null;
            return false;
        }
    }

    /// <summary>Returns the marshalled bytes (a copy of <see cref="RawBytes"/>).</summary>
    /// <returns>The TPMS_ATTEST bytes.</returns>
    public byte[] ToArray() => _raw.ToArray();

    private byte[] Marshal()
    {
        var writer = new TpmWriter();
        writer.WriteUInt32(Magic).WriteUInt16(Type)
            .WriteSized(QualifiedSigner.Span).WriteSized(ExtraData.Span)
            .WriteUInt64(Clock).WriteUInt32(ResetCount).WriteUInt32(RestartCount).WriteByte(SafeByte)
            .WriteUInt64(FirmwareVersion);
        TpmPcrSelection.WriteList(writer, PcrSelections);
        writer.WriteSized(PcrDigest.Span);
        return writer.ToArray();
    }
}
