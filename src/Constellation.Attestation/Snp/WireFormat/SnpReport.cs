using System;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Constellation.Attestation.Snp.WireFormat;

/// <summary>
/// An SEV-SNP ATTESTATION_REPORT (versions 2 to 5, 0x4A0 bytes), parsed strictly: exact length, known version,
/// policy and signer-info reserved bits, and every must-be-zero range are checked. Parsing does no cryptography.
/// </summary>
/// <remarks>Immutable and thread-safe. All byte properties are copies held by the instance.</remarks>
public sealed class SnpReport
{
    /// <summary>The size of a report in bytes.</summary>
    public const int Size = 0x4A0;

    /// <summary>The size of the signed region (everything before the signature).</summary>
    public const int SignedRegionSize = 0x2A0;

    /// <summary>The lowest report version accepted.</summary>
    public const uint MinimumVersion = 2;

    /// <summary>The highest report version accepted.</summary>
    public const uint MaximumVersion = 5;

    /// <summary>The SIGNATURE_ALGO value for ECDSA P-384 with SHA-384 (the only one defined).</summary>
    public const uint EcdsaP384Sha384 = 1;

    private readonly byte[] _raw;

    private readonly SnpProductLine? _productLineOverride;

    private SnpReport(byte[] raw, SnpProductLine? productLineOverride = null)
    {
        _raw = raw;
        _productLineOverride = productLineOverride;
        var s = raw.AsSpan();
        Version = U32(s, 0x000);
        GuestSvn = U32(s, 0x004);
        Policy = new SnpGuestPolicy(U64(s, 0x008));
        Vmpl = U32(s, 0x030);
        SignatureAlgorithm = U32(s, 0x034);
        PlatformInfo = new SnpPlatformInfo(U64(s, 0x040));
        SignerInfo = U32(s, 0x048);
        if (Version >= 3)
        {
            CpuidFamily = s[0x188];
            CpuidModel = s[0x189];
            CpuidStepping = s[0x18A];
            ProductLine = SnpProductLines.TryFromCpuid(s[0x188], s[0x189], out var line) ? line : null;
        }

        var layout = TcbLayout;
        CurrentTcb = new SnpTcbVersion(U64(s, 0x038), layout);
        ReportedTcb = new SnpTcbVersion(U64(s, 0x180), layout);
        CommittedTcb = new SnpTcbVersion(U64(s, 0x1E0), layout);
        LaunchTcb = new SnpTcbVersion(U64(s, 0x1F0), layout);
        CurrentBuild = s[0x1E8];
        CurrentMinor = s[0x1E9];
        CurrentMajor = s[0x1EA];
        CommittedBuild = s[0x1EC];
        CommittedMinor = s[0x1ED];
        CommittedMajor = s[0x1EE];
        LaunchMitigationVector = U64(s, 0x1F8);
        CurrentMitigationVector = U64(s, 0x200);
    }

    /// <summary>Gets the report version (2 to 5).</summary>
    public uint Version { get; }

    /// <summary>Gets the guest SVN from the ID block.</summary>
    public uint GuestSvn { get; }

    /// <summary>Gets the guest policy.</summary>
    public SnpGuestPolicy Policy { get; }

    /// <summary>Gets the family ID from the ID block (16 bytes).</summary>
    public ReadOnlySpan<byte> FamilyId => _raw.AsSpan(0x010, 16);

    /// <summary>Gets the image ID from the ID block (16 bytes).</summary>
    public ReadOnlySpan<byte> ImageId => _raw.AsSpan(0x020, 16);

    /// <summary>Gets the VMPL the report was requested from.</summary>
    public uint Vmpl { get; }

    /// <summary>Gets the signature algorithm (1 = ECDSA P-384 with SHA-384).</summary>
    public uint SignatureAlgorithm { get; }

    /// <summary>Gets the current TCB.</summary>
    public SnpTcbVersion CurrentTcb { get; }

    /// <summary>Gets the platform info.</summary>
    public SnpPlatformInfo PlatformInfo { get; }

    /// <summary>Gets the raw signer info word (0x048).</summary>
    public uint SignerInfo { get; }

    /// <summary>Gets a value indicating whether an author key is enabled (AUTHOR_KEY_EN).</summary>
    public bool AuthorKeyEnabled => (SignerInfo & 1) != 0;

    /// <summary>Gets a value indicating whether the chip key was masked (MASK_CHIP_KEY).</summary>
    public bool MaskChipKey => (SignerInfo & 2) != 0;

