using System;
using System.Buffers.Binary;
using System.Globalization;

namespace Constellation.Attestation.Variants.Common.Azure;

/// <summary>
/// The Azure HCL report the paravisor stores in vTPM NV index <c>0x01400001</c> (spec snp.md §8): a header, the hardware
/// report (SNP attestation report or TDX TDREPORT) and the runtime claims whose variable data is the runtime-data JSON
/// holding the HCL attestation key. Parsing is strict: every size field must agree with the others and with the buffer,
/// and bytes after the declared report size (NV index padding) must be zero. No cryptography happens here. Immutable.
/// </summary>
public sealed class AzureHclReport
{
    /// <summary>The NV index the HCL report is read from.</summary>
    public const uint NvIndex = 0x01400001;

    /// <summary>Offset of the hardware report.</summary>
    internal const int HardwareReportOffset = 0x20;

    /// <summary>Size of the hardware report area (an SNP attestation report; a TDREPORT uses the first 1024 bytes).</summary>
    internal const int HardwareReportSize = 0x4A0;

    /// <summary>Size of a TDX TDREPORT.</summary>
    internal const int TdReportSize = 1024;

    /// <summary>Offset of REPORTDATA inside a TDREPORT (after the 128 bytes of REPORTMACSTRUCT header fields).</summary>
    internal const int TdReportDataOffset = 0x80;

    /// <summary>Offset of REPORT_DATA inside an SNP attestation report.</summary>
    internal const int SnpReportDataOffset = 0x50;

    /// <summary>Size of the hardware REPORTDATA / REPORT_DATA field.</summary>
    internal const int ReportDataSize = 64;

    private const int RuntimeClaimsOffset = HardwareReportOffset + HardwareReportSize; // 0x4C0
    private const int RuntimeClaimsHeaderSize = 20;
    private const int RuntimeDataOffset = RuntimeClaimsOffset + RuntimeClaimsHeaderSize; // 0x4D4
    private static ReadOnlySpan<byte> Magic => "HCLA"u8;

    private readonly byte[] _hardwareReport;
    private readonly byte[] _runtimeData;

    private AzureHclReport(ReadOnlySpan<byte> data, int runtimeDataLength)
    {
        Version = BinaryPrimitives.ReadUInt32LittleEndian(data[0x04..]);
        ReportSize = BinaryPrimitives.ReadInt32LittleEndian(data[0x08..]);
        RequestType = BinaryPrimitives.ReadUInt32LittleEndian(data[0x0C..]);
        Status = BinaryPrimitives.ReadUInt32LittleEndian(data[0x10..]);
        RuntimeClaimsVersion = BinaryPrimitives.ReadUInt32LittleEndian(data[(RuntimeClaimsOffset + 4)..]);
        ReportType = (AzureHclReportType)BinaryPrimitives.ReadUInt32LittleEndian(data[(RuntimeClaimsOffset + 8)..]);
        HashType = BinaryPrimitives.ReadUInt32LittleEndian(data[(RuntimeClaimsOffset + 12)..]);
        _hardwareReport = data.Slice(HardwareReportOffset, HardwareReportSize).ToArray();
        _runtimeData = data.Slice(RuntimeDataOffset, runtimeDataLength).ToArray();
    }

    /// <summary>Gets the header version (2 observed).</summary>
    public uint Version { get; }

    /// <summary>Gets the declared total report size in bytes (without NV padding).</summary>
    public int ReportSize { get; }

    /// <summary>Gets the request type (2 observed).</summary>
    public uint RequestType { get; }

    /// <summary>Gets the status (0 observed).</summary>
    public uint Status { get; }

    /// <summary>Gets the runtime-claims version (1 observed).</summary>
    public uint RuntimeClaimsVersion { get; }

    /// <summary>Gets which hardware report is carried. Unknown values are kept as their number.</summary>
    public AzureHclReportType ReportType { get; }

    /// <summary>Gets the report-data hash type (1 = SHA-256).</summary>
    public uint HashType { get; }

    /// <summary>Gets the whole 1184-byte hardware report area.</summary>
    public ReadOnlySpan<byte> HardwareReport => _hardwareReport;

    /// <summary>Gets the runtime data (UTF-8 JSON) exactly as stored; its SHA-256 is the first half of the hardware REPORTDATA.</summary>
    public ReadOnlySpan<byte> RuntimeData => _runtimeData;