    /// <summary>Gets the key that signed the report.</summary>
    public SnpSigningKey SigningKey => (SnpSigningKey)((SignerInfo >> 2) & 7);

    /// <summary>Gets the guest-supplied report data (64 bytes).</summary>
    public ReadOnlySpan<byte> ReportData => _raw.AsSpan(0x050, 64);

    /// <summary>Gets the launch measurement (48 bytes).</summary>
    public ReadOnlySpan<byte> Measurement => _raw.AsSpan(0x090, 48);

    /// <summary>Gets the host data (32 bytes).</summary>
    public ReadOnlySpan<byte> HostData => _raw.AsSpan(0x0C0, 32);

    /// <summary>Gets the SHA-384 digest of the ID key (48 bytes).</summary>
    public ReadOnlySpan<byte> IdKeyDigest => _raw.AsSpan(0x0E0, 48);

    /// <summary>Gets the SHA-384 digest of the author key (48 bytes; meaningful only if <see cref="AuthorKeyEnabled"/>).</summary>
    public ReadOnlySpan<byte> AuthorKeyDigest => _raw.AsSpan(0x110, 48);

    /// <summary>Gets the report ID (32 bytes).</summary>
    public ReadOnlySpan<byte> ReportId => _raw.AsSpan(0x140, 32);

    /// <summary>Gets the migration agent's report ID (32 bytes; all 0xFF without a migration agent).</summary>
    public ReadOnlySpan<byte> ReportIdMa => _raw.AsSpan(0x160, 32);

    /// <summary>Gets the reported TCB: the TCB the signing VCEK was derived for.</summary>
    public SnpTcbVersion ReportedTcb { get; }

    /// <summary>Gets the CPUID family (v3+; <see langword="null"/> for v2).</summary>
    public byte? CpuidFamily { get; }

    /// <summary>Gets the CPUID model (v3+; <see langword="null"/> for v2).</summary>
    public byte? CpuidModel { get; }

    /// <summary>Gets the CPUID stepping (v3+; <see langword="null"/> for v2).</summary>
    public byte? CpuidStepping { get; }

    /// <summary>
    /// Gets the product line from the CPUID bytes (v3+ reports with a known family/model), or <see langword="null"/>
    /// (v2 reports, which carry no product; their TCBs are decoded with the Milan/Genoa layout — use
    /// <see cref="WithProductLine"/> when the product is known from elsewhere).
    /// </summary>
    public SnpProductLine? ProductLine { get; }

    /// <summary>Gets the chip ID (64 bytes; all zero when the host masks it).</summary>
    public ReadOnlySpan<byte> ChipId => _raw.AsSpan(0x1A0, 64);

    /// <summary>Gets a value indicating whether the chip ID is all zero (masked by the host).</summary>
    public bool IsChipIdMasked => !ChipId.ContainsAnyExcept((byte)0);

    /// <summary>Gets the committed TCB.</summary>
    public SnpTcbVersion CommittedTcb { get; }

    /// <summary>Gets the current firmware build.</summary>
    public byte CurrentBuild { get; }

    /// <summary>Gets the current firmware API minor version.</summary>
    public byte CurrentMinor { get; }

    /// <summary>Gets the current firmware API major version.</summary>
    public byte CurrentMajor { get; }

    /// <summary>Gets the committed firmware build.</summary>
    public byte CommittedBuild { get; }

    /// <summary>Gets the committed firmware API minor version.</summary>
    public byte CommittedMinor { get; }

    /// <summary>Gets the committed firmware API major version.</summary>
    public byte CommittedMajor { get; }

    /// <summary>Gets the TCB at launch.</summary>
    public SnpTcbVersion LaunchTcb { get; }

    /// <summary>Gets the launch mitigation vector (v5; the raw bytes otherwise).</summary>
    public ulong LaunchMitigationVector { get; }

    /// <summary>Gets the current mitigation vector (v5; the raw bytes otherwise).</summary>
    public ulong CurrentMitigationVector { get; }

    /// <summary>Gets the signed region (bytes 0x000..0x29F): all a verified signature vouches for.</summary>
    /// <remarks>
    /// Identify a report by these bytes, not by <see cref="RawBytes"/>: ECDSA is malleable, so the report with S
    /// replaced by n − S is byte-different and verifies too (AMD firmware emits high-S, so neither form is refused).
    /// </remarks>
    public ReadOnlySpan<byte> SignedRegion => _raw.AsSpan(0, SignedRegionSize);

    /// <summary>Gets the signature block (0x200 bytes at 0x2A0).</summary>
    public ReadOnlySpan<byte> Signature => _raw.AsSpan(SignedRegionSize, Size - SignedRegionSize);

    /// <summary>Gets the whole report as parsed (not a unique identifier of its content; see <see cref="SignedRegion"/>).</summary>
    public ReadOnlySpan<byte> RawBytes => _raw;

    /// <summary>Parses a report.</summary>
    /// <param name="data">Exactly <see cref="Size"/> bytes.</param>
    /// <returns>The report.</returns>
    /// <exception cref="AttestationFormatException">The bytes are not a well-formed report.</exception>
    public static SnpReport Parse(ReadOnlySpan<byte> data)
    {
        var error = Check(data);
        return error is null ? new SnpReport(data.ToArray()) : throw new AttestationFormatException(error);
    }

    /// <summary>Tries to parse a report.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="report">The report, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> if the bytes are a well-formed report.</returns>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out SnpReport? report)
    {
        report = Check(data) is null ? new SnpReport(data.ToArray()) : null;
        return report is not null;
    }

    /// <summary>Returns a copy whose TCBs are decoded with the layout of <paramref name="productLine"/>.</summary>
    /// <param name="productLine">The product line the report comes from.</param>
    /// <returns>The re-decoded report.</returns>
    /// <exception cref="AttestationFormatException">The report's CPUID names another product line.</exception>
    public SnpReport WithProductLine(SnpProductLine productLine)
    {
        if (ProductLine is { } own && own != productLine)
        {
            throw new AttestationFormatException($"the report's CPUID says {own}, not {productLine}");
        }

        return new SnpReport(_raw, productLine);
    }

    /// <summary>Gets the product line used to decode the TCBs (the CPUID one, a caller-supplied one, or Milan for v2).</summary>
    public SnpProductLine TcbLayout => ProductLine ?? _productLineOverride ?? SnpProductLine.Milan;

    private static string? Check(ReadOnlySpan<byte> d)
    {
        if (d.Length != Size)
        {
            return string.Create(CultureInfo.InvariantCulture, $"SEV-SNP report must be exactly {Size} bytes, got {d.Length}");
        }

        var version = U32(d, 0);
        if (version is < MinimumVersion or > MaximumVersion)
        {
            return string.Create(CultureInfo.InvariantCulture, $"SEV-SNP report version {version} is not supported (expected {MinimumVersion}..{MaximumVersion})");
        }

        var policy = U64(d, 0x008);
        if ((policy & SnpGuestPolicy.ReservedMustBeOne) == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"SEV-SNP report policy 0x{policy:x}: reserved bit 17 must be 1");
        }

        if ((policy & SnpGuestPolicy.ReservedMustBeZero) != 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"SEV-SNP report policy 0x{policy:x}: reserved bits 63:26 must be 0");
        }

        var signer = U32(d, 0x048);
        if ((signer & ~0x1Fu) != 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"SEV-SNP report signer info 0x{signer:x}: reserved bits 31:5 must be 0");
        }

        var key = (signer >> 2) & 7;
        if (key is not (0 or 1 or 7))
        {
            return string.Create(CultureInfo.InvariantCulture, $"SEV-SNP report signer info 0x{signer:x}: signing key {key} is reserved");
        }

        var reservedAfterTcb = version >= 3 ? 0x18B : 0x188;
        return Mbz(d, 0x04C, 0x050, "reserved 0x04C")
            ?? Mbz(d, reservedAfterTcb, 0x1A0, "reserved after REPORTED_TCB")
            ?? Mbz(d, 0x1EB, 0x1EC, "reserved 0x1EB")
            ?? Mbz(d, 0x1EF, 0x1F0, "reserved 0x1EF")
            ?? Mbz(d, 0x208, 0x2A0, "reserved 0x208")
            ?? (U32(d, 0x034) == EcdsaP384Sha384 ? Mbz(d, 0x330, Size, "signature padding 0x330") : null);
    }

    private static string? Mbz(ReadOnlySpan<byte> d, int start, int end, string name)
    {
        var index = d[start..end].IndexOfAnyExcept((byte)0);
        return index < 0
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"SEV-SNP report {name}..0x{end - 1:x3} must be zero, byte 0x{start + index:x3} is 0x{d[start + index]:x2}");
    }

    private static uint U32(ReadOnlySpan<byte> d, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(d[offset..]);

    private static ulong U64(ReadOnlySpan<byte> d, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(d[offset..]);
}