    /// <summary>Parses an HCL report as read from NV index <see cref="NvIndex"/> (zero padding after the report allowed).</summary>
    /// <param name="data">The NV index contents.</param>
    /// <returns>The report.</returns>
    /// <exception cref="AttestationFormatException">Not an HCL report, or its size fields disagree.</exception>
    public static AzureHclReport Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < RuntimeDataOffset)
        {
            throw Error($"{data.Length} bytes is shorter than the fixed part ({RuntimeDataOffset} bytes)");
        }

        if (!data[..4].SequenceEqual(Magic))
        {
            throw Error($"signature expected \"HCLA\" (48434c41), got {Convert.ToHexStringLower(data[..4])}");
        }

        var reportSize = BinaryPrimitives.ReadUInt32LittleEndian(data[0x08..]);
        var claimsSize = BinaryPrimitives.ReadUInt32LittleEndian(data[RuntimeClaimsOffset..]);
        var variableSize = BinaryPrimitives.ReadUInt32LittleEndian(data[(RuntimeClaimsOffset + 16)..]);
        if ((ulong)variableSize + RuntimeDataOffset > (ulong)data.Length)
        {
            throw Error($"runtime data size {variableSize} at 0x4d0 runs past the end ({data.Length - RuntimeDataOffset} bytes left)");
        }

        if (claimsSize != variableSize + RuntimeClaimsHeaderSize)
        {
            throw Error($"runtime-claims size at 0x4c0 expected {variableSize + RuntimeClaimsHeaderSize} (20 + runtime data size {variableSize}), got {claimsSize}");
        }

        if (reportSize != claimsSize + RuntimeClaimsOffset)
        {
            throw Error($"report size at 0x008 expected {claimsSize + RuntimeClaimsOffset} (0x4c0 + runtime-claims size {claimsSize}), got {reportSize}");
        }

        var padding = data[(int)reportSize..];
        var nonZero = padding.IndexOfAnyExcept((byte)0);
        if (nonZero >= 0)
        {
            throw Error($"{padding.Length} bytes follow the {reportSize}-byte report and must be zero padding; byte at offset {reportSize + nonZero} is 0x{padding[nonZero]:x2}");
        }

        return new AzureHclReport(data, (int)variableSize);
    }

    /// <summary>Returns the TDX TDREPORT (first 1024 bytes of the hardware report).</summary>
    /// <returns>The TDREPORT.</returns>
    /// <exception cref="AttestationFormatException">The report does not carry a TDX report (<see cref="ReportType"/> is not <see cref="AzureHclReportType.Tdx"/>).</exception>
    public ReadOnlyMemory<byte> GetTdReport()
    {
        RequireType(AzureHclReportType.Tdx);
        return _hardwareReport.AsMemory(0, TdReportSize);
    }

    /// <summary>Returns the REPORTDATA the hardware report carries (64 bytes; TDX TDREPORT or SNP report).</summary>
    /// <returns>REPORTDATA.</returns>
    /// <exception cref="AttestationFormatException">The report type is neither TDX nor SNP.</exception>
    public ReadOnlyMemory<byte> GetReportData() => ReportType switch
    {
        AzureHclReportType.Tdx => _hardwareReport.AsMemory(TdReportDataOffset, ReportDataSize),
        AzureHclReportType.Snp => _hardwareReport.AsMemory(SnpReportDataOffset, ReportDataSize),
        _ => throw Error($"report type {Describe(ReportType)} carries no known REPORTDATA"),
    };

    /// <summary>Throws unless the report carries the expected hardware report.</summary>
    /// <param name="expected">The expected type.</param>
    /// <exception cref="AttestationFormatException">The report type differs.</exception>
    public void RequireType(AzureHclReportType expected)
    {
        if (ReportType != expected)
        {
            throw Error($"report type at 0x4c8 expected {Describe(expected)}, got {Describe(ReportType)}");
        }
    }

    private static string Describe(AzureHclReportType type) =>
        Enum.IsDefined(type) ? $"{(int)type} ({type})" : ((int)type).ToString(CultureInfo.InvariantCulture);

    private static AttestationFormatException Error(string message) => new("Azure HCL report: " + message);
}
